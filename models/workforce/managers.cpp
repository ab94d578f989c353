#include "models/workforce/managers.hpp"

#include <algorithm>
#include <cmath>

namespace sgsim::models {
namespace {
constexpr StreamId kManager = stream_id("workforce.manager");
}  // namespace

void TeamManagers::declare_parameters(ParamDeclarer& d) {
  d.real(p_.team_size, {"manager.team_size", "social workers per manager", 7, 1, 50,
                        "social workers supervised by one team manager", Provenance::placeholder,
                        "a team manager typically supervises six to eight social workers; no national figure"});
  d.real(p_.change_rate, {"manager.change_rate", "per manager-year", 0.3, 0, 20,
                          "hazard that a permanent team manager leaves or moves on", Provenance::placeholder,
                          "EVIDENCE.md WF-2 (003_ea48d82efd16a722.txt L682: leadership instability); no national "
                          "figure for team managers"});
  d.real(p_.interim_share, {"manager.interim_share", "probability", 0.5, 0, 1,
                            "a manager who leaves is replaced by an interim manager rather than a permanent one",
                            Provenance::placeholder, "EVIDENCE.md WF-2 (001_a32efb814e300027.txt L32)"});
  d.real(p_.interim_days, {"manager.interim_days", "days", 150, 1, 1000,
                           "mean time an interim manager stays before the next change", Provenance::seed,
                           "two different interim managers between July 2012 and June 2013 (001_a32efb814e300027.txt "
                           "L32): about five months each"});
  d.real(p_.interim_quality_loss, {"manager.interim_quality_loss", "share", 0.15, 0, 1,
                                   "share of casework quality lost while the worker's manager is interim",
                                   Provenance::placeholder,
                                   "direction: EVIDENCE.md WF-2 (outcome: drift on child-in-need plans, TE-2); size "
                                   "for sensitivity, 0-0.5"});
}

void TeamManagers::declare_state(World& w) {
  change_ = w.agenda.add_kind("workforce.manager_change");
  m_changes_ = w.metrics.add("manager_changes", "changes", "team managers changing (leaving, or an interim replaced)",
                             MetricKind::flow);
  m_interim_ = w.metrics.add("teams_interim_manager", "teams", "teams led by an interim manager", MetricKind::stock);
  m_units_ = w.metrics.add("teams", "teams", "social work teams (a manager and about manager.team_size workers)",
                           MetricKind::stock);
}

void TeamManagers::add_team(World& w, double workers) {
  const auto units = static_cast<size_t>(std::max<int64_t>(1, std::llround(workers / p_.team_size)));
  first_unit_.push_back(interim_.size());
  units_in_team_.push_back(units);
  next_hire_.push_back(0);
  for (size_t i = 0; i < units; ++i) {
    interim_.push_back(0);  // every team starts with a permanent manager
    const auto unit = static_cast<uint32_t>(interim_.size() - 1);
    Draws d = w.rng.draws(kManager, unit, w.today);
    schedule_next(w, unit, d);
  }
}

uint32_t TeamManagers::unit_for_hire(size_t team) {
  const size_t k = next_hire_[team]++ % units_in_team_[team];
  return static_cast<uint32_t>(first_unit_[team] + k);
}

void TeamManagers::schedule_next(World& w, uint32_t unit, Draws& d) {
  const double rate = interim(unit) ? 1.0 / p_.interim_days : p_.change_rate / kDaysPerYear;
  if (rate <= 0) return;  // a permanent manager who never leaves
  w.agenda.file(w.today + static_cast<int32_t>(d.days_until(rate)), change_, unit);
}

void TeamManagers::daily(World& w) {
  double changes = 0;
  for (AgentId unit : w.agenda.due(w.today, change_)) {
    // Whoever leaves — a permanent manager or an interim one — the post is
    // covered by an interim manager or filled permanently.
    Draws d = w.rng.draws(kManager, unit, w.today);
    interim_[unit] = d.bernoulli(p_.interim_share);
    ++changes;
    schedule_next(w, unit, d);
  }
  w.metrics.add_to(m_changes_, changes);
}

void TeamManagers::record(World& w) const {
  w.metrics.set(m_interim_, static_cast<double>(std::count(interim_.begin(), interim_.end(), uint8_t{1})));
  w.metrics.set(m_units_, static_cast<double>(interim_.size()));
}

}  // namespace sgsim::models
