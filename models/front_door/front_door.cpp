#include "models/front_door/front_door.hpp"

#include <cmath>
#include <random>

namespace sgsim::models {
namespace {
constexpr StreamId kScreening = stream_id("front_door.screening");
constexpr StreamId kAssessment = stream_id("front_door.assessment");
}  // namespace

void FrontDoor::declare_parameters(ParamDeclarer& d) {
  d.real(p_.capacity_per_10k, {"screening.capacity_per_10k", "contacts per day per 10,000 children", 30, 0, 1e6,
                               "contacts the front door can screen on a working day", Provenance::placeholder,
                               "a local staffing figure, set above the baseline's demand (about 14 contacts a "
                               "working day per 10,000) so contacts are decided within a working day, as Working "
                               "Together to Safeguard Children (2023) expects of a referral; lower it to study a queue"});
  d.real(p_.weekend_share, {"screening.weekend_share", "share of weekday capacity", 0.3, 0, 1,
                            "capacity at weekends and on bank holidays (emergency duty team)", Provenance::placeholder,
                            "out-of-hours teams screen urgent contacts only"});
  d.boolean(p_.mash, {"mash", false, "a multi-agency safeguarding hub: screening sees every agency's record",
                      Provenance::seed,
                      "no MASH in the Luton documents (EVIDENCE.md §1.3); MASH maturity matters "
                      "(002_5db1e8f627105674.txt ¶121-¶125)"});
  d.real(p_.history_weight, {"history_weight", "weight 0-1", 0.5, 0, 1,
                             "weight of the child's history against the incident alone in the screening estimate",
                             Provenance::seed,
                             "events judged one at a time (000_0a3acfabeaeb94cf.txt §4.1; 002_5db1e8f627105674.txt "
                             "¶113-¶117; EVIDENCE.md FD-2)"});
  d.real(p_.override_to_close, {"manager_override_to_close", "probability", 0.0, 0, 1,
                                "a manager closes a contact that met the referral threshold",
                                Provenance::seed, "000_0a3acfabeaeb94cf.txt §3.1 (EVIDENCE.md FD-1); P strength: off by default"});
  d.real(p_.early_help, {"thresholds.early_help", "concern points", 1.2, 0, 100,
                         "screening estimate at or above which early help is offered", Provenance::placeholder,
                 "set by hand, not fitted: above a single neglect or emotional-abuse incident (1 point) so that a lone low-level contact with no history is closed at screening; no published contact outcomes to fit"});
  d.real(p_.referral, {"thresholds.referral", "concern points", 2.725, 0, 100,
                       "screening estimate at or above which a contact becomes a referral", Provenance::fitted,
                 "fitted to referrals per 10,000 children (DfE 2024/25; docs/calibration.md)"});
  d.real(p_.assessment, {"thresholds.assessment", "concern points", 2.784, 0, 100,
                         "a referral below this ends with no further action instead of an assessment",
                         Provenance::fitted,
                 "fitted to the share of referrals ending in no further action (DfE 2024/25; docs/calibration.md)"});
  d.real(p_.immediate_strategy, {"thresholds.immediate_strategy", "concern points", 12, 0, 100,
                                 "screening estimate at which a strategy discussion is held at once",
                                 Provenance::placeholder, "EVIDENCE.md TE-6: once the CP route starts it is fast"});
  d.real(p_.in_need, {"thresholds.in_need", "concern points", 5.006, 0, 100,
                      "assessment estimate at or above which the child is in need (a child-in-need plan)",
                      Provenance::fitted,
                 "fitted to assessments ending 'not in need' (DfE 2024/25; docs/calibration.md)"});
  d.real(p_.strategy, {"thresholds.strategy", "concern points", 5.949, 0, 100,
                       "assessment estimate at or above which a strategy discussion is held", Provenance::fitted,
                 "fitted to section 47 enquiries per 10,000 (DfE 2024/25; docs/calibration.md)"});
  d.real(p_.assessment_days, {"assessment.mean_working_days", "working days", 24, 1, 200,
                              "mean length of a single assessment", Provenance::national,
                              "DfE Characteristics of children in need: most assessments finish well inside 45 working days"});
  d.real(p_.assessment_shape, {"assessment.duration_shape", "gamma shape", 3, 0.5, 50,
                               "spread of assessment lengths (gamma shape; larger is tighter)", Provenance::placeholder,
                               "set so roughly one in ten runs past 45 working days"});
  d.integer(p_.statutory_days, {"assessment.statutory_limit", "working days", 45, 1, 200,
                                "statutory limit for a single assessment (late ones are counted)", Provenance::national,
                                "Working Together to Safeguard Children 2023"});
}

void FrontDoor::declare_state(World& w) {
  assessment_due_ = w.agenda.add_kind("front_door.assessment_due");
  ev_contact_ = w.event_types.add_kind("contact", "a contact screened at the front door, by the agency that made it "
                                                 "(detail: 0 closed, 1 early help offered, 2 referral, 3 passed to the "
                                                 "open case, 4 closed by a manager's override)");
  w.event_types.add_codes("contact_outcome", kContactOutcomeNames);
  ev_screened_ = w.event_types.add_kind("screening_decision",
                                        "traced: a contact screened (detail: contact_outcome; estimate: the screener's "
                                        "estimate; threshold: the referral threshold after the workload shift; workload: "
                                        "contacts waiting to be screened)");
  ev_assessed_ = w.event_types.add_kind("assessment_decision",
                                        "traced: an assessment's outcome (detail: 0 not in need, 1 child in need, 2 "
                                        "strategy discussion; estimate: the assessment's estimate; threshold: the "
                                        "in-need threshold, or the strategy threshold if the estimate reached in need; "
                                        "workload: caseload pressure, Workforce::pressure)");
  m_contacts_ = w.metrics.add("contacts", "contacts", "contacts reaching the front door", MetricKind::flow);
  m_screened_ = w.metrics.add("contacts_screened", "contacts", "contacts screened", MetricKind::flow);
  m_wait_ = w.metrics.add("screening_wait_days", "contact-days", "days waited by the contacts screened that day (÷ contacts_screened for the mean)",
                          MetricKind::flow);
  m_queue_ = w.metrics.add("screening_queue", "contacts", "contacts waiting to be screened", MetricKind::stock);
  m_contact_nfa_ = w.metrics.add("contacts_nfa", "contacts", "contacts closed at screening with no further action", MetricKind::flow);
  m_to_early_help_ = w.metrics.add("contacts_to_early_help", "contacts", "contacts passed to early help", MetricKind::flow);
  m_referral_nfa_ = w.metrics.add("referrals_nfa", "referrals", "referrals ending in no further action (no assessment)",
                                  MetricKind::flow);
  m_assess_started_ = w.metrics.add("assessments_started", "assessments", "single assessments starting", MetricKind::flow);
  m_assess_done_ = w.metrics.add("assessments_completed", "assessments", "single assessments completed", MetricKind::flow);
  m_not_in_need_ = w.metrics.add("assessments_not_in_need", "assessments", "assessments ending with the child not in need",
                                 MetricKind::flow);
  m_over_limit_ = w.metrics.add("assessments_over_limit", "assessments", "assessments completed after the statutory limit",
                                MetricKind::flow);
  m_assess_days_ = w.metrics.add("assessment_working_days", "working days",
                                 "working days taken by the assessments completed that day (÷ assessments_completed)",
                                 MetricKind::flow);
}

void FrontDoor::start_assessment(World& w, AgentId c) {
  w.metrics.add_to(m_assess_started_, 1);
  casework_.set_status(w, c, Status::assessment);
  Draws d = w.rng.draws(kAssessment, c, w.today);
  std::gamma_distribution<double> g(p_.assessment_shape, p_.assessment_days / p_.assessment_shape);
  const auto wd = std::max(1, static_cast<int32_t>(std::lround(g(d))));
  casework_.step_day(w, c) = w.calendar.add_working_days(w.today, wd);
  w.agenda.file(casework_.step_day(w, c), assessment_due_, c);
}

void FrontDoor::log_contact(World& w, const Contact& ct, ContactOutcome outcome, double estimate) const {
  w.log(ct.child, ev_contact_, static_cast<int32_t>(outcome), agencies_.id(ct.agency));
  // A contact about an open case goes to its worker unscreened: no decision to trace.
  if (outcome != ContactOutcome::to_open_case)
    w.trace(ct.child, ev_screened_, static_cast<int32_t>(outcome), estimate, casework_.shifted(p_.referral),
            static_cast<double>(queue_.size()), agencies_.id(ct.agency));
}

void FrontDoor::screen(World& w, const Contact& ct) {
  const AgentId c = ct.child;
  w.metrics.add_to(m_screened_, 1);
  w.metrics.add_to(m_wait_, w.today - ct.arrived);
  const double incident = agencies_.take_unreported(w, c, ct.agency);
  const Status s = casework_.status(w, c);
  if (s != Status::none && s != Status::early_help) {
    casework_.add_to_record(w, c, incident);  // an open case: the news goes to the worker
    log_contact(w, ct, ContactOutcome::to_open_case);
    return;
  }
  // A MASH gathers what partner agencies hold but have not passed on, and that
  // picture goes into children's social care's record with the contact, so later
  // decisions (assessment, enquiry, conference) see it too.
  const double partners = p_.mash ? agencies_.take_unreported_from_others(w, c, ct.agency) : 0.0;
  // The screener's estimate: what is new now, plus the record's history, weighted.
  const double estimate =
      casework_.judged(w, c, kScreening, incident + partners + p_.history_weight * casework_.record(w, c));
  casework_.add_to_record(w, c, incident + partners);

  const bool meets_referral = estimate >= casework_.shifted(p_.referral);
  // A manager's override closes a contact that met the referral threshold
  // outright: no referral and no early-help offer (000_0a3acfabeaeb94cf.txt §3.1).
  const bool overridden = meets_referral && w.rng.draws(kScreening, c, w.today).bernoulli(p_.override_to_close);
  if (meets_referral && !overridden) {
    log_contact(w, ct, ContactOutcome::referral, estimate);
    casework_.note_referral(w, c);
    if (estimate >= casework_.shifted(p_.immediate_strategy)) {
      cp_.strategy_discussion(w, c);
    } else if (estimate >= casework_.shifted(p_.assessment)) {
      start_assessment(w, c);
    } else {
      w.metrics.add_to(m_referral_nfa_, 1);  // any early help already open carries on
    }
    return;
  }
  if (!overridden && estimate >= casework_.shifted(p_.early_help)) {
    w.metrics.add_to(m_to_early_help_, 1);
    log_contact(w, ct, ContactOutcome::early_help, estimate);
    casework_.offer_early_help(w, c, kScreening);
    return;
  }
  w.metrics.add_to(m_contact_nfa_, 1);
  log_contact(w, ct, overridden ? ContactOutcome::overridden : ContactOutcome::closed, estimate);
  agencies_.batted_back(w, c, ct.agency);
}

void FrontDoor::daily(World& w) {
  for (const AgendaEntry& e : w.agenda.due(w.today, agencies_.contact_kind())) {
    if (!w.children.active(e.id)) continue;
    w.metrics.add_to(m_contacts_, 1);
    queue_.push_back({e.id, e.payload, w.today});
  }
  // Screening capacity: fractional capacity carries over so small areas are not rounded to zero.
  const double per_day = p_.capacity_per_10k / 1e4 * static_cast<double>(w.children.active_count()) *
                         (w.calendar.is_working_day(w.today) ? 1.0 : p_.weekend_share);
  carried_capacity_ = std::min(carried_capacity_ + per_day, per_day + 1.0);
  // Screening reads the child's row, its case record and the agency's record,
  // and a change of status the household (the harm hazard): asked for a few
  // contacts ahead (as visit_linked_rows).
  const RowLink case_record = casework_.case_link(w);
  const RowLink household = casework_.household_link(w);
  while (!queue_.empty() && carried_capacity_ >= 1.0) {
    if (queue_.size() > kPrefetchAhead) w.children.prefetch(queue_[kPrefetchAhead].child);
    if (queue_.size() > kPrefetchAhead / 2 && queue_[kPrefetchAhead / 2].child < w.children.rows()) {
      case_record(queue_[kPrefetchAhead / 2].child);
      household(queue_[kPrefetchAhead / 2].child);
      agencies_.prefetch_records(w, queue_[kPrefetchAhead / 2].child);
    }
    const Contact ct = queue_.front();
    queue_.pop_front();
    if (!w.children.active(ct.child)) continue;
    carried_capacity_ -= 1.0;
    screen(w, ct);
  }
  visit_linked_rows(w.children, w.agenda.due(w.today, assessment_due_), [&](AgentId c) {
    if (!w.children.active(c) || casework_.status(w, c) != Status::assessment || casework_.step_day(w, c) != w.today)
      return;
    w.metrics.add_to(m_assess_done_, 1);
    const int32_t took = w.calendar.working_days_between(casework_.since(w, c), w.today);
    w.metrics.add_to(m_assess_days_, took);
    if (took > p_.statutory_days) w.metrics.add_to(m_over_limit_, 1);
    casework_.assess_household(w, c, kAssessment);
    const double estimate = casework_.judged(w, c, kAssessment, casework_.estimate(w, c));
    const double in_need = casework_.shifted(p_.in_need), strategy = casework_.shifted(p_.strategy);
    w.trace(c, ev_assessed_, estimate >= strategy ? 2 : estimate >= in_need ? 1 : 0, estimate,
            estimate >= in_need ? strategy : in_need, casework_.workload());
    if (estimate >= casework_.shifted(p_.strategy)) {
      cp_.strategy_discussion(w, c);
    } else if (estimate >= casework_.shifted(p_.in_need)) {
      casework_.set_status(w, c, Status::child_in_need);
    } else {
      w.metrics.add_to(m_not_in_need_, 1);
      casework_.set_status(w, c, Status::none);
      if (estimate >= casework_.shifted(p_.early_help)) casework_.offer_early_help(w, c, kAssessment);
    }
  }, case_record, household);
}

void FrontDoor::plan_day(DayPlan& plan) {
  plan.serial(Phase::agencies, "front_door.screening_and_assessment", [this](World& w) { daily(w); });
  plan.serial(Phase::accounting, "front_door.queue", [this](World& w) {
    w.metrics.set(m_queue_, static_cast<double>(queue_.size()));
  });
}

// Checkpoints: contacts waiting to be screened, in order, and the screening capacity
// carried over from the day before.
void FrontDoor::save(StateOut& ar) const { ar(queue_, carried_capacity_); }
void FrontDoor::load(StateIn& ar) { ar(queue_, carried_capacity_); }

}  // namespace sgsim::models
