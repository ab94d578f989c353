// Secure care (EVIDENCE.md PL-7): sought as a very last resort for a child whose
// needs are at the secure threshold and whose placements keep breaking down, granted or refused by the court, then a wait
// for a bed in one national pool; an order of about three months, extended while
// the needs last; then a step-down placement (000_0a3acfabeaeb94cf.txt §3.41-§3.46:
// order, placement two days later, reviews, step-down to an inadequate placement;
// 002_5db1e8f627105674.txt ¶157: requests declined).
#include <algorithm>

#include "models/care/care.hpp"

namespace sgsim::models {
namespace {
constexpr StreamId kSecure = stream_id("care.secure");
}  // namespace

void Care::consider_secure(World& w, AgentId c) {
  if (placement(w, c) == PlacementType::secure || record_.get(w, secure_since_, c) != kNever) return;
  if (age(w, c) < p_.secure_min_age || record_.get(w, needs_, c) < p_.secure_needs) return;
  // Sought after placements keep failing: the third placement in a year (Lena:
  // missing escalated through placement after placement before the order,
  // 000_0a3acfabeaeb94cf.txt §3.27-§3.41).
  if (!three_in_a_year(w, c)) return;
  apply_for_secure(w, c);
}

bool Care::seek_secure(World& w, AgentId c) {
  if (!looked_after(w, c) || placement(w, c) == PlacementType::secure || record_.get(w, secure_since_, c) != kNever) return false;
  if (age(w, c) < p_.secure_min_age) return false;
  apply_for_secure(w, c);
  return true;
}

// One application a child a day, whichever route asks (a breakdown's notice and
// the exploitation route can both ask on the same day).
void Care::apply_for_secure(World& w, AgentId c) {
  if (applied_day_ != w.today) {
    applied_day_ = w.today;
    applied_today_.clear();
  }
  if (std::find(applied_today_.begin(), applied_today_.end(), c) != applied_today_.end()) return;
  applied_today_.push_back(c);
  w.metrics.add_to(m_secure_applications_, 1);
  if (!w.rng.draws(kSecure, c, w.today).bernoulli(p_.secure_granted)) {
    w.metrics.add_to(m_secure_refused_, 1);
    return;
  }
  record_.at(w, secure_since_, c) = w.today;
  secure_queue_.emplace_back(c, w.today);
}

void Care::admit_to_secure(World& w) {
  const bool national = market_.national() != nullptr;
  for (size_t i = 0; i < secure_queue_.size();) {
    const auto [c, applied] = secure_queue_[i];
    if (!w.children.active(c) || !looked_after(w, c) || record_.get(w, secure_since_, c) != applied) {
      secure_queue_.erase(secure_queue_.begin() + static_cast<std::ptrdiff_t>(i));  // left care, or a newer application
      continue;
    }
    if (w.today - applied > p_.secure_wait_limit) {
      secure_queue_.erase(secure_queue_.begin() + static_cast<std::ptrdiff_t>(i));
      record_.at(w, secure_since_, c) = kNever;
      w.metrics.add_to(m_secure_lapsed_, 1);
      continue;
    }
    // In a national run beds are given from one national list after every
    // authority's agencies phase (NationalMarket::admit_to_secure).
    if (national) {
      ++i;
      continue;
    }
    auto m = market_.find_type(w, PlacementType::secure, need(w, c), PlacementMarket::kAnyDistance, true);  // a court-ordered bed, wherever it is
    if (!m) return;  // no bed today: everyone waits, first come first served
    admit_secure(w, c, *m);
  }
}

void Care::admit_secure(World& w, AgentId c, const Match& m) {
  auto it = std::find_if(secure_queue_.begin(), secure_queue_.end(), [c](const auto& e) { return e.first == c; });
  if (it == secure_queue_.end()) throw std::logic_error("secure bed for a child not waiting");
  const int32_t applied = it->second;
  secure_queue_.erase(it);
  record_.at(w, secure_since_, c) = kNever;
  w.metrics.add_to(m_secure_admissions_, 1);
  w.metrics.add_to(m_secure_wait_days_, w.today - applied);
  start_placement(w, c, m, true);
  w.agenda.file(w.today + static_cast<int32_t>(p_.secure_order_days), secure_end_, c, record_.get(w, seq_, c));
}

void Care::secure_order_ends(World& w, AgentId c) {
  record_.at(w, needs_, c) = static_cast<float>(record_.at(w, needs_, c) * p_.secure_needs_effect);
  if (record_.get(w, needs_, c) >= p_.secure_needs && w.rng.draws(kSecure, c, w.today).bernoulli(p_.secure_extension)) {
    w.agenda.file(w.today + static_cast<int32_t>(p_.secure_order_days), secure_end_, c, record_.get(w, seq_, c));
    return;
  }
  place(w, {c}, true, kSecure, Sought::step_down_from_secure);
}

}  // namespace sgsim::models
