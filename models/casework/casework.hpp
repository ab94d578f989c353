#pragma once
// Casework: the one owner of every child's statutory status (EVIDENCE.md §2.3), so
// each child is in exactly one state each day and every start and end is counted.
// It runs early help and child-in-need work (consent, reviews, the "no statutory
// role" closure after a quiet spell, closure for non-cooperation), keeps children's
// social care's own record of each child, and applies interventions: while a case
// is open the child's true hazard is lowered by an amount that depends on the
// worker's caseload and on continuity, and after closure the effect fades with a
// half-life (the improvement-then-deterioration saw-tooth: EVIDENCE.md IN-1,
// 001_a32efb814e300027.txt L30–L31).
#include <array>
#include <functional>
#include <optional>

#include "models/family_risk/family_risk.hpp"
#include "models/workforce/workforce.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

// CIN census stages, in the order of the status column. A looked-after child's
// care (legal status, placement) is the care module's; casework only knows the
// case is open and held by the children-in-care team.
enum class Status : uint8_t { none, early_help, assessment, child_in_need, protection_enquiry, protection_plan, looked_after };
inline constexpr size_t kStatuses = 7;
inline constexpr std::array<const char*, kStatuses> kStatusNames = {
    "no_case", "early_help", "assessment", "child_in_need", "protection_enquiry", "protection_plan", "looked_after"};

class Casework final : public Module {
 public:
  struct Params {
    double severity_neglect = 0, severity_emotional = 0, severity_physical = 0, severity_sexual = 0;
    double record_half_life = 0;
    double early_help_consent = 0, early_help_days = 0;
    double cin_review_days = 0, cin_quiet_days = 0, cin_noncooperation = 0, close_threshold = 0, cin_time_limit = 0;
    double effect_early_help = 1, effect_cin = 1, effect_plan = 1;
    double caseload_quality_slope = 0, change_quality_loss = 0;
    double fade_half_life = 0;
    double stressor_detection = 0, stressor_weight = 0, capacity_weight = 0;
    double workload_shift = 0, threshold_sd = 0;
    double weight_assessment = 1, weight_cin = 1, weight_enquiry = 1, weight_plan = 1, weight_care = 1;
  };

  Casework(FamilyRisk& risk, Workforce& workforce, const Population& pop) : risk_(risk), wf_(workforce), pop_(pop) {}

  std::string_view name() const override { return "casework"; }
  std::string_view summary() const override {
    return "statutory status of each child; early help and child-in-need work; CSC's record; intervention effects and "
           "their fade; workload-driven threshold shift";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override {}
  void plan_day(DayPlan&) override;
  void save(StateOut&) const override;
  void load(StateIn&) override;

  Status status(const World& w, AgentId c) const { return static_cast<Status>(case_.get(w, status_, c)); }
  // A child's case record and household, for loops that ask for rows ahead
  // (visit_linked_rows).
  RowLink case_link(const World& w) const { return RowLink{w.children[case_.index], w.case_records}; }
  RowLink household_link(const World& w) const { return RowLink{w.children[pop_.columns().household], w.households}; }
  int32_t since(const World& w, AgentId c) const { return case_.get(w, since_, c); }  // the day the status began
  // Move a child to a new status: counts starts and ends, allocates or frees a
  // worker, opens or closes the intervention. The only way a status changes.
  // `lasting`: the case closes because the child now lives elsewhere for good
  // (adoption, special guardianship); the hazard keeps this multiplier, no fade.
  void set_status(World& w, AgentId c, Status s, std::optional<double> lasting = std::nullopt);

  // Children's social care's record: a decayed sum of the severity of what it has
  // been told, plus what the last assessment found of the household's stressors.
  double severity(int32_t category) const;
  void add_to_record(World& w, AgentId c, double severity);
  double record(const World& w, AgentId c) const;
  // Assess the household: each stressor present is found with a probability;
  // low carer capacity is seen in proportion. Stores and returns the finding.
  double assess_household(World& w, AgentId c, StreamId stream);
  double estimate(const World& w, AgentId c) const { return record(w, c) + case_.get(w, assessed_, c); }

  // Thresholds rise with team pressure (decision-making ecology): × (1 + shift × over-cap share).
  // The workload a decision is taken under (Workforce::pressure), for traces.
  double workload() const { return wf_.pressure(); }
  double shifted(double threshold) const { return threshold * (1.0 + p_.workload_shift * std::max(0.0, wf_.pressure() - 1.0)); }
  // The estimate as this decision-maker reads it: thresholds are applied
  // inconsistently (EVIDENCE.md FD-13), modelled as a lognormal factor with
  // median 1 drawn once per decision, shared by every threshold of that decision.
  double judged(World& w, AgentId c, StreamId stream, double estimate) const;

  void note_referral(World& w, AgentId c);  // counts referrals and re-referrals within 12 months
  // The day the child's current step (assessment, enquiry, conference, review) falls due.
  int32_t& step_day(World& w, AgentId c) { return case_.at(w, step_day_, c); }
  // Early help is offered; parents consent or not (EVIDENCE.md FC-3, IN-5).
  void offer_early_help(World& w, AgentId c, StreamId stream);
  // Re-work the open case's effect on the child's harm hazard from today's
  // caseload, worker changes and manager (at reviews and reallocations). A
  // looked-after child's hazard is the care module's (it follows the placement).
  void apply_intervention(World& w, AgentId c);
  const Params& params() const { return p_; }
  Workforce& workforce() { return wf_; }
  // The rows of case_records (for the modules that keep columns of a case there).
  const CaseRecords& case_rows() const { return case_; }
  // The care module's say at a child-in-need review: given the judged estimate,
  // it may accommodate the child (returns true if the child entered care).
  using CareHook = std::function<bool(World&, AgentId, double)>;
  void set_care_hook(CareHook hook) { care_hook_ = std::move(hook); }
  MetricId plan_starts() const { return m_plan_starts_; }

 private:
  double intervention(const World& w, AgentId c, Status s) const;
  double case_weight(Status s) const;
  void daily(World& w);

  FamilyRisk& risk_;
  Workforce& wf_;
  CareHook care_hook_;
  const Population& pop_;
  Params p_;
  EventKind ev_referral_, ev_status_;
  EventKind ev_review_, ev_early_help_;  // traced (World::trace)
  // The case's state is a row of World::case_records (SideRows), added at a
  // child's first referral or status and kept after: a child row holds only the
  // row's number. CSC's record of what it has been told stays a column of
  // children (record_, record_day_): contacts reach far more children than
  // referrals do.
  CaseRecords case_;
  Col<uint8_t> status_;
  Col<int32_t> since_, step_day_, last_referral_, closed_day_;
  Col<float> record_, assessed_, closing_multiplier_;
  Col<int32_t> record_day_;
  Col<uint8_t> plans_;
  AgendaKind review_, fade_, early_help_end_;
  std::array<int64_t, kStatuses> open_{};
  std::array<MetricId, kStatuses> m_harm_by_status_{};
  MetricId m_early_help_open_, m_cin_open_, m_plans_open_, m_plan_starts_, m_plan_ends_, m_repeat_plans_, m_plan_days_;
  MetricId m_referrals_, m_rereferrals_, m_closures_, m_early_help_starts_, m_early_help_offers_, m_cin_starts_;
  std::array<MetricId, kStatuses> m_in_status_{};
};

}  // namespace sgsim::models
