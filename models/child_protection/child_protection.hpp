#pragma once
// Child protection: strategy discussion → section 47 enquiry → initial child
// protection conference (within 15 working days of the strategy discussion) →
// child protection plan or child-in-need plan; review conferences at 3 months and
// then 6-monthly; a plan ends by step-down to child in need (EVIDENCE.md §2.3).
// A conference or review whose estimate reaches the care threshold starts care
// proceedings, and a strategy discussion can remove a child at once (care module).
// Deferring the conference until a criminal investigation ends is a policy switch
// (EVIDENCE.md TE-1, 000_0a3acfabeaeb94cf.txt §3.12).
#include "models/agencies/agencies.hpp"
#include "models/care/care.hpp"
#include "models/casework/casework.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

class ChildProtection final : public Module {
 public:
  struct Params {
    double s47_threshold = 0, conference_threshold = 0, plan_threshold = 0, step_down_threshold = 0;
    double enquiry_working_days = 0;
    int64_t conference_working_days = 0;
    double first_review_days = 0, review_days = 0;
    bool defer_for_investigation = false;
    double investigation_days = 0;
  };

  ChildProtection(Casework& casework, Agencies& agencies, Care& care)
      : casework_(casework), agencies_(agencies), care_(care) {}

  std::string_view name() const override { return "child_protection"; }
  std::string_view summary() const override {
    return "strategy discussions, section 47 enquiries, initial conferences, child protection plans and their reviews";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override {}
  void plan_day(DayPlan&) override;
  void save(StateOut&) const override;
  void load(StateIn&) override;

  // A strategy discussion, called by the front door (from screening or an assessment).
  void strategy_discussion(World& w, AgentId c);
  // A vignette's child whose review dates a child protection plan (models/vignette):
  // the plan starts today, as a conference would start it, with its first review
  // due, and children's social care's record holds the concern of `category`
  // and what the conference's assessment found; what follows is the model's.
  // Returns false (and does nothing) if the child is already on a plan or looked after.
  bool script_plan(World& w, AgentId c, int32_t category);
  const Params& params() const { return p_; }

 private:
  void daily(World& w);
  Casework& casework_;
  Agencies& agencies_;
  Care& care_;
  Params p_;
  CaseRecords case_;  // casework's rows for the children with a case
  Col<int32_t> strategy_day_;
  AgendaKind enquiry_end_, conference_, review_;
  MetricId m_strategy_, m_s47_, m_icpc_, m_deferred_;
  // Traced decisions (World::trace): what each step decided, on what estimate,
  // against which threshold, under what workload.
  EventKind ev_strategy_, ev_enquiry_, ev_conference_, ev_review_;
};

}  // namespace sgsim::models
