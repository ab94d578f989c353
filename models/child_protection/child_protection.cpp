#include "models/child_protection/child_protection.hpp"

#include <cmath>

namespace sgsim::models {
namespace {
constexpr StreamId kEnquiry = stream_id("child_protection.enquiry");
constexpr StreamId kConference = stream_id("child_protection.conference");
constexpr StreamId kReview = stream_id("child_protection.review");
constexpr StreamId kStrategy = stream_id("child_protection.strategy");
}  // namespace

void ChildProtection::declare_parameters(ParamDeclarer& d) {
  d.real(p_.s47_threshold, {"thresholds.s47", "concern points", 5.949, 0, 100,
                            "estimate at a strategy discussion above which a section 47 enquiry starts",
                            Provenance::fitted,
                 "set equal to front_door.thresholds.strategy in the fit to section 47 enquiries (docs/calibration.md)"});
  d.real(p_.conference_threshold, {"thresholds.conference", "concern points", 9.48, 0, 100,
                                   "estimate at the end of the enquiry above which a conference is called",
                                   Provenance::fitted,
                 "fitted to initial conferences per 10,000 (DfE 2024/25; docs/calibration.md)"});
  d.real(p_.plan_threshold, {"thresholds.plan", "concern points", 6.845, 0, 100,
                             "estimate at the conference above which a child protection plan starts",
                             Provenance::fitted,
                 "fitted to plans starting per 10,000 (DfE 2024/25; docs/calibration.md)"});
  d.real(p_.step_down_threshold, {"thresholds.step_down", "concern points", 6.415, 0, 100,
                                  "a review conference ends the plan when the estimate is below this",
                                  Provenance::fitted,
                 "fitted to plans open at 31 March per 10,000 (DfE 2025; docs/calibration.md)"});
  d.real(p_.enquiry_working_days, {"enquiry_working_days", "working days", 10, 1, 60, "mean length of a section 47 enquiry",
                                   Provenance::placeholder, "must allow a conference within 15 working days"});
  d.integer(p_.conference_working_days, {"conference_working_days", "working days", 15, 1, 90,
                                         "initial conference held this many working days after the strategy discussion",
                                         Provenance::national, "Working Together to Safeguard Children 2023: 15 working days"});
  d.real(p_.first_review_days, {"first_review_days", "days", 91, 7, 365, "first review conference after the plan starts",
                                Provenance::national, "Working Together: within three months"});
  d.real(p_.review_days, {"review_days", "days", 182, 7, 730, "interval of later review conferences",
                          Provenance::national, "Working Together: then at least every six months"});
  d.boolean(p_.defer_for_investigation, {"defer_conference_for_investigation", false,
                                         "hold the conference only after a police investigation ends",
                                         Provenance::seed,
                                         "as-was practice in 000_0a3acfabeaeb94cf.txt §3.12, §3.15 (EVIDENCE.md TE-1)"});
  d.real(p_.investigation_days, {"investigation_days", "days", 60, 1, 730,
                                 "mean length of a police investigation that defers a conference",
                                 Provenance::placeholder, "000_0a3acfabeaeb94cf.txt §3.12: medical and ABE awaited"});
}

void ChildProtection::declare_state(World& w) {
  // A column of casework's case_records: a strategy discussion is held for a
  // child with a case (the row is reached through casework's case_record).
  case_ = casework_.case_rows();
  strategy_day_ = w.case_records.add<int32_t>("strategy_day", "simulated day", "day of the last strategy discussion");
  enquiry_end_ = w.agenda.add_kind("child_protection.enquiry_ends");
  conference_ = w.agenda.add_kind("child_protection.conference");
  review_ = w.agenda.add_kind("child_protection.review_conference");
  m_strategy_ = w.metrics.add("strategy_discussions", "discussions", "strategy discussions held", MetricKind::flow);
  m_s47_ = w.metrics.add("s47_enquiries", "enquiries", "section 47 enquiries starting", MetricKind::flow);
  m_icpc_ = w.metrics.add("icpcs", "conferences", "initial child protection conferences held", MetricKind::flow);
  m_deferred_ = w.metrics.add("conferences_deferred", "conferences",
                              "conferences put back until a police investigation ends", MetricKind::flow);
  ev_strategy_ = w.event_types.add_kind(
      "strategy_decision",
      "traced: a strategy discussion's outcome (detail: 0 no enquiry, a child-in-need plan; 1 section 47 enquiry; 2 "
      "removed at once under emergency protection, see care_decision; estimate: the judged estimate; threshold: the s47 "
      "threshold after the workload shift, or for 2 the emergency-protection threshold after the shift; workload: "
      "caseload pressure, Workforce::pressure)");
  ev_enquiry_ = w.event_types.add_kind(
      "enquiry_decision",
      "traced: a section 47 enquiry ends (detail: 0 no conference, a child-in-need plan; 1 initial conference called; 2 "
      "conference called but deferred until a police investigation ends (defer_conference_for_investigation); "
      "estimate: the judged estimate; threshold: the conference threshold after the workload shift; workload: caseload "
      "pressure)");
  ev_conference_ = w.event_types.add_kind(
      "conference_decision",
      "traced: an initial child protection conference (detail: 0 no plan, a child-in-need plan; 1 child protection "
      "plan; estimate: the judged estimate; threshold: the plan threshold after the workload shift; workload: caseload "
      "pressure)");
  ev_review_ = w.event_types.add_kind(
      "plan_review_decision",
      "traced: a child protection review conference (detail: 0 the plan ends, stepped down to a child-in-need plan; 1 "
      "the plan continues; estimate: the judged estimate; threshold: the step-down threshold after the workload shift; "
      "workload: caseload pressure)");
}

void ChildProtection::strategy_discussion(World& w, AgentId c) {
  w.metrics.add_to(m_strategy_, 1);
  case_.at(w, strategy_day_, c) = w.today;
  const double judged = casework_.judged(w, c, kStrategy, casework_.estimate(w, c));
  if (care_.consider_emergency(w, c, judged)) {  // removed at once; the enquiry goes on inside care
    w.trace(c, ev_strategy_, 2, judged, casework_.shifted(care_.params().emergency_threshold), casework_.workload());
    return;
  }
  const bool enquiry = judged >= casework_.shifted(p_.s47_threshold);
  w.trace(c, ev_strategy_, enquiry ? 1 : 0, judged, casework_.shifted(p_.s47_threshold), casework_.workload());
  if (enquiry) {
    w.metrics.add_to(m_s47_, 1);
    casework_.set_status(w, c, Status::protection_enquiry);
    Draws d = w.rng.draws(kEnquiry, c, w.today);
    const auto wd = static_cast<int32_t>(d.days_until(1.0 / p_.enquiry_working_days));
    casework_.step_day(w, c) = w.calendar.add_working_days(w.today, wd);
    w.agenda.file(casework_.step_day(w, c), enquiry_end_, c);
  } else {
    casework_.set_status(w, c, Status::child_in_need);
  }
}

bool ChildProtection::script_plan(World& w, AgentId c, int32_t category) {
  if (!w.children.active(c) || casework_.status(w, c) == Status::protection_plan ||
      casework_.status(w, c) == Status::looked_after)
    return false;
  if (casework_.status(w, c) == Status::none) casework_.note_referral(w, c);
  casework_.add_to_record(w, c, casework_.severity(category));
  casework_.assess_household(w, c, kConference);
  casework_.set_status(w, c, Status::protection_plan);
  casework_.step_day(w, c) = w.today + static_cast<int32_t>(p_.first_review_days);
  w.agenda.file(casework_.step_day(w, c), review_, c);
  return true;
}

void ChildProtection::daily(World& w) {
  for (AgentId c : w.agenda.due(w.today, enquiry_end_)) {
    if (!w.children.active(c) || casework_.status(w, c) != Status::protection_enquiry || casework_.step_day(w, c) != w.today)
      continue;
    casework_.assess_household(w, c, kEnquiry);
    const double judged = casework_.judged(w, c, kEnquiry, casework_.estimate(w, c));
    const double threshold = casework_.shifted(p_.conference_threshold);
    if (judged < threshold) {
      w.trace(c, ev_enquiry_, 0, judged, threshold, casework_.workload());
      casework_.set_status(w, c, Status::child_in_need);
      continue;
    }
    int32_t day = std::max(w.today, w.calendar.add_working_days(case_.get(w, strategy_day_, c),
                                                                static_cast<int32_t>(p_.conference_working_days)));
    const bool deferred = p_.defer_for_investigation && agencies_.concern(w, c, kPolice) > 0;
    w.trace(c, ev_enquiry_, deferred ? 2 : 1, judged, threshold, casework_.workload());
    if (deferred) {
      Draws d = w.rng.draws(kConference, c, w.today);
      day += static_cast<int32_t>(d.days_until(1.0 / p_.investigation_days));
      w.metrics.add_to(m_deferred_, 1);
    }
    casework_.step_day(w, c) = day;
    w.agenda.file(day, conference_, c);
  }
  for (AgentId c : w.agenda.due(w.today, conference_)) {
    if (!w.children.active(c) || casework_.status(w, c) != Status::protection_enquiry || casework_.step_day(w, c) != w.today)
      continue;
    w.metrics.add_to(m_icpc_, 1);
    const double judged = casework_.judged(w, c, kConference, casework_.estimate(w, c));
    const bool plan = judged >= casework_.shifted(p_.plan_threshold);
    w.trace(c, ev_conference_, plan ? 1 : 0, judged, casework_.shifted(p_.plan_threshold), casework_.workload());
    if (plan) {
      casework_.set_status(w, c, Status::protection_plan);
      casework_.step_day(w, c) = w.today + static_cast<int32_t>(p_.first_review_days);
      w.agenda.file(casework_.step_day(w, c), review_, c);
      care_.consider_proceedings(w, c, judged);
    } else {
      casework_.set_status(w, c, Status::child_in_need);
    }
  }
  for (AgentId c : w.agenda.due(w.today, review_)) {
    if (!w.children.active(c) || casework_.status(w, c) != Status::protection_plan || casework_.step_day(w, c) != w.today)
      continue;
    casework_.assess_household(w, c, kReview);
    // Under pressure the step-down threshold rises too: plans end earlier.
    const double judged = casework_.judged(w, c, kReview, casework_.estimate(w, c));
    const bool step_down = judged < casework_.shifted(p_.step_down_threshold);
    w.trace(c, ev_review_, step_down ? 0 : 1, judged, casework_.shifted(p_.step_down_threshold), casework_.workload());
    if (step_down) {
      casework_.set_status(w, c, Status::child_in_need);
    } else {
      care_.consider_proceedings(w, c, judged);
      casework_.step_day(w, c) = w.today + static_cast<int32_t>(p_.review_days);
      w.agenda.file(casework_.step_day(w, c), review_, c);
      casework_.apply_intervention(w, c);  // caseload, worker and manager may have changed
    }
  }
}

void ChildProtection::plan_day(DayPlan& plan) {
  plan.serial(Phase::agencies, "child_protection.enquiries_conferences_reviews", [this](World& w) { daily(w); });
}

// Checkpoints: none of its own — strategy days are a World column and enquiries,
// conferences and reviews are on the agenda.
void ChildProtection::save(StateOut&) const {}
void ChildProtection::load(StateIn&) {}

}  // namespace sgsim::models
