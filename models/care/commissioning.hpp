#pragma once
// Supply dynamics and commissioning options: in-house foster carers approved and
// leaving, the authority's own children's homes opened or closed, and an
// edge-of-care team (DESIGN.md §1: "recruit 60 more in-house foster carers / open
// two local children's homes / fund an edge-of-care team"). Each is a lever in
// the scenario; each has a cost the finance ledger counts.
#include "models/care/placements.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

class Commissioning {
 public:
  struct Params {
    double foster_attrition = 0, foster_replacement = 0, foster_approval_days = 0, foster_extra_per_year = 0;
    double cost_per_approval = 0;
    int64_t new_homes = 0, homes_to_close = 0;
    double new_home_places = 0, home_lead_time_days = 0, home_capital_cost = 0, close_after_days = 0;
    double eoc_capacity = 0, eoc_days = 0, eoc_prevention = 0, eoc_cost = 0;
    int64_t cost_year = 0;
  };

  Commissioning(PlacementMarket& market, const Finance& finance) : market_(market), finance_(finance) {}
  void declare_parameters(ParamDeclarer&);
  void declare_state(World&, Finance&);
  void initialise(World&);
  void parameters_changed(World& w) { eoc_places_ = p_.eoc_capacity * w.scale; }
  void daily(World&);       // approvals, deregistrations, homes opening and closing
  void accounting(World&);  // stocks and commissioning costs

  // The edge-of-care team takes the family if it has room; returns whether it
  // kept the child out of care (EVIDENCE.md TR-1 adolescents required to leave home).
  // Offer the edge-of-care team a child about to enter care; true if the team keeps
  // the child at home. A family the team is already working with is not a new
  // offer: the answer is the one given when the work began.
  bool edge_of_care(World& w, AgentId child);
  // Checkpoints: the team's families and the day's commissioning spend (zero
  // between days, written so a mid-day state would still be whole). eoc_places_
  // is derived from the parameters and the scale (parameters_changed).
  void save(StateOut& ar) const { ar(eoc_cases_, eoc_kept_home_, commissioning_today_); }
  void load(StateIn& ar) { ar(eoc_cases_, eoc_kept_home_, commissioning_today_); }

 private:
  void file_deregistration(World& w, AgentId provider);
  PlacementMarket& market_;
  const Finance& finance_;
  Params p_;
  AgendaKind deregister_, approve_, eoc_end_;
  SparseIndexSet eoc_cases_, eoc_kept_home_;  // families the team works with; those it keeps together
  double eoc_places_ = 0;
  double commissioning_today_ = 0;
  MetricId m_households_, m_approvals_, m_deregistrations_, m_home_places_, m_eoc_open_, m_eoc_starts_, m_eoc_prevented_,
      m_eoc_full_, m_cost_commissioning_, m_cost_eoc_;
};

}  // namespace sgsim::models
