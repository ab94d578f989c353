#include "models/care/leaving_care.hpp"

#include <cmath>

namespace sgsim::models {
namespace {
constexpr StreamId kLeaving = stream_id("care.leaving_care");
constexpr StreamId kFailure = stream_id("care.leaver_accommodation");
constexpr double kAdviserTo21Years = 3;  // personal adviser from 18 to 21 (Children (Leaving Care) Act 2000)
constexpr double kAdviserTo25Years = 7;  // to 25 on request (Children and Social Work Act 2017)
}  // namespace

void LeavingCare::declare_parameters(ParamDeclarer& d) {
  d.real(p_.staying_put_share, {"leaving_care.staying_put_share", "share", 0.55, 0, 1,
                                "young people in foster care at 18 who stay put with their carers", Provenance::national,
                                "DfE Children looked after 2024: about half of 18-year-olds in foster care stay put"});
  d.real(p_.staying_put_years, {"leaving_care.staying_put_years", "years", 1.5, 0.1, 3,
                                "mean length of staying put (to 21 at most)", Provenance::placeholder,
                                "DfE: a minority still stay put at 19 and 20"});
  d.real(p_.supported_share, {"leaving_care.supported_share", "share", 0.4, 0, 1,
                              "of the others, those who move to supported accommodation (the rest: their own tenancy "
                              "or family)", Provenance::seed,
                              "supported housing and YMCA at 18 (000_0a3acfabeaeb94cf.txt §3.55); share a placeholder"});
  d.real(p_.adviser_to_25, {"leaving_care.adviser_to_25_share", "share", 0.3, 0, 1,
                            "care leavers who keep a personal adviser to 25 (the rest to 21)", Provenance::placeholder,
                            "Children and Social Work Act 2017: support to 25 on request"});
  d.real_list(p_.failure_rates, {"leaving_care.failure_rates", "per year", {0.05, 0.5, 0.3}, 0, 20,
                                 "accommodation failure hazard: staying put, supported, independent",
                                 Provenance::seed,
                                 "supported accommodation failed within weeks (000_0a3acfabeaeb94cf.txt §3.55-§3.58; "
                                 "EVIDENCE.md TR-2); sizes are placeholders"});
  d.real(p_.adviser_cost, {"leaving_care.adviser_cost", "£ per young person-year", 2500, 0, 1e6,
                           "personal adviser support", Provenance::placeholder, "a PA salary over a caseload of about 20"});
  d.real(p_.staying_put_cost, {"leaving_care.staying_put_cost", "£ per week", 250, 0, 1e5,
                               "staying put allowance to the former foster carer", Provenance::placeholder,
                               "DfE staying put grant rates"});
  d.real(p_.supported_cost, {"leaving_care.supported_cost", "£ per week", 900, 0, 1e5,
                             "supported accommodation for a care leaver", Provenance::placeholder, "local rates"});
  d.integer(p_.cost_year, {"leaving_care.cost_year", "year", 2024, 2000, 2100, "price year of the leaving-care costs",
                           Provenance::user, "as stated"});
}

void LeavingCare::declare_state(World& w, Finance& finance) {
  auto& t = w.care_leavers;
  left_day_ = t.add<int32_t>("left_care_day", "simulated day", "18th birthday, the day care ended");
  adviser_until_ = t.add<int32_t>("adviser_until", "simulated day", "personal adviser support ends");
  staying_until_ = t.add<int32_t>("staying_put_until", "simulated day", "staying put ends");
  next_failure_ = t.add<int32_t>("next_failure", "simulated day", "day the current accommodation fails, if nothing changes");
  home_ = t.add<uint8_t>("accommodation", "code", "0 staying put, 1 supported, 2 independent");
  failures_ = t.add<uint16_t>("accommodation_failures", "events", "accommodation failures so far");
  failure_ = w.agenda.add_kind("care.leaver_accommodation_fails");
  adviser_ends_ = w.agenda.add_kind("care.leaver_support_ends");
  staying_put_ends_ = w.agenda.add_kind("care.staying_put_ends");
  m_leavers_ = w.metrics.add("care_leavers", "young people", "care leavers with a personal adviser", MetricKind::stock);
  m_new_ = w.metrics.add("care_leavers_new", "young people", "looked-after children leaving care at 18", MetricKind::flow);
  m_staying_put_ = w.metrics.add("care_leavers_staying_put", "young people", "care leavers staying put with former carers",
                                 MetricKind::stock);
  m_supported_ = w.metrics.add("care_leavers_supported", "young people", "care leavers in supported accommodation",
                               MetricKind::stock);
  m_failures_ = w.metrics.add("care_leaver_accommodation_failures", "events",
                              "care leavers losing their accommodation (eviction, breakdown, abandonment)", MetricKind::flow);
  m_cost_ = w.metrics.add("cost_leaving_care", "£", "personal advisers, staying put and supported accommodation (price year)",
                          MetricKind::flow);
  finance.register_cost(m_cost_);
}

void LeavingCare::file_failure(World& w, AgentId y) {
  // One failure day at a time: a change of accommodation redraws it, and the
  // entry filed for the old one no longer matches.
  Draws d = w.rng.draws(kFailure, y, w.today);
  const int64_t day = w.today + d.days_until(p_.failure_rates[w.care_leavers[home_][y]] / kDaysPerYear);
  w.care_leavers[next_failure_][y] = static_cast<int32_t>(std::min<int64_t>(day, INT32_MAX));
  w.agenda.file(w.care_leavers[next_failure_][y], failure_, y);
}

void LeavingCare::leave(World& w, AgentId child, PlacementType last) {
  Draws d = w.rng.draws(kLeaving, child, w.today);
  const AgentId y = w.care_leavers.add_rows(1);
  active_.insert(y);
  w.care_leavers[left_day_][y] = w.today;
  LeaverHome home = LeaverHome::independent;
  if (is_foster(last) && d.bernoulli(p_.staying_put_share)) {
    home = LeaverHome::staying_put;
    const double years = std::min(kAdviserTo21Years, d.exponential(1.0 / p_.staying_put_years));
    w.care_leavers[staying_until_][y] = w.today + static_cast<int32_t>(years * kDaysPerYear);
    w.agenda.file(w.care_leavers[staying_until_][y], staying_put_ends_, y);
  } else if (d.bernoulli(p_.supported_share)) {
    home = LeaverHome::supported;
  }
  w.care_leavers[home_][y] = static_cast<uint8_t>(home);
  const double years = d.bernoulli(p_.adviser_to_25) ? kAdviserTo25Years : kAdviserTo21Years;
  w.care_leavers[adviser_until_][y] = w.today + static_cast<int32_t>(years * kDaysPerYear);
  w.agenda.file(w.care_leavers[adviser_until_][y], adviser_ends_, y);
  w.metrics.add_to(m_new_, 1);
  file_failure(w, y);
}

void LeavingCare::daily(World& w) {
  for (AgentId y : w.agenda.due(w.today, staying_put_ends_)) {
    if (!w.care_leavers.active(y) || w.care_leavers[staying_until_][y] != w.today) continue;
    w.care_leavers[home_][y] = static_cast<uint8_t>(LeaverHome::independent);
    file_failure(w, y);
  }
  for (AgentId y : w.agenda.due(w.today, failure_)) {
    if (!w.care_leavers.active(y) || w.care_leavers[next_failure_][y] != w.today) continue;
    w.metrics.add_to(m_failures_, 1);
    ++w.care_leavers[failures_][y];
    // Rehoused: a supported place is lost, the tenancy is the fallback (TR-2).
    if (w.care_leavers[home_][y] == static_cast<uint8_t>(LeaverHome::supported))
      w.care_leavers[home_][y] = static_cast<uint8_t>(LeaverHome::independent);
    file_failure(w, y);
  }
  for (AgentId y : w.agenda.due(w.today, adviser_ends_)) {
    if (!w.care_leavers.active(y) || w.care_leavers[adviser_until_][y] != w.today) continue;
    active_.erase(y);
    w.care_leavers.deactivate(y);
  }
}

void LeavingCare::accounting(World& w) {
  double staying = 0, supported = 0;
  for (AgentId y : active_.ids()) {
    const auto h = static_cast<LeaverHome>(w.care_leavers[home_][y]);
    staying += h == LeaverHome::staying_put;
    supported += h == LeaverHome::supported;
  }
  w.metrics.set(m_leavers_, static_cast<double>(active_.size()));
  w.metrics.set(m_staying_put_, staying);
  w.metrics.set(m_supported_, supported);
  const double cost = static_cast<double>(active_.size()) * p_.adviser_cost / kDaysPerYear +
                      staying * p_.staying_put_cost / 7.0 + supported * p_.supported_cost / 7.0;
  w.metrics.add_to(m_cost_, finance_.in_price_year(cost, p_.cost_year));
}

}  // namespace sgsim::models
