#pragma once
// Case-review vignettes (scenarios/vignettes/): one to three scripted children
// placed among the area's simulated children. A vignette fixes what the review
// tells — the child's age and sex, the family's stressors and the carers'
// capacity, the area's deprivation, what each agency saw and when, who the child's
// friends are and when exploiters targeted them — and leaves the rest to the
// model's rules: whether an agency passes a concern on, how screening decides, how
// grooming proceeds, when the child goes missing. The scripted children are traced
// (World::trace), so `sgsim trace` tells their story.
//
// A scripted child is the simulated child of the right sex, in a household of the
// right deprivation decile, whose birthday is nearest the vignette's age at
// start_date; the household's other children stay (siblings). Parameters are
// slots vignette.child_1 … child_5.
#include <array>
#include <string>
#include <vector>

#include "models/agencies/agencies.hpp"
#include "models/child_protection/child_protection.hpp"
#include "models/exploitation/exploitation.hpp"
#include "models/family_risk/family_risk.hpp"
#include "models/population/population.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

class Vignette final : public Module {
 public:
  static constexpr size_t kSlots = 5;  // the Coventry review's five girls (004 ¶2.3)
  struct Child {
    bool present = false;
    double age = 0;
    std::string sex;
    int64_t decile = 1;
    std::array<bool, FamilyRisk::kStressors> stressors{};
    double capacity = -1;
    std::array<std::vector<double>, kAgencies> concerns;  // days from start_date on which each agency saw harm
    std::string concern_category;
    bool targeted = false;
    double targeted_day = 0;
    std::string exploitation_type, exploitation_stage;
    double group_activity = 1;
    int64_t same_group_as = 0;  // another slot whose exploiters these are (1-5), 0 their own
    bool protection_plan = false;
    double protection_plan_day = 0;
    int64_t friend_of = 0;  // another slot (1-5), 0 none
    double missing_propensity = -1;
  };

  Vignette(Population& pop, FamilyRisk& risk, Agencies& agencies, ChildProtection& protection,
           Exploitation& exploitation)
      : pop_(pop), risk_(risk), agencies_(agencies), protection_(protection), exploitation_(exploitation) {}

  std::string_view name() const override { return "vignette"; }
  std::string_view summary() const override {
    return "case-review vignettes: scripted children, their families, what agencies saw and when, their exploiters";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override;
  void plan_day(DayPlan&) override;
  void save(StateOut&) const override;
  void load(StateIn&) override;

 private:
  AgentId choose(World& w, const Child& ch, const std::vector<AgentId>& taken) const;
  void daily(World& w);
  size_t slot_of(AgentId c) const;
  int32_t category(size_t slot) const;  // the slot's concern_category as a harm category

  Population& pop_;
  FamilyRisk& risk_;
  Agencies& agencies_;
  ChildProtection& protection_;
  Exploitation& exploitation_;
  std::array<Child, kSlots> slots_;
  std::array<AgentId, kSlots> child_{};  // the scripted child of each present slot
  std::array<uint32_t, kSlots> group_{};  // each slot's exploiter group once targeted
  AgendaKind concern_due_, targeting_due_, plan_due_;
  EventKind ev_scripted_;  // traced: what the vignette made happen, so a timeline says it was scripted
};

}  // namespace sgsim::models
