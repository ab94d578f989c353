#pragma once
// Team managers: each team is split into units of about `team_size` social
// workers under one manager. Managers change; a change often brings an interim
// manager first, and interim managers come and go until a permanent one is
// appointed. While a unit's manager is interim, supervision and case oversight
// are thinner, so the casework of its workers does less (EVIDENCE.md WF-2:
// Child 2's team "had two different interim managers" in a year,
// 001_a32efb814e300027.txt L32; service-wide management instability
// "impacting on all areas of service", 003_ea48d82efd16a722.txt L682).
#include <vector>

#include "sim/schedule/module.hpp"

namespace sgsim::models {

class TeamManagers {
 public:
  struct Params {
    double team_size = 0, change_rate = 0, interim_share = 0, interim_days = 0, interim_quality_loss = 0;
  };
  void declare_parameters(ParamDeclarer& d);
  void declare_state(World& w);
  // `workers` posts in a team: that team gets round(workers / team_size) units (at least one).
  void add_team(World& w, double workers);
  // The unit a newly hired worker of `team` joins: units of a team take hires in turn.
  uint32_t unit_for_hire(size_t team);
  bool interim(uint32_t unit) const { return interim_[unit] != 0; }
  // Share of a case's quality kept under this unit's manager (1 with a permanent manager).
  double quality(uint32_t unit) const { return interim(unit) ? 1.0 - p_.interim_quality_loss : 1.0; }
  void daily(World& w);  // manager changes due today
  void record(World& w) const;
  // Checkpoints: which units are led by an interim manager, and each team's
  // turn of hires. first_unit_ and units_in_team_ are fixed by add_team() in
  // initialise() (the scenario's establishment).
  void save(StateOut& ar) const { ar(next_hire_, interim_); }
  void load(StateIn& ar) { ar(next_hire_, interim_); }

 private:
  void schedule_next(World& w, uint32_t unit, Draws& d);
  Params p_;
  std::vector<size_t> first_unit_, units_in_team_, next_hire_;  // per team
  std::vector<uint8_t> interim_;                                // per unit
  AgendaKind change_;
  MetricId m_changes_, m_interim_, m_units_;
};

}  // namespace sgsim::models
