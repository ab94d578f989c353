#include "models/casework/casework.hpp"

#include <cmath>
#include <random>
#include <string_view>

namespace sgsim::models {
namespace {
constexpr StreamId kEarlyHelp = stream_id("casework.early_help");
constexpr StreamId kReview = stream_id("casework.cin_review");
// Finding stressors and asking for consent draw from streams of their own
// (combined with the caller's), so they are never the same number as another
// decision the caller takes for the child that day.
constexpr StreamId kHousehold = stream_id("casework.assess_household");
constexpr StreamId kConsent = stream_id("casework.early_help_consent");
constexpr StreamId kJudgement = stream_id("casework.judgement");
constexpr int32_t kNever = INT32_MIN;
constexpr int32_t kRereferralWindow = 365;  // DfE: a referral within 12 months of the previous one
constexpr uint32_t kFadeSteps = 4;          // after four half-lives the effect is treated as gone (6%)

// Outcomes of a child-in-need review and of early help, for traces (World::trace).
constexpr std::array<std::string_view, 6> kReviewNames = {"continues", "closed_quiet", "closed_noncooperation",
                                                          "closed_time_limit", "closed_below_threshold",
                                                          "accommodated_s20"};
enum ReviewOutcome : int32_t { kContinues, kQuiet, kNoncooperation, kTimeLimit, kBelowThreshold, kAccommodated };
constexpr std::array<std::string_view, 3> kEarlyHelpNames = {"declined", "accepted", "ended"};

bool needs_worker(Status s) {
  return s == Status::assessment || s == Status::child_in_need || s == Status::protection_enquiry ||
         s == Status::protection_plan || s == Status::looked_after;
}
}  // namespace

void Casework::declare_parameters(ParamDeclarer& d) {
  const char* sev_src = "CIN census categories; weights order physical and sexual abuse above neglect and emotional "
                        "abuse (placeholder sizes)";
  d.real(p_.severity_neglect, {"severity.neglect", "concern points", 1.0, 0, 20, "concern a recorded neglect event adds",
                               Provenance::placeholder, sev_src});
  d.real(p_.severity_emotional, {"severity.emotional", "concern points", 1.0, 0, 20,
                                 "concern a recorded emotional-abuse event adds", Provenance::placeholder, sev_src});
  d.real(p_.severity_physical, {"severity.physical", "concern points", 2.0, 0, 20,
                                "concern a recorded physical-abuse event adds", Provenance::placeholder, sev_src});
  d.real(p_.severity_sexual, {"severity.sexual", "concern points", 3.0, 0, 20,
                              "concern a recorded sexual-abuse event adds", Provenance::placeholder, sev_src});
  d.real(p_.record_half_life, {"record_half_life", "days", 365, 7, 3650,
                               "half-life of a concern in a record (older events weigh less)", Provenance::placeholder,
                               "EVIDENCE.md FD-2: history is under-weighted; range for sensitivity"});
  d.real(p_.early_help_consent, {"early_help.consent", "probability", 0.7, 0, 1,
                                 "parents agree to an offer of early help", Provenance::placeholder,
                                 "EVIDENCE.md FC-3, IN-5: consent gates voluntary help (004_cfad9db42d4b51c9.txt ¶4.2.6)"});
  d.real(p_.early_help_days, {"early_help.mean_days", "days", 180, 7, 1500, "mean length of an early-help episode",
                              Provenance::placeholder, "time-limited work (EVIDENCE.md IN-3)"});
  d.real(p_.cin_review_days, {"child_in_need.review_days", "days", 90, 7, 365,
                              "interval between child-in-need reviews", Provenance::national,
                              "Working Together to Safeguard Children: plans reviewed at least every three months"});
  d.real(p_.cin_quiet_days, {"child_in_need.quiet_days", "days", 110.3, 0, 730,
                             "a case with nothing new recorded for this long is closed as 'no statutory role'",
                             Provenance::fitted,
                 "fitted to children in need at 31 March (DfE 2024; docs/calibration.md); the as-was spell in one review was about two months (001_a32efb814e300027.txt L68, EVIDENCE.md TE-3)"});
  d.real(p_.cin_noncooperation, {"child_in_need.noncooperation", "per case-year", 0.2, 0, 10,
                                 "hazard that a child-in-need case closes because the family will not cooperate",
                                 Provenance::placeholder,
                                 "EVIDENCE.md IN-5 (001_a32efb814e300027.txt L31); size to be calibrated"});
  d.real(p_.cin_time_limit, {"child_in_need.time_limit_days", "days", 365, 30, 3650,
                              "involvement is time-limited: a review closes a child-in-need case open this long "
                              "(shortened in proportion when workloads run over the cap)",
                              Provenance::seed,
                              "'because of the pressure of workload the social worker would usually only remain "
                              "involved for a limited time before closing the case' (001_a32efb814e300027.txt L62; "
                              "EVIDENCE.md IN-3, TE-13); the length is a placeholder, not fitted"});
  d.real(p_.close_threshold, {"child_in_need.close_threshold", "concern points", 2.0, 0, 100,
                              "a review closes the case when the estimate is below this", Provenance::placeholder,
                              "fitted to the children-in-need stock (docs/calibration.md)"});
  d.real(p_.effect_early_help, {"effect.early_help", "rate ratio", 0.9, 0, 1,
                                "harm hazard multiplier while early help is open (1 = no effect)", Provenance::placeholder,
                                "no measured effect sizes (EVIDENCE.md §1.2, §7.2): range 0.5-1 for sensitivity"});
  d.real(p_.effect_cin, {"effect.child_in_need", "rate ratio", 0.8, 0, 1,
                         "harm hazard multiplier under a child-in-need plan or enquiry, at full quality",
                         Provenance::placeholder, "direction: EVIDENCE.md TE-13 (coordination weaker under CIN)"});
  d.real(p_.effect_plan, {"effect.protection_plan", "rate ratio", 0.6, 0, 1,
                          "harm hazard multiplier under a child protection plan, at full quality", Provenance::placeholder,
                          "direction: EVIDENCE.md TE-13 (001_a32efb814e300027.txt L58-L63)"});
  d.real(p_.caseload_quality_slope, {"effect.caseload_slope", "per unit over cap", 1.0, 0, 20,
                                     "quality falls as 1/(1 + slope × (caseload/cap − 1)) above the cap",
                                     Provenance::placeholder, "EVIDENCE.md WF-1 (001_a32efb814e300027.txt L32)"});
  d.real(p_.change_quality_loss, {"effect.worker_change_loss", "share per change", 0.2, 0, 1,
                                  "quality lost with each change of worker (trust resets)", Provenance::placeholder,
                                  "EVIDENCE.md WF-5 (000_0a3acfabeaeb94cf.txt §4.7; 004_cfad9db42d4b51c9.txt ¶4.5.5)"});
  d.real(p_.fade_half_life, {"effect.fade_half_life", "days", 120, 7, 1000,
                             "half-life of the intervention effect after a case closes", Provenance::seed,
                             "deterioration about 2 months after step-down, relapse 5 months after de-registration "
                             "(001_a32efb814e300027.txt L30-L31, L49; EVIDENCE.md IN-1); range 30-365"});
  d.real(p_.stressor_detection, {"assessment.stressor_detection", "probability", 0.6, 0, 1,
                                 "an assessment finds each carer stressor that is present", Provenance::placeholder,
                                 "EVIDENCE.md FD-3, FD-4: one agency's view, the parent's account"});
  d.real(p_.stressor_weight, {"assessment.stressor_weight", "concern points", 1.5, 0, 20,
                              "concern each stressor found adds to the estimate", Provenance::placeholder,
                              "to be calibrated"});
  d.real(p_.capacity_weight, {"assessment.capacity_weight", "concern points", 2.0, 0, 20,
                              "concern added in proportion to low carer capacity seen (1 − capacity)",
                              Provenance::placeholder, "EVIDENCE.md FC-1"});
  const char* weight_src = "weighted caseload models used by local authorities; placeholder sizes";
  d.real(p_.weight_assessment, {"case_weight.assessment", "weighted cases", 1.0, 0.05, 10,
                                "weight of an assessment in a worker's caseload", Provenance::placeholder, weight_src});
  d.real(p_.weight_cin, {"case_weight.child_in_need", "weighted cases", 1.0, 0.05, 10,
                         "weight of a child-in-need case", Provenance::placeholder, weight_src});
  d.real(p_.weight_enquiry, {"case_weight.protection_enquiry", "weighted cases", 1.5, 0.05, 10,
                             "weight of a section 47 enquiry", Provenance::placeholder, weight_src});
  d.real(p_.weight_plan, {"case_weight.protection_plan", "weighted cases", 1.5, 0.05, 10,
                          "weight of a child protection case", Provenance::placeholder, weight_src});
  d.real(p_.weight_care, {"case_weight.looked_after", "weighted cases", 1.0, 0.05, 10,
                          "weight of a looked-after child's case", Provenance::placeholder, weight_src});
  d.real(p_.workload_shift, {"workload_shift", "per unit over cap", 0.5, 0, 10,
                             "thresholds (and the closure threshold) rise by this share for each unit by which the "
                             "weighted open cases (allocated and queued) per worker exceed the cap", Provenance::placeholder,
                             "decision-making ecology; EVIDENCE.md TE-8 (closure under demand, 003_ea48d82efd16a722.txt "
                             "L692)"});
  d.real(p_.threshold_sd, {"threshold_sd", "log-scale sd", 0.25, 0, 2,
                           "spread of thresholds between decisions: each decision reads the estimate times a lognormal "
                           "factor with this sd (0 = every decision-maker applies the same threshold)",
                           Provenance::placeholder,
                           "thresholds applied inconsistently, EVIDENCE.md FD-13 (002_5db1e8f627105674.txt ¶106, ¶118, "
                           "LP26); lever LV-04 (clarity) lowers it"});
}

double Casework::judged(World& w, AgentId c, StreamId stream, double estimate) const {
  if (p_.threshold_sd <= 0) return estimate;
  Draws d = w.rng.draws(stream ^ kJudgement, c, w.today);
  return estimate * std::exp(std::normal_distribution<double>(0.0, p_.threshold_sd)(d));
}

void Casework::declare_state(World& w) {
  case_.index = w.children.add<uint32_t>("case_record", "id", "row of case_records (none if never referred)",
                                        SideRows::kNone);
  wf_.use_case_rows(case_);  // the worker columns of a case are rows of case_records too
  auto& r = w.case_records;
  status_ = r.add<uint8_t>("status", "code", "statutory status (0 none … 5 protection plan, 6 looked after)");
  since_ = r.add<int32_t>("status_since", "simulated day", "day the current status began");
  step_day_ = r.add<int32_t>("step_day", "simulated day", "day the current step falls due", kNever);
  last_referral_ = r.add<int32_t>("last_referral", "simulated day", "day of the last referral", kNever);
  closed_day_ = r.add<int32_t>("closed_day", "simulated day", "day the last case closed", kNever);
  record_ = w.children.add<float>("csc_record", "concern points", "CSC's record, as of record_day");
  record_day_ = w.children.add<int32_t>("record_day", "simulated day", "day the record was last updated");
  assessed_ = r.add<float>("assessed_household", "concern points", "what the last assessment found");
  closing_multiplier_ = r.add<float>("closing_multiplier", "rate ratio", "intervention effect at closure", 1.0f);
  plans_ = r.add<uint8_t>("protection_plans", "plans", "child protection plans so far");
  ev_referral_ = w.event_types.add_kind("referral", "a contact accepted as a referral (detail: 1 if within 12 months "
                                                   "of the child's previous referral, else 0)");
  ev_status_ = w.event_types.add_kind("status", "the child's statutory status changes (detail: the new status, 0 none, "
                                               "1 early help, 2 assessment, 3 child in need, 4 protection enquiry, "
                                               "5 protection plan, 6 looked after)");
  w.event_types.add_codes("status", kStatusNames);
  ev_review_ = w.event_types.add_kind(
      "cin_review_decision",
      "traced: a child-in-need review, whether the case closes (detail: codes cin_review: 0 the plan continues; 1 "
      "closed as 'no statutory role', nothing new recorded for child_in_need.quiet_days; 2 closed, the family will not "
      "cooperate; 3 closed, the time limit reached (shortened under pressure); 4 closed, the estimate below the close "
      "threshold; 5 accommodated under s20, see care_decision, weighed before 3 and 4 when neither 1 nor 2 applies; "
      "otherwise the first of 1-4 that applies; estimate: the judged estimate; threshold: the close threshold after "
      "the workload shift; workload: caseload pressure, Workforce::pressure)");
  ev_early_help_ = w.event_types.add_kind(
      "early_help_decision",
      "traced: early help offered to a family with no open case, or ending (detail: codes early_help: 0 the parents "
      "decline, 1 they consent and early help starts, 2 the episode ends and the case closes; estimate: days the "
      "episode lasted, for 2, else 0; threshold: the probability parents consent, early_help.consent; workload: "
      "caseload pressure)");
  w.event_types.add_codes("cin_review", kReviewNames);
  w.event_types.add_codes("early_help", kEarlyHelpNames);
  review_ = w.agenda.add_kind("casework.cin_review");
  fade_ = w.agenda.add_kind("casework.fade_step");
  early_help_end_ = w.agenda.add_kind("casework.early_help_end");

  m_referrals_ = w.metrics.add("referrals", "referrals", "contacts accepted as referrals to children's social care", MetricKind::flow);
  m_rereferrals_ = w.metrics.add("rereferrals_12m", "referrals", "referrals within 12 months of a previous referral", MetricKind::flow);
  m_early_help_open_ = w.metrics.add("early_help_open", "children", "children with open early help", MetricKind::stock);
  m_cin_open_ = w.metrics.add("cin_open", "children",
                              "children in need: every open social-care case (assessment, CIN plan, enquiry, plan, "
                              "looked after)", MetricKind::stock);
  m_plans_open_ = w.metrics.add("cp_plans_open", "children", "children on child protection plans", MetricKind::stock);
  m_plan_starts_ = w.metrics.add("cp_plan_starts", "plans", "child protection plans starting", MetricKind::flow);
  m_plan_ends_ = w.metrics.add("cp_plan_ends", "plans", "child protection plans ending", MetricKind::flow);
  m_plan_days_ = w.metrics.add("cp_plan_days_ended", "days",
                               "days on plan of the plans ending that day (÷ cp_plan_ends for the mean duration)",
                               MetricKind::flow);
  m_repeat_plans_ = w.metrics.add("repeat_plans", "plans", "plans starting for a child who had one before", MetricKind::flow);
  m_closures_ = w.metrics.add("case_closures", "cases", "social-care or early-help cases closing", MetricKind::flow);
  m_early_help_starts_ = w.metrics.add("early_help_starts", "children", "early-help episodes starting", MetricKind::flow);
  m_early_help_offers_ = w.metrics.add("early_help_offers", "children", "early help offered to a family with no open case",
                                       MetricKind::flow);
  m_cin_starts_ = w.metrics.add("cin_plan_starts", "children", "child-in-need plans starting", MetricKind::flow);
  for (size_t s = 0; s < kStatuses; ++s) {
    m_in_status_[s] = w.metrics.add(std::string("status_") + kStatusNames[s], "children",
                                    std::string("children whose statutory status is ") + kStatusNames[s], MetricKind::stock);
    m_harm_by_status_[s] = w.metrics.add(std::string("harm_true_") + kStatusNames[s], "events",
                                         std::string("true harm events to children whose status is ") + kStatusNames[s],
                                         MetricKind::flow);
  }
}

double Casework::severity(int32_t category) const {
  switch (category) {
    case 0: return p_.severity_neglect;
    case 1: return p_.severity_emotional;
    case 2: return p_.severity_physical;
    default: return p_.severity_sexual;
  }
}

double Casework::record(const World& w, AgentId c) const {
  const double age = w.today - w.children[record_day_][c];
  return w.children[record_][c] * std::exp2(-age / p_.record_half_life);
}

void Casework::add_to_record(World& w, AgentId c, double sev) {
  w.children[record_][c] = static_cast<float>(record(w, c) + sev);
  w.children[record_day_][c] = w.today;
}

double Casework::assess_household(World& w, AgentId c, StreamId stream) {
  Draws d = w.rng.draws(stream ^ kHousehold, c, w.today);
  const AgentId hh = w.children[pop_.columns().household][c];
  double score = p_.capacity_weight * (1.0 - risk_.capacity(w, hh));
  for (size_t s = 0; s < FamilyRisk::kStressors; ++s)
    if (risk_.stressor(w, hh, s) && d.bernoulli(p_.stressor_detection)) score += p_.stressor_weight;
  case_.at(w, assessed_, c) = static_cast<float>(score);
  return score;
}

void Casework::note_referral(World& w, AgentId c) {
  w.metrics.add_to(m_referrals_, 1);
  const int32_t last = case_.get(w, last_referral_, c);
  const bool again = last != kNever && static_cast<int64_t>(w.today) - last <= kRereferralWindow;
  if (again) w.metrics.add_to(m_rereferrals_, 1);
  w.log(c, ev_referral_, again ? 1 : 0);
  case_.at(w, last_referral_, c) = w.today;
}

double Casework::case_weight(Status s) const {
  switch (s) {
    case Status::assessment: return p_.weight_assessment;
    case Status::child_in_need: return p_.weight_cin;
    case Status::protection_enquiry: return p_.weight_enquiry;
    case Status::protection_plan: return p_.weight_plan;
    case Status::looked_after: return p_.weight_care;
    default: return 0.0;
  }
}

double Casework::intervention(const World& w, AgentId c, Status s) const {
  double effect = 1.0;
  switch (s) {
    case Status::early_help: return p_.effect_early_help;  // no social worker: quality is the service's own
    case Status::child_in_need:
    case Status::protection_enquiry: effect = p_.effect_cin; break;
    case Status::protection_plan: effect = p_.effect_plan; break;
    default: return 1.0;
  }
  const AgentId worker = wf_.worker_of(w, c);
  if (worker == Workforce::kNone) return 1.0;  // unallocated: no one is doing the work
  const double over = std::max(0.0, wf_.caseload_ratio(w, worker) - 1.0);
  const double quality = std::pow(1.0 - p_.change_quality_loss, wf_.worker_changes(w, c)) *
                         wf_.management_quality(w, worker) / (1.0 + p_.caseload_quality_slope * over);
  return 1.0 - (1.0 - effect) * quality;
}

void Casework::apply_intervention(World& w, AgentId c) {
  const Status s = status(w, c);
  if (s == Status::none || s == Status::looked_after) return;
  risk_.set_case(w, c, true, intervention(w, c, s));
}

void Casework::set_status(World& w, AgentId c, Status s, std::optional<double> lasting) {
  const Status old = status(w, c);
  if (old == s) return;
  --open_[static_cast<size_t>(old)];
  ++open_[static_cast<size_t>(s)];
  if (old == Status::protection_plan) w.metrics.add_to(m_plan_days_, w.today - case_.get(w, since_, c));
  case_.at(w, status_, c) = static_cast<uint8_t>(s);
  case_.at(w, since_, c) = w.today;
  w.log(c, ev_status_, static_cast<int32_t>(s));
  if (s == Status::protection_plan) {
    w.metrics.add_to(m_plan_starts_, 1);
    uint8_t& plans = case_.at(w, plans_, c);
    if (plans > 0) w.metrics.add_to(m_repeat_plans_, 1);
    if (plans < UINT8_MAX) ++plans;
  }
  if (old == Status::protection_plan) w.metrics.add_to(m_plan_ends_, 1);
  // Assessments sit with the assessment team, everything after with safeguarding.
  if (needs_worker(s)) {
    const Team team = s == Status::assessment     ? Team::assessment
                      : s == Status::looked_after ? Team::children_in_care
                                                  : Team::safeguarding;
    wf_.assign(w, c, team, case_weight(s));
  }
  else if (needs_worker(old)) wf_.release(w, c);

  if (s == Status::early_help) {
    w.metrics.add_to(m_early_help_starts_, 1);
    Draws d = w.rng.draws(kEarlyHelp, c, w.today);
    step_day(w, c) = w.today + static_cast<int32_t>(d.days_until(1.0 / p_.early_help_days));
    w.agenda.file(step_day(w, c), early_help_end_, c);
  }
  if (s == Status::child_in_need) {
    w.metrics.add_to(m_cin_starts_, 1);
    step_day(w, c) = w.today + static_cast<int32_t>(p_.cin_review_days);
    w.agenda.file(step_day(w, c), review_, c);
  }
  if (s == Status::none) {
    w.metrics.add_to(m_closures_, 1);
    // The effect of the work lingers, then fades (IN-1) — unless the child has a
    // new home for good, whose effect stays.
    const double m = lasting ? *lasting : risk_.case_multiplier(w, c);
    case_.at(w, closing_multiplier_, c) = static_cast<float>(m);
    case_.at(w, closed_day_, c) = w.today;
    risk_.set_case(w, c, false, m);
    if (!lasting && m < 1.0) w.agenda.file(w.today + static_cast<int32_t>(p_.fade_half_life), fade_, c, 1);
  } else {
    apply_intervention(w, c);
  }
}

void Casework::offer_early_help(World& w, AgentId c, StreamId stream) {
  if (status(w, c) != Status::none) return;
  w.metrics.add_to(m_early_help_offers_, 1);
  const bool consent = w.rng.draws(stream ^ kConsent, c, w.today).bernoulli(p_.early_help_consent);
  w.trace(c, ev_early_help_, consent ? 1 : 0, 0, p_.early_help_consent, workload());
  if (consent) set_status(w, c, Status::early_help);
}

void Casework::daily(World& w) {
  // A case that gained or lost its worker: the intervention's strength follows.
  for (AgentId c : wf_.reallocated())
    if (w.children.active(c)) apply_intervention(w, c);
  // True harm by the child's status: what each tier of help leaves unprevented.
  visit_linked_rows(w.children, w.events_today, [&](const Event& e) {
    if (e.kind == risk_.harm_event().index) w.metrics.add_to(m_harm_by_status_[case_.get(w, status_, e.child)], 1);
  }, case_link(w));

  // The loops over the day's entries read each child's case record (a row of
  // case_records named in the child's row) and, where the case's effect on the
  // harm hazard changes, the child's household (FamilyRisk::hazard_per_day).
  const auto visit_cases = [&](const std::vector<AgendaEntry>& due, auto&& visit) {
    visit_linked_rows(w.children, due, visit, case_link(w), household_link(w));
  };
  visit_cases(w.agenda.due(w.today, early_help_end_), [&](AgentId c) {
    if (status(w, c) == Status::early_help && step_day(w, c) == w.today && w.children.active(c)) {
      w.trace(c, ev_early_help_, 2, w.today - case_.get(w, since_, c), p_.early_help_consent, workload());
      set_status(w, c, Status::none);
    }
  });

  visit_cases(w.agenda.due(w.today, review_), [&](AgentId c) {
    if (!w.children.active(c) || status(w, c) != Status::child_in_need || step_day(w, c) != w.today) return;
    Draws d = w.rng.draws(kReview, c, w.today);
    const bool quiet = w.today - w.children[record_day_][c] > p_.cin_quiet_days;
    const bool noncooperation = d.bernoulli(1.0 - std::exp(-p_.cin_noncooperation * p_.cin_review_days / kDaysPerYear));
    assess_household(w, c, kReview);
    // Under pressure the time limit shortens just as thresholds rise (shifted()).
    const bool time_up = shifted(static_cast<double>(w.today - case_.get(w, since_, c))) >= p_.cin_time_limit;
    const double j = judged(w, c, kReview, estimate(w, c));
    const auto trace = [&](ReviewOutcome outcome) {
      w.trace(c, ev_review_, outcome, j, shifted(p_.close_threshold), workload());
    };
    if (!quiet && !noncooperation && care_hook_ && care_hook_(w, c, j)) {  // accommodated (s20)
      trace(kAccommodated);
      return;
    }
    const bool below = j < shifted(p_.close_threshold);
    if (quiet || noncooperation || time_up || below) {
      trace(quiet ? kQuiet : noncooperation ? kNoncooperation : time_up ? kTimeLimit : kBelowThreshold);
      set_status(w, c, Status::none);
    } else {
      trace(kContinues);
      step_day(w, c) = w.today + static_cast<int32_t>(p_.cin_review_days);
      w.agenda.file(step_day(w, c), review_, c);
      apply_intervention(w, c);  // caseload and continuity may have changed
    }
  });

  visit_cases(w.agenda.due(w.today, fade_), [&](AgendaEntry e) {
    const AgentId c = e.id;
    const int32_t closed = case_.get(w, closed_day_, c);
    if (!w.children.active(c) || status(w, c) != Status::none ||
        closed + static_cast<int32_t>(p_.fade_half_life * e.payload) != w.today)
      return;
    const double m0 = case_.get(w, closing_multiplier_, c);
    const double m = e.payload >= kFadeSteps ? 1.0 : 1.0 - (1.0 - m0) * std::exp2(-static_cast<double>(e.payload));
    risk_.set_case(w, c, false, m);
    if (e.payload < kFadeSteps)
      w.agenda.file(closed + static_cast<int32_t>(p_.fade_half_life * (e.payload + 1)), fade_, c, e.payload + 1);
  });

  for (AgentId c : w.children.departures()) {
    const Status s = status(w, c);
    if (s == Status::none) continue;
    if (needs_worker(s)) wf_.release(w, c);
    --open_[static_cast<size_t>(s)];
    ++open_[0];
    case_.at(w, status_, c) = 0;
    if (s == Status::protection_plan) {
      w.metrics.add_to(m_plan_ends_, 1);
      w.metrics.add_to(m_plan_days_, w.today - case_.get(w, since_, c));
    }
  }
}

void Casework::plan_day(DayPlan& plan) {
  plan.serial(Phase::agencies, "casework.reviews_and_closures", [this](World& w) { daily(w); });
  plan.serial(Phase::accounting, "casework.stocks", [this](World& w) {
    open_[0] = static_cast<int64_t>(w.children.active_count());
    for (size_t s = 1; s < kStatuses; ++s) open_[0] -= open_[s];
    for (size_t s = 0; s < kStatuses; ++s) w.metrics.set(m_in_status_[s], static_cast<double>(open_[s]));
    const auto open = [this](Status s) { return static_cast<double>(open_[static_cast<size_t>(s)]); };
    w.metrics.set(m_early_help_open_, open(Status::early_help));
    w.metrics.set(m_cin_open_, open(Status::assessment) + open(Status::child_in_need) +
                                   open(Status::protection_enquiry) + open(Status::protection_plan) +
                                   open(Status::looked_after));
    w.metrics.set(m_plans_open_, open(Status::protection_plan));
  });
}

// Checkpoints: the open-case counts by status (each child's case is in the World;
// care_hook_ is wiring set when the model is built).
void Casework::save(StateOut& ar) const { ar(open_); }
void Casework::load(StateIn& ar) { ar(open_); }

}  // namespace sgsim::models
