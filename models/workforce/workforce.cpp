#include "models/workforce/workforce.hpp"

#include <algorithm>
#include <cmath>

namespace sgsim::models {
namespace {
constexpr StreamId kLeaving = stream_id("workforce.leaving");
constexpr StreamId kRecruit = stream_id("workforce.recruitment");
constexpr double kDaysPerYear = 365.25;
}  // namespace

void Workforce::declare_parameters(ParamDeclarer& d) {
  d.real(p_.posts_per_10k, {"posts_per_10k", "posts per 10,000 children", 22, 0.5, 200,
                            "case-holding social worker posts (establishment)", Provenance::national,
                            "DfE Children's social work workforce 2024: about 26,000 case-holding FTE in England, "
                            "about 22 per 10,000 children"});
  d.integer(p_.caseload_cap, {"caseload_cap", "cases per worker", 20, 1, 100,
                              "most cases a worker is allocated; beyond it cases wait unallocated", Provenance::user,
                              "a local policy; the seeds record caseloads 'up to 34' (001_a32efb814e300027.txt L32)"});
  d.real(p_.turnover, {"turnover", "per worker per year", 0.10, 0, 2,
                       "leaving hazard of a permanent worker at or below the caseload cap", Provenance::placeholder,
                       "fitted so that turnover is near DfE's 14% a year (2023-24) at national caseloads"});
  d.real(p_.turnover_caseload_slope,
         {"turnover_caseload_slope", "ratio per unit over cap", 2.0, 0, 50,
          "leaving hazard multiplies by 1 + slope × (caseload/cap − 1) above the cap", Provenance::placeholder,
          "direction: EVIDENCE.md WF-1, WF-7 (001_a32efb814e300027.txt L32; 004_cfad9db42d4b51c9.txt ¶5.2.6)"});
  d.real(p_.agency_turnover, {"agency_turnover", "per worker per year", 0.5, 0, 5,
                              "leaving hazard of an agency worker", Provenance::placeholder,
                              "agency assignments are short; no national figure"});
  d.real(p_.agency_fill_share, {"agency_fill_share", "share of vacancies", 0.6, 0, 1,
                                "vacancies covered by an agency worker while recruitment runs", Provenance::placeholder,
                                "set with recruitment_days so the agency share is near DfE's 18% (2023-24)"});
  d.real(p_.agency_fill_days, {"agency_fill_days", "days", 21, 1, 365, "mean days to bring in an agency worker",
                               Provenance::placeholder, "no national figure"});
  d.real(p_.recruitment_days, {"recruitment_days", "days", 150, 1, 1000, "mean days to fill a post permanently",
                               Provenance::placeholder, "set so the vacancy rate is near DfE's 19% (2023-24)"});
  d.real(p_.salary_permanent, {"cost_permanent", "£ per worker-year", 62000, 0, 500000,
                               "employer cost of a permanent social worker", Provenance::placeholder,
                               "order of PSSRU Unit Costs 2023 for a children's social worker, to be updated"});
  d.real(p_.salary_agency, {"cost_agency", "£ per worker-year", 95000, 0, 500000,
                            "cost of an agency social worker", Provenance::placeholder,
                            "agency premium of about half again; no single national figure"});
}

void Workforce::declare_state(World& w) {
  worker_ = w.children.add<uint32_t>("worker", "id", "allocated social worker", kNone);
  changes_ = w.children.add<uint8_t>("worker_changes", "changes", "changes of worker during the current case");
  waiting_ = w.children.add<uint8_t>("unallocated", "flag", "case waiting for a worker");
  caseload_ = w.workers.add<uint16_t>("caseload", "cases", "cases allocated");
  agency_ = w.workers.add<uint8_t>("agency", "flag", "1 = agency worker");
  post_filled_ = w.agenda.add_kind("workforce.post_filled");
  m_workers_ = w.metrics.add("social_workers", "workers", "case-holding social workers in post", MetricKind::stock);
  m_agency_ = w.metrics.add("agency_workers", "workers", "of whom agency workers", MetricKind::stock);
  m_caseload_ = w.metrics.add("caseload_mean", "cases per worker", "allocated cases per case-holding worker", MetricKind::stock);
  m_unallocated_ = w.metrics.add("unallocated_cases", "cases", "open cases waiting for a worker", MetricKind::stock);
  m_leavers_ = w.metrics.add("worker_leavers", "workers", "social workers leaving", MetricKind::flow);
  m_vacancies_ = w.metrics.add("vacancies", "posts", "posts with no worker (including those covered later by agency)",
                               MetricKind::stock);
  m_cost_ = w.metrics.add("staff_cost", "£", "cost of case-holding social workers", MetricKind::flow);
}

void Workforce::initialise(World& w) {
  posts_ = std::max<int64_t>(1, std::llround(p_.posts_per_10k / 1e4 * static_cast<double>(w.children.active_count())));
  for (int64_t i = 0; i < posts_; ++i) hire(w, false);
}

void Workforce::hire(World& w, bool agency) {
  const AgentId id = w.workers.add_rows(1);
  w.workers[agency_][id] = agency;
  agency_count_ += agency;
  cases_.emplace_back();
  by_load_.insert({0, id});
}

double Workforce::pressure() const {
  const auto n = static_cast<double>(by_load_.size());
  if (n == 0) return open_cases_ > 0 ? 10.0 : 0.0;
  return static_cast<double>(open_cases_) / (n * static_cast<double>(p_.caseload_cap));
}

void Workforce::allocate(World& w, AgentId child, AgentId worker) {
  auto& load = w.workers[caseload_][worker];
  by_load_.erase({load, worker});
  ++load;
  by_load_.insert({load, worker});
  cases_[worker].push_back(child);
  if (w.children[worker_][child] != kNone) ++w.children[changes_][child];
  w.children[worker_][child] = worker;
}

void Workforce::request(World& w, AgentId child) {
  ++open_cases_;
  if (!by_load_.empty() && by_load_.begin()->first < p_.caseload_cap) {
    allocate(w, child, by_load_.begin()->second);
  } else {
    w.children[waiting_][child] = 1;
    queue_.push_back(child);
    ++queued_;
  }
}

void Workforce::release(World& w, AgentId child) {
  --open_cases_;
  if (w.children[waiting_][child]) {
    w.children[waiting_][child] = 0;  // removed from the queue lazily
    --queued_;
  }
  const AgentId worker = w.children[worker_][child];
  w.children[worker_][child] = kNone;
  w.children[changes_][child] = 0;
  if (worker == kNone) return;
  auto& list = cases_[worker];
  list.erase(std::find(list.begin(), list.end(), child));
  auto& load = w.workers[caseload_][worker];
  by_load_.erase({load, worker});
  --load;
  by_load_.insert({load, worker});
}

void Workforce::leave(World& w, AgentId worker) {
  by_load_.erase({w.workers[caseload_][worker], worker});
  agency_count_ -= w.workers[agency_][worker];
  w.workers.deactivate(worker);
  // The worker's cases go to colleagues with room, or join the queue: a change of
  // worker either way (WF-3, WF-5).
  std::vector<AgentId> orphaned;
  orphaned.swap(cases_[worker]);
  w.workers[caseload_][worker] = 0;
  for (AgentId child : orphaned) {
    if (!by_load_.empty() && by_load_.begin()->first < p_.caseload_cap) {
      allocate(w, child, by_load_.begin()->second);
    } else {
      ++w.children[changes_][child];
      w.children[worker_][child] = kNone;
      w.children[waiting_][child] = 1;
      queue_.push_back(child);
      ++queued_;
    }
  }
  // The post is refilled: by an agency worker soon, or permanently after recruitment.
  ++vacancies_;
  Draws d = w.rng.draws(kRecruit, worker, w.today);
  const bool agency = d.bernoulli(p_.agency_fill_share);
  const double mean = agency ? p_.agency_fill_days : p_.recruitment_days;
  w.agenda.file(w.today + static_cast<int32_t>(d.days_until(1.0 / mean)), post_filled_, worker, agency);
}

void Workforce::daily(World& w) {
  for (const AgendaEntry& e : w.agenda.due(w.today, post_filled_)) {
    --vacancies_;
    hire(w, e.payload != 0);
  }
  // Leaving: a daily hazard per worker from today's caseload.
  std::vector<AgentId> leavers;
  for (const auto& [load, id] : by_load_) {
    const double ratio = static_cast<double>(load) / static_cast<double>(p_.caseload_cap);
    const double base = w.workers[agency_][id] ? p_.agency_turnover : p_.turnover;
    const double hazard = base * (1.0 + p_.turnover_caseload_slope * std::max(0.0, ratio - 1.0)) / kDaysPerYear;
    if (w.rng.draws(kLeaving, id, w.today).bernoulli(hazard)) leavers.push_back(id);
  }
  std::sort(leavers.begin(), leavers.end());
  for (AgentId id : leavers) leave(w, id);
  w.metrics.add_to(m_leavers_, static_cast<double>(leavers.size()));
  // Allocate waiting cases while anyone has room.
  while (!queue_.empty() && !by_load_.empty() && by_load_.begin()->first < p_.caseload_cap) {
    const AgentId child = queue_.front();
    queue_.pop_front();
    if (!w.children[waiting_][child]) continue;  // closed while waiting
    w.children[waiting_][child] = 0;
    --queued_;
    allocate(w, child, by_load_.begin()->second);
  }
  while (!queue_.empty() && !w.children[waiting_][queue_.front()]) queue_.pop_front();
}

void Workforce::plan_day(DayPlan& plan) {
  plan.serial(Phase::agencies, "workforce.leaving_recruitment_allocation", [this](World& w) { daily(w); });
  plan.serial(Phase::accounting, "workforce.stocks", [this](World& w) {
    const auto n = static_cast<double>(by_load_.size());
    w.metrics.set(m_workers_, n);
    w.metrics.set(m_agency_, static_cast<double>(agency_count_));
    w.metrics.set(m_caseload_, n > 0 ? static_cast<double>(open_cases_ - queued_) / n : 0.0);
    w.metrics.set(m_unallocated_, static_cast<double>(queued_));
    w.metrics.set(m_vacancies_, static_cast<double>(vacancies_));
    const double agency = static_cast<double>(agency_count_);
    w.metrics.add_to(m_cost_, ((n - agency) * p_.salary_permanent + agency * p_.salary_agency) / kDaysPerYear);
  });
}

}  // namespace sgsim::models
