#include "models/care/care.hpp"

#include "models/care/national_market.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

namespace sgsim::models {
namespace {
constexpr StreamId kEntry = stream_id("care.entry");
constexpr StreamId kNeeds = stream_id("care.needs");
constexpr StreamId kPlacement = stream_id("care.placement");
constexpr StreamId kMove = stream_id("care.move");
constexpr StreamId kReview = stream_id("care.review");
constexpr StreamId kHearing = stream_id("care.final_hearing");
constexpr StreamId kCrisis = stream_id("care.adolescent_crisis");
constexpr StreamId kInitial = stream_id("care.initial_stock");
constexpr StreamId kDisability = stream_id("care.disability");
constexpr int32_t kOutOfAreaFlag = 16;  // in a placement event's detail

// The vocabularies of the traced care decisions (World::trace), in code order.
constexpr std::array<std::string_view, 12> kCareDecisionNames = {
    "proceedings_not_met", "proceedings_pending",  "proceedings_already_looked_after", "proceedings_for_s20",
    "proceedings_edge_of_care", "pre_proceedings", "emergency_not_met", "emergency_removal",
    "s20_not_met",         "s20_not_agreed",       "s20_edge_of_care",                 "s20_accommodated"};
constexpr std::array<std::string_view, 4> kApplicationNames = {"dropped_case_closed", "issued", "sibling_joins",
                                                               "for_child_looked_after"};
constexpr std::array<std::string_view, 3> kCrisisNames = {"edge_of_care", "not_accommodated", "accommodated"};
constexpr std::array<std::string_view, 6> kCareReviewNames = {"home_not_safe",   "home_safe_stays",
                                                              "s20_proceedings", "s20_return_home",
                                                              "placed_with_parents", "return_not_open"};
constexpr std::array<std::string_view, 9> kSoughtNames = {
    "entry", "after_notice", "out_of_last_resort", "step_down_to_foster", "out_of_inadequate",
    "move_on_to_supported", "secure_bed", "step_down_from_secure", "with_parents"};
constexpr std::array<std::string_view, 4> kFoundNames = {"in_area", "out_of_area", "last_resort", "none"};
constexpr std::array<std::string_view, 2> kNoticeReasonNames = {"breakdown", "missing"};
// Codes of care_decision, as above.
enum CareDecision : int32_t {
  kProceedingsNotMet, kProceedingsPending, kProceedingsLookedAfter, kProceedingsForS20, kProceedingsEdgeOfCare,
  kPreProceedings, kEmergencyNotMet, kEmergencyRemoval, kS20NotMet, kS20NotAgreed, kS20EdgeOfCare, kS20Accommodated
};
}  // namespace

void Care::declare_parameters(ParamDeclarer& d) {
  market_.declare_parameters(d);
  commissioning_.declare_parameters(d);
  leaving_.declare_parameters(d);
  const char* fit = "fitted to children starting to be looked after and looked after at 31 March (DfE 2024; docs/calibration.md)";
  d.real(p_.proceedings_threshold, {"thresholds.proceedings", "concern points", 14.85, 0, 100,
                                    "judged estimate at a conference or review above which care proceedings start",
                                    Provenance::fitted, fit});
  d.real(p_.s20_threshold, {"thresholds.s20", "concern points", 13.26, 0, 100,
                            "judged estimate at a child-in-need review above which accommodation under s20 is offered",
                            Provenance::fitted, fit});
  d.real(p_.emergency_threshold, {"thresholds.emergency", "concern points", 20.0, 0, 200,
                                  "judged estimate at a strategy discussion above which the child is removed at once "
                                  "(police protection or an emergency protection order)",
                                  Provenance::placeholder, "DfE: about 1 in 10 entries begin under police or emergency protection"});
  d.real(p_.s20_agreement, {"s20_agreement", "probability", 0.6, 0, 1, "parents agree to accommodation under section 20",
                            Provenance::placeholder, "s20 as a route with parental agreement (EVIDENCE.md §2.3; 000_0a3acfabeaeb94cf.txt §3.35)"});
  d.real(p_.siblings_enter, {"siblings_enter", "probability", 0.8, 0, 1,
                             "a sibling on a protection plan or enquiry enters care with the child in proceedings",
                             Provenance::placeholder, "sibling groups enter together; no national share"});
  d.real(p_.pre_proceedings_days, {"pre_proceedings_days", "days", 60, 0, 730,
                                   "mean time from the decision to apply to the application (Public Law Outline)",
                                   Provenance::seed, "significant-harm decision to order application 30 days "
                                                     "(000_0a3acfabeaeb94cf.txt §3.35, §3.41; EVIDENCE.md §2.9); national PLO longer"});
  d.real(p_.proceedings_weeks, {"proceedings_weeks", "weeks", 45, 1, 200,
                                "mean length of care proceedings from application to final order",
                                Provenance::national, "MoJ Family Court Statistics 2024: about 45 weeks (26-week target)"});
  d.real(p_.proceedings_spread, {"proceedings_spread", "share of the mean", 0.5, 0, 1,
                                 "proceedings last the mean ± this share, uniformly", Provenance::placeholder,
                                 "MoJ publishes the mean and the share within 26 weeks, not the spread"});
  d.real(p_.emergency_order_days, {"emergency_order_days", "days", 8, 1, 30,
                                   "emergency protection lasts this long before an interim care order is sought",
                                   Provenance::national, "Children Act 1989 s45: an EPO lasts at most 8 days"});
  d.real(p_.adolescent_rate, {"adolescent.crisis_rate", "per child-year", 0.00103, 0, 1,
                              "hazard that a 13-17 year old's parents will not have them home, for a household of full "
                              "capacity", Provenance::fitted,
                              "'required to leave home' (004_cfad9db42d4b51c9.txt ¶4.3.13; EVIDENCE.md TR-1); "
                              "size fitted with the entry rate"});
  d.integer(p_.adolescent_min_age, {"adolescent.min_age", "years", 13, 0, 17,
                                    "youngest age at which a family crisis can end with the parents refusing to have "
                                    "the child home", Provenance::seed,
                                    "EVIDENCE.md §2.8: exploitation and family breakdown peak at 13-15 "
                                    "(003_ea48d82efd16a722.txt L687); 'required to leave home' (004_cfad9db42d4b51c9.txt ¶4.3.13)"});
  d.real(p_.adolescent_capacity_gradient, {"adolescent.capacity_gradient", "ratio per unit", 6, 0, 100,
                                           "the crisis rate multiplies by 1 + gradient × (1 − carer capacity)",
                                           Provenance::placeholder, "EVIDENCE.md FC-1: low carer capacity"});
  d.real(p_.adolescent_accommodated, {"adolescent.accommodated", "probability", 0.5, 0, 1,
                                      "a crisis ends in accommodation (s20) rather than a return to family or friends",
                                      Provenance::placeholder, "no national figure"});
  d.real(p_.placement_order_share, {"final_hearing.placement_order_share", "probability", 0.45, 0, 1,
                                    "a child at or under the adoption age gets a placement order at the final hearing",
                                    Provenance::placeholder, "DfE: about 3,000 adoptions a year, mostly of children who "
                                                             "entered under 2"});
  d.integer(p_.adoption_max_age, {"final_hearing.adoption_max_age", "years", 4, 0, 17,
                                  "oldest age at the final hearing for which adoption is planned", Provenance::national,
                                  "DfE: average age at adoption about 3"});
  d.real(p_.sgo_share, {"final_hearing.special_guardianship_share", "probability", 0.2, 0, 1,
                        "a final hearing (not ending in a placement order) makes a special guardianship order",
                        Provenance::placeholder, "DfE: about 3,800 SGO exits a year"});
  d.real(p_.supervision_share, {"final_hearing.return_home_share", "probability", 0.15, 0, 1,
                                "a final hearing returns the child home (supervision order or no order)",
                                Provenance::placeholder, "MoJ: a minority of proceedings end with the child at home"});
  d.real(p_.adoption_days, {"adoption_days", "days", 400, 30, 3000, "mean time from a placement order to adoption",
                            Provenance::national, "DfE adoption scorecards: about 13 months"});
  d.real(p_.sgo_permanence_ratio, {"permanence_harm_ratio", "rate ratio", 0.3, 0, 1,
                                   "harm hazard after adoption or special guardianship, relative to the birth home",
                                   Provenance::placeholder, "the child no longer lives with the birth parents"});
  d.real(p_.first_review_working_days, {"reviews.first_working_days", "working days", 20, 1, 100,
                                        "first looked-after review after entry", Provenance::seed,
                                        "within 20 working days (000_0a3acfabeaeb94cf.txt §3.33; EVIDENCE.md §2.9)"});
  d.real(p_.second_review_days, {"reviews.second_days", "days", 91, 7, 365, "second review after the first",
                                 Provenance::national, "Care Planning Regulations 2010: within three months"});
  d.real(p_.review_days, {"reviews.interval_days", "days", 182, 7, 730, "later reviews", Provenance::national,
                          "Care Planning Regulations 2010: at least every six months"});
  d.real(p_.return_threshold, {"return_home.threshold", "concern points", 6.0, 0, 100,
                               "a review considers a return home when the judged estimate of home is below this",
                               Provenance::placeholder,
                               "about the child-protection step-down threshold; the return probabilities below are fitted"});
  d.real(p_.return_s20, {"return_home.s20", "probability per review", 0.44, 0, 1,
                         "a child accommodated under s20 whose home is judged safe goes home at a review",
                         Provenance::fitted, fit});
  d.real(p_.return_order, {"return_home.care_order", "probability per review", 0.1095, 0, 1,
                           "a child on a care order whose home is judged safe is placed with parents at a review",
                           Provenance::fitted, fit});
  d.real(p_.with_parents_days, {"return_home.with_parents_days", "days", 332, 1, 3000,
                                "placed with parents under the order before it is discharged",
                                Provenance::fitted, "fitted to the placed-with-parents share (DESIGN.md §8)"});
  d.real_list(p_.needs_median, {"needs.median", "needs points", {0.5, 0.9, 1.4, 1.2}, 0.01, 100,
                                "median needs score at entry by age band (0-4, 5-9, 10-15, 16-17)", Provenance::placeholder,
                                "older children enter with more complex needs (EVIDENCE.md §2.8)"});
  d.real(p_.needs_sd, {"needs.sd", "log-scale sd", 0.5, 0, 3, "spread of needs scores at entry", Provenance::placeholder,
                       "for sensitivity"});
  d.real(p_.exploitation_needs, {"needs.exploitation_threshold", "needs points", 3.0, 0, 100,
                                  "a child of 12 or over with needs at least this needs a provider able to care for a "
                                  "child at risk of exploitation", Provenance::placeholder,
                                  "besides children the exploitation module flags, placement teams plan for the oldest, highest-needs children as at risk; specialist carers "
                                  "scarce (002_5db1e8f627105674.txt ¶43)"});
  d.integer(p_.exploitation_min_age, {"needs.exploitation_min_age", "years", 12, 0, 17,
                                      "youngest age at which a high needs score counts as exploitation risk",
                                      Provenance::seed, "EVIDENCE.md §2.8: exploitation markers peak at 12-15 "
                                                        "(003_ea48d82efd16a722.txt L687)"});
  d.real(p_.needs_exponent, {"needs.breakdown_exponent", "power", 1.0, 0, 5,
                             "breakdown hazard rises as needs to this power", Provenance::placeholder,
                             "EVIDENCE.md PL-3: aggression and missing drive notice"});
  d.real(p_.needs_after_breakdown, {"needs.after_breakdown", "ratio", 1.1, 1, 5,
                                    "needs score multiplies by this at each breakdown (the instability loop)",
                                    Provenance::seed, "EVIDENCE.md PL-4 (002_5db1e8f627105674.txt ¶10, ¶66, ¶153)"});
  d.real(p_.needs_recovery, {"needs.recovery", "ratio", 0.85, 0.1, 1,
                             "needs score multiplies by this at a review after a stable spell", Provenance::seed,
                             "stability lowers missing (EVIDENCE.md PL-4; Child Q stable 21 months, 002_5db1e8f627105674.txt ¶40)"});
  d.real(p_.stable_days, {"needs.stable_days", "days", 180, 1, 3650, "a placement this old counts as stable",
                          Provenance::placeholder, "for sensitivity"});
  d.real(p_.early_days, {"breakdown.early_days", "days", 90, 0, 3650, "the early weeks of a placement, when breakdown is likelier",
                         Provenance::seed, "honeymoon then escalation; first days (EVIDENCE.md PL-5, 002_5db1e8f627105674.txt ¶37, ¶156)"});
  d.real(p_.early_ratio, {"breakdown.early_ratio", "rate ratio", 2.0, 0, 20, "breakdown hazard in the early weeks",
                          Provenance::placeholder, "EVIDENCE.md PL-5"});
  d.real(p_.emergency_ratio, {"breakdown.unplanned_ratio", "rate ratio", 1.5, 0, 20,
                              "breakdown hazard of a placement made in a hurry (after a breakdown)", Provenance::seed,
                              "emergency moves are poor matches (EVIDENCE.md PL-9, 002_5db1e8f627105674.txt ¶159, ¶202)"});
  d.real(p_.retry_days, {"breakdown.retry_days", "days", 14, 1, 365,
                         "a child in an emergency or unregistered placement is re-matched this often", Provenance::placeholder,
                         "bridging placements are meant to be short"});
  d.real(p_.step_down_days, {"step_down_days", "days", 365, 1, 3650,
                             "a child in a children's home this long whose needs a foster carer can meet steps down",
                             Provenance::placeholder, "step-down from residential to foster care (issue and EVIDENCE.md PL-10)"});
  d.real(p_.kin_available, {"kinship.available", "probability", 0.2904, 0, 1,
                            "a relative or friend is assessed and able to care when the child enters care",
                            Provenance::fitted, "fitted to the kinship share of the placement mix (DESIGN.md §8)"});
  d.real(p_.disability_share, {"disability_share", "share", 0.12, 0, 1,
                                "looked-after children who are disabled (a provider must be able to meet it)",
                                Provenance::national, "DfE Characteristics of children in need 2024: about 13% of children in need are disabled"});
  d.boolean(p_.move_if_inadequate, {"move_if_inadequate", false,
                                    "a review moves a child out of a placement graded inadequate when another is found",
                                    Provenance::seed,
                                    "as-was: kept for lack of choice (000_0a3acfabeaeb94cf.txt §3.46; EVIDENCE.md LV-54)"});
  d.real(p_.move_on_to_supported, {"move_on_to_supported", "probability per review", 0.3, 0, 1,
                                    "a 16 or 17 year old in a children's home or a last-resort placement moves on to "
                                    "supported accommodation at a review, if there is a place",
                                    Provenance::fitted,
                                    "fitted to the supported-accommodation share (DESIGN.md §8); moves to semi-independent "
                                    "settings at 16 (000_0a3acfabeaeb94cf.txt §3.21; 004_cfad9db42d4b51c9.txt ¶4.4.6)"});
  d.real(p_.move_on_from_foster, {"move_on_from_foster", "probability per review", 0.35, 0, 1,
                                   "a 16 or 17 year old in foster care moves on to supported accommodation at a review, "
                                   "if there is a place", Provenance::fitted,
                                   "fitted to the supported-accommodation share of the placement mix (DESIGN.md §8)"});
  d.integer(p_.secure_min_age, {"secure.min_age", "years", 10, 0, 17, "youngest child placed in secure care",
                                Provenance::national, "s25 Children Act 1989; under 13 needs the Secretary of State's approval"});
  d.real(p_.secure_needs, {"secure.needs_threshold", "needs points", 6.0, 0, 100,
                           "needs score at a breakdown or review above which secure accommodation is sought",
                           Provenance::placeholder, "'very last resort' (EVIDENCE.md PL-7, 000_0a3acfabeaeb94cf.txt §3.41-§3.44)"});
  d.real(p_.secure_granted, {"secure.granted", "probability", 0.7, 0, 1, "the court grants a secure accommodation order",
                             Provenance::placeholder, "requests declined (002_5db1e8f627105674.txt ¶157)"});
  d.real(p_.secure_order_days, {"secure.order_days", "days", 91, 1, 365, "length of a secure order or extension",
                                Provenance::national, "s25: first order up to 3 months"});
  d.real(p_.secure_extension, {"secure.extension", "probability", 0.4, 0, 1,
                               "an order is extended when the needs score is still above the threshold",
                               Provenance::seed, "Lena ~139 days with three reviews (000_0a3acfabeaeb94cf.txt §3.44)"});
  d.real(p_.secure_wait_limit, {"secure.wait_limit_days", "days", 60, 0, 730,
                                "an order lapses if no bed is found within this", Provenance::placeholder,
                                "a national waiting list for very few beds"});
  d.real(p_.secure_needs_effect, {"secure.needs_effect", "ratio", 0.7, 0, 1,
                                  "needs score multiplies by this over each secure order", Provenance::seed,
                                  "secure stops missing and gives education and health (EVIDENCE.md PL-7)"});
  d.real(p_.initial_per_10k, {"initial.per_10k", "children per 10,000", 70, 0, 1000,
                              "children looked after on the first day", Provenance::national,
                              "DfE Children looked after in England 2024: 70 per 10,000"});
  d.real_list(p_.initial_age_shares, {"initial.age_shares", "shares", {0.18, 0.17, 0.38, 0.27}, 0, 1,
                                      "ages of the first day's stock: 0-4, 5-9, 10-15, 16-17", Provenance::national,
                                      "DfE 2024: under 5 18%, 5-9 17%, 10-15 38%, 16 and over 27%"});
  d.real_list(p_.initial_legal_shares, {"initial.legal_shares", "shares", {0.14, 0.12, 0.70, 0.04}, 0, 1,
                                        "legal status of the first day's stock: s20, interim care order, care order, "
                                        "placement order", Provenance::national, "DfE 2024 by legal status"});
}

void Care::declare_state(World& w) {
  record_.index = w.children.add<uint32_t>("care_record", "id",
                                           "row of care_records (none if care never dealt with the child)", SideRows::kNone);
  auto& c = w.care_records;
  legal_ = c.add<uint8_t>("care_legal_status", "code", "legal status while looked after (0 not looked after)");
  route_ = c.add<uint8_t>("care_entry_route", "code", "how the current period of care began");
  type_ = c.add<uint8_t>("placement_type", "code", "placement type (models/care/placement_types.hpp order)");
  away_ = c.add<uint8_t>("placed_out_of_area", "flag", "placed outside the area");
  planned_ = c.add<uint8_t>("placement_planned", "flag", "the placement was planned, not made in a hurry");
  kin_ = c.add<uint8_t>("kin_available", "flag", "a relative or friend can care");
  notice_ = c.add<uint8_t>("placement_notice", "flag", "the carer or provider has given notice");
  disabled_ = c.add<uint8_t>("disabled", "flag", "a disabled child (needs a provider who can meet it)");
  provider_ = c.add<uint32_t>("provider", "id", "provider row of the placement", PlacementMarket::kNoProvider);
  seq_ = c.add<uint32_t>("placement_seq", "count", "placements so far (keeps agenda entries current)");
  care_start_ = c.add<int32_t>("care_start", "simulated day", "start of the current period of care", kNever);
  placement_start_ = c.add<int32_t>("placement_start", "simulated day", "start of the current placement", kNever);
  start1_ = c.add<int32_t>("previous_placement_start", "simulated day", "start of the previous placement", kNever);
  start2_ = c.add<int32_t>("second_previous_placement_start", "simulated day", "start of the one before", kNever);
  pending_ = c.add<int32_t>("care_pending_day", "simulated day", "day of the next court step (application, hearing, adoption)", kNever);
  secure_since_ = c.add<int32_t>("secure_applied", "simulated day", "day a secure order was granted and a bed sought", kNever);
  needs_ = c.add<float>("care_needs", "needs points", "the looked-after child's needs score");
  distance_ = c.add<float>("placement_distance_km", "km", "distance of the placement from home");
  placements_ = c.add<uint16_t>("placements_this_period", "placements", "placements in the current period of care");
  market_.declare_state(w);
  commissioning_.declare_state(w, finance_);
  leaving_.declare_state(w, finance_);

  ev_entry_ = w.event_types.add_kind("care_entry", "the child starts to be looked after (detail: route, 0 s20, 1 "
                                                    "emergency protection, 2 proceedings, 3 adolescent crisis)");
  ev_placement_ = w.event_types.add_kind("placement", "a placement starts (detail: placement type in "
                                                      "models/care/placement_types.hpp order, + 16 if out of area)");
  ev_legal_ = w.event_types.add_kind("legal_status", "the looked-after child's legal status changes (detail: 1 s20, "
                                                     "2 emergency protection, 3 interim care order, 4 care order, "
                                                     "5 placement order; SSDA903 V2, L2, C1, C2, E1)");
  // The vocabularies the care events' details index, for readers of the log (the
  // SSDA903 export reads its codes from these, not from a copy).
  w.event_types.add_codes("care_entry_route", kEntryRouteNames);
  w.event_types.add_codes("placement_type", kPlacementTypeNames);
  w.event_types.add_codes("placement_ssda903", kSsda903Placement);
  w.event_types.add_codes("placement_provider_ssda903", kSsda903Provider);
  w.event_types.add_codes("legal_status", kLegalStatusNames);
  w.event_types.add_codes("legal_status_ssda903", kSsda903Legal);
  w.event_types.add_codes("care_exit_reason", kExitReasonNames);
  w.event_types.add_codes("care_exit_ssda903", kSsda903Reason);
  ev_notice_ = w.event_types.add_kind("placement_notice", "the carer or provider gives notice (detail: placement type)");
  ev_exit_ = w.event_types.add_kind("care_exit", "the child ceases to be looked after (detail: reason, 0 return home, "
                                                  "1 adoption, 2 special guardianship, 3 age 18, 4 moved away)");
  auto& e = w.event_types;
  ev_decision_ = e.add_kind(
      "care_decision",
      "traced: a decision whether the child comes into care (detail: codes care_decision; 0-5 at a conference or "
      "review conference, against the proceedings threshold: 0 not met, 1 met but a court step is already pending, 2 "
      "already looked after under an order, 3 looked after under s20: an application for an order, 4 met but the "
      "edge-of-care team keeps the child home, 5 pre-proceedings start; 6-7 at a strategy discussion, against the "
      "emergency threshold: 6 not met, 7 removed under emergency protection; 8-11 at a child-in-need review, against "
      "the s20 threshold: 8 not met, 9 parents do not agree, 10 edge-of-care team keeps the child home, 11 "
      "accommodated under s20; estimate: the judged estimate; threshold: that threshold after the workload shift; "
      "workload: caseload pressure, Workforce::pressure)");
  ev_application_ = e.add_kind(
      "care_application",
      "traced: the day pre-proceedings end in an application to court (detail: codes care_application: 0 dropped, the "
      "case closed meanwhile; 1 issued, the child enters care under an interim care order; 2 a sibling on a plan or "
      "enquiry enters care with the child; 3 an application for a child already looked after, after emergency "
      "protection or under s20; estimate: children's social care's estimate from its record and last assessment, "
      "unjudged; threshold: the proceedings threshold after the workload shift; workload: caseload pressure)");
  ev_crisis_ = e.add_kind(
      "adolescent_crisis_decision",
      "traced: a 13-17 year old's parents will not have them home (detail: codes adolescent_crisis: 0 the edge-of-care "
      "team keeps the family together, 1 not accommodated, back to family or friends, 2 accommodated under s20; "
      "estimate: the household's carer capacity, 0-1; threshold: the share of crises ending in accommodation; "
      "workload: caseload pressure)");
  ev_review_ = e.add_kind(
      "care_review_decision",
      "traced: a looked-after review's judgement of home (detail: codes care_review: 0 home not judged safe, stays; 1 "
      "home judged safe but no return at this review; 2 under s20, the estimate reaches the proceedings threshold: an "
      "application for an order; 3 under s20, returns home; 4 under a care order, placed with parents; 5 no return "
      "open (interim or placement order, emergency protection, already with parents, or 17); estimate: the judged "
      "estimate of home; threshold: the return-home threshold (not shifted by workload), or for 2 the proceedings "
      "threshold after the workload shift; workload: caseload pressure)");
  ev_match_ = e.add_kind(
      "placement_match",
      "traced: a placement sought and what was found (detail: placement type + 16 × how found + 64 × why sought; codes "
      "placement_type, placement_found: 0 in the area, 1 out of area, 2 a last resort when nothing the policy allows "
      "fitted, 3 none found, the child stays where they are, type the current placement; placement_sought: 0 on "
      "entry, 1 after notice, 2 out of an emergency or unregistered bed, 3 step-down from a children's home to a "
      "foster family only, 4 out of an inadequate provider, 5 move-on to supported accommodation only, 6 a secure "
      "bed, 7 step-down from secure, 8 placed with parents; estimate: the placement's distance from home in km (the "
      "current placement's when none was found); threshold: the matching policy's distance limit in km; workload: the "
      "child's needs score, needs points)");
  ev_notice_reason_ = e.add_kind(
      "placement_notice_reason",
      "traced: why the carer or provider gave notice (detail: codes notice_reason: 0 breakdown, the placement's "
      "breakdown hazard from needs, match, grade and its early weeks; 1 after missing episodes, the exploitation "
      "module's call; estimate: the child's needs score after the breakdown raised it; threshold: the secure-care "
      "needs threshold; workload: days the placement lasted)");
  ev_ended_ = e.add_kind(
      "care_ended",
      "traced: the child ceases to be looked after (detail: codes care_exit_reason; estimate: days in this period of "
      "care; threshold: 0, none; workload: placements in the period)");
  e.add_codes("care_decision", kCareDecisionNames);
  e.add_codes("care_application", kApplicationNames);
  e.add_codes("adolescent_crisis", kCrisisNames);
  e.add_codes("care_review", kCareReviewNames);
  e.add_codes("placement_sought", kSoughtNames);
  e.add_codes("placement_found", kFoundNames);
  e.add_codes("notice_reason", kNoticeReasonNames);
  review_ = w.agenda.add_kind("care.review");
  breakdown_ = w.agenda.add_kind("care.breakdown");
  move_due_ = w.agenda.add_kind("care.notice_ends");
  retry_ = w.agenda.add_kind("care.rematch");
  application_ = w.agenda.add_kind("care.application");
  hearing_ = w.agenda.add_kind("care.final_hearing");
  adoption_ = w.agenda.add_kind("care.adoption");
  discharge_ = w.agenda.add_kind("care.order_discharged");
  crisis_ = w.agenda.add_kind("care.adolescent_crisis");
  secure_end_ = w.agenda.add_kind("care.secure_order_ends");

  auto& m = w.metrics;
  m_open_ = m.add("cla_open", "children", "children looked after", MetricKind::stock);
  m_starts_ = m.add("cla_starts", "children", "children starting to be looked after", MetricKind::flow);
  m_ends_ = m.add("cla_ends", "children", "children ceasing to be looked after", MetricKind::flow);
  for (size_t r = 0; r < kEntryRoutes; ++r)
    m_starts_by_[r] = m.add("cla_starts_" + std::string(kEntryRouteNames[r]), "children",
                            "children starting to be looked after by route: " + std::string(kEntryRouteNames[r]), MetricKind::flow);
  for (size_t r = 0; r < kExitReasons; ++r)
    m_ends_by_[r] = m.add("cla_ends_" + std::string(kExitReasonNames[r]), "children",
                          "children ceasing to be looked after: " + std::string(kExitReasonNames[r]) + " (SSDA903 " +
                              std::string(kSsda903Reason[r]) + ")", MetricKind::flow);
  m_days_ended_ = m.add("cla_days_ended", "days", "days in care of the periods ending that day (÷ cla_ends for the mean)",
                        MetricKind::flow);
  for (size_t k = 0; k < kCategories; ++k) {
    const std::string n(kCategoryNames[k]);
    m_category_[k] = m.add("cla_" + n, "children", "children looked after placed in: " + n, MetricKind::stock);
    m_harm_[k] = m.add("harm_true_in_care_" + n, "events", "true harm events to children placed in: " + n, MetricKind::flow);
    m_cost_by_[k] = m.add("cost_placements_" + n, "£", "placement spend: " + n + " (price year)", MetricKind::flow);
  }
  for (size_t t = 0; t < kPlacementTypes; ++t)
    m_type_[t] = m.add("placed_" + std::string(kPlacementTypeNames[t]), "children",
                       fmt::format("children looked after placed in: {} (SSDA903 {}{}{})", kPlacementTypeNames[t],
                                   kSsda903Placement[t], kSsda903Provider[t].empty() ? "" : "/", kSsda903Provider[t]),
                       MetricKind::stock);
  for (size_t l = 1; l < kLegalStatuses; ++l)
    m_legal_[l] = m.add("cla_legal_" + std::string(kLegalStatusNames[l]), "children",
                        "children looked after by legal status (SSDA903 " + std::string(kSsda903Legal[l]) + ")",
                        MetricKind::stock);
  m_out_of_area_ = m.add("out_of_area", "children", "children looked after placed outside the area", MetricKind::stock);
  m_distance_ = m.add("placement_distance_mean", "km", "mean distance of placements from home", MetricKind::stock);
  m.averaged_over(m_distance_, "cla_open");
  m_moves_ = m.add("placement_moves", "moves", "placement changes", MetricKind::flow);
  m_breakdowns_ = m.add("placement_breakdowns", "placements", "placements ending in notice (unplanned)", MetricKind::flow);
  m_three_moves_ = m.add("cla_3plus_placements", "children",
                         "children looked after with three or more placements starting in the last 365 days",
                         MetricKind::stock);
  m_inadequate_ = m.add("cla_in_inadequate", "children", "children placed with a provider graded inadequate", MetricKind::stock);
  m_proceedings_ = m.add("care_applications", "children", "care order applications (proceedings issued)", MetricKind::flow);
  m_care_orders_ = m.add("care_orders", "children", "full care orders made", MetricKind::flow);
  m_placement_orders_ = m.add("placement_orders", "children", "placement orders made", MetricKind::flow);
  m_sgo_ = m.add("special_guardianship_orders", "children", "special guardianship orders made at a final hearing", MetricKind::flow);
  m_crises_ = m.add("adolescent_crises", "children", "13-17 year olds whose parents will not have them home", MetricKind::flow);
  m_emergency_placements_ = m.add("emergency_placements", "placements", "children put in an emergency bed as a last resort",
                                  MetricKind::flow);
  m_unregulated_placements_ = m.add("unregulated_placements", "placements",
                                    "children put in an unregistered setting as a last resort", MetricKind::flow);
  m_secure_applications_ = m.add("secure_applications", "children", "secure accommodation sought", MetricKind::flow);
  m_secure_refused_ = m.add("secure_refused", "children", "secure applications the court refused", MetricKind::flow);
  m_secure_admissions_ = m.add("secure_admissions", "children", "children admitted to a secure bed", MetricKind::flow);
  m_secure_waiting_ = m.add("secure_waiting", "children", "children with a secure order waiting for a bed", MetricKind::stock);
  m_secure_wait_days_ = m.add("secure_wait_days", "days", "days waited by the children admitted that day", MetricKind::flow);
  m_secure_lapsed_ = m.add("secure_lapsed", "children", "secure orders that lapsed with no bed found", MetricKind::flow);
  m_cost_ = m.add("cost_placements", "£", "placement spend, all types (price year)", MetricKind::flow);
  m_cost_away_ = m.add("cost_placements_out_of_area", "£", "of which for children placed outside the area", MetricKind::flow);
  finance_.register_cost(m_cost_);
}

uint32_t Care::period(const World& w, AgentId c) const {
  return static_cast<uint32_t>(record_.get(w, care_start_, c));  // the day care began identifies the period
}

bool Care::three_in_a_year(const World& w, AgentId c) const {
  const int32_t third = record_.get(w, start2_, c);
  return third != kNever && w.today - third < kYear;
}

int Care::age(const World& w, AgentId c) const {
  return Population::age_years(w, w.children[pop_.columns().birth_day][c], w.today);
}

PlacementNeed Care::need(const World& w, AgentId c) const {
  PlacementNeed n;
  n.age = age(w, c);
  n.needs = record_.get(w, needs_, c);
  n.disabled = record_.get(w, disabled_, c) != 0;
  n.kin_available = record_.get(w, kin_, c) != 0;
  if (record_.get(w, notice_, c)) n.avoid = record_.get(w, provider_, c);
  // Carers who can meet exploitation are sought for a child the exploitation
  // module has flagged as at risk, and for older children with the highest needs,
  // whom placement teams plan for as at risk (EVIDENCE.md §2.8: markers peak at 12-15).
  n.exploitation = (exploitation_risk_ && exploitation_risk_(c)) ||
                   (n.age >= p_.exploitation_min_age && n.needs >= p_.exploitation_needs);
  return n;
}

bool Care::meets_exploitation(const World& w, AgentId c) const {
  const AgentId p = record_.get(w, provider_, c);
  return p != PlacementMarket::kNoProvider && market_.meets_exploitation(w, p);
}

int Care::recent_moves(const World& w, AgentId c, int32_t days) const {
  if (!looked_after(w, c)) return 0;
  int n = 0;
  for (auto col : {placement_start_, start1_, start2_}) {
    const int32_t s = record_.get(w, col, c);
    if (s != kNever && s > record_.get(w, care_start_, c) && w.today - s < days) ++n;
  }
  return n;
}

int32_t Care::next_move_leaves(const World& w, AgentId c, int32_t days) const {
  int32_t next = w.today + static_cast<int32_t>(Draws::kNeverDays);
  if (!looked_after(w, c)) return next;
  for (auto col : {placement_start_, start1_, start2_}) {
    const int32_t s = record_.get(w, col, c);
    if (s != kNever && s > record_.get(w, care_start_, c) && s + days > w.today) next = std::min(next, s + days);
  }
  return next;
}

void Care::set_legal(World& w, AgentId c, LegalStatus s) {
  uint8_t& now = record_.at(w, legal_, c);
  // A change of legal status starts a new SSDA903 episode, so the log keeps it.
  if (s != LegalStatus::none && now != static_cast<uint8_t>(s)) w.log(c, ev_legal_, static_cast<int32_t>(s));
  const bool counted = in_care_.contains(c);
  if (counted) tally(w, c, -1);
  now = static_cast<uint8_t>(s);
  if (counted) tally(w, c, +1);
}

void Care::tally(const World& w, AgentId c, int sign) {
  const size_t t = record_.get(w, type_, c);
  const AgentId p = record_.get(w, provider_, c);
  stocks_.by_type[t] += sign;
  stocks_.by_legal[record_.get(w, legal_, c)] += sign;
  stocks_.distance_m += sign * std::llround(static_cast<double>(record_.get(w, distance_, c)) * kMetresPerKm);
  if (p == PlacementMarket::kNoProvider || PlacementMarket::external(p)) stocks_.spot_by_type[t] += sign;  // spot
  if (p != PlacementMarket::kNoProvider && market_.grade(w, p) == kInadequate) stocks_.inadequate += sign;
  if (record_.get(w, away_, c)) stocks_.away_by_type[t] += sign;
  // A child past its year was already taken off, on the day, from three_ends.
  if (three_in_a_year(w, c)) {
    stocks_.three_ends[record_.get(w, start2_, c) + kYear] += sign;
    stocks_.three += sign;
  }
}

void Care::enter(World& w, std::vector<AgentId> group, EntryRoute route, LegalStatus legal, bool count) {
  std::erase_if(group, [&](AgentId c) { return !w.children.active(c) || looked_after(w, c); });
  if (group.empty()) return;
  for (AgentId c : group) {
    casework_.set_status(w, c, Status::looked_after);
    set_legal(w, c, legal);
    record_.at(w, route_, c) = static_cast<uint8_t>(route);
    record_.at(w, care_start_, c) = w.today;
    record_.at(w, placements_, c) = 0;
    record_.at(w, placement_start_, c) = record_.at(w, start1_, c) = record_.at(w, start2_, c) = kNever;
    Draws d = w.rng.draws(kNeeds, c, w.today);
    const size_t band = FamilyRisk::age_band(age(w, c));
    record_.at(w, needs_, c) = static_cast<float>(p_.needs_median[band] * std::exp(p_.needs_sd * std::normal_distribution<double>()(d)));
    record_.at(w, kin_, c) = d.bernoulli(p_.kin_available);
    // Disability is the child's own, whenever they come into care.
    record_.at(w, disabled_, c) = w.rng.draws(kDisability, c, 0).bernoulli(p_.disability_share);
    in_care_.insert(c);
    tally(w, c, +1);
    w.log(c, ev_entry_, static_cast<int32_t>(route));
    if (count) {
      w.metrics.add_to(m_starts_, 1);
      w.metrics.add_to(m_starts_by_[static_cast<size_t>(route)], 1);
    }
    w.agenda.file(w.calendar.add_working_days(w.today, static_cast<int32_t>(p_.first_review_working_days)), review_, c,
                  period(w, c));
  }
  place(w, group, route == EntryRoute::proceedings || route == EntryRoute::s20, kEntry, Sought::entry);
}

void Care::exit(World& w, AgentId c, ExitReason reason) {
  tally(w, c, -1);
  end_placement(w, c);
  in_care_.erase(c);
  set_legal(w, c, LegalStatus::none);
  record_.at(w, pending_, c) = kNever;
  record_.at(w, secure_since_, c) = kNever;
  ++record_.at(w, seq_, c);  // every entry filed for this period is now stale
  w.metrics.add_to(m_ends_, 1);
  w.metrics.add_to(m_ends_by_[static_cast<size_t>(reason)], 1);
  w.log(c, ev_exit_, static_cast<int32_t>(reason));
  w.trace(c, ev_ended_, static_cast<int32_t>(reason), w.today - record_.get(w, care_start_, c), 0,
          record_.get(w, placements_, c));
  w.metrics.add_to(m_days_ended_, w.today - record_.get(w, care_start_, c));
  if (placement_hook_) placement_hook_(w, c);
  if (!w.children.active(c)) return;  // turned 18 or moved away: casework has closed the case
  if (reason == ExitReason::return_home) {
    // Reunification comes with a child-in-need plan (support after return home).
    casework_.set_status(w, c, Status::child_in_need);
  } else {
    // Adoption or special guardianship: a new home, for good.
    casework_.set_status(w, c, Status::none, p_.sgo_permanence_ratio);
  }
}

bool Care::search_later(World& w, SearchKind kind, const std::vector<AgentId>& children, bool planned,
                        StreamId stream, Sought why, bool foster_only, bool retry) {
  if (!market_.searches_wait()) return false;
  Search s{kind, {}, planned, foster_only, retry, stream, why};
  for (AgentId c : children) s.children.emplace_back(c, record_.get(w, seq_, c));
  searches_.push_back(std::move(s));
  return true;
}

// A search applies only if nothing has changed the child's placement since it
// was asked for (another search of the day made first, the child left care).
void Care::run_searches(World& w) {
  std::vector<Search> waiting;
  waiting.swap(searches_);
  for (const Search& s : waiting) {
    std::vector<AgentId> group;
    for (auto [c, seq] : s.children)
      if (w.children.active(c) && looked_after(w, c) && record_.get(w, seq_, c) == seq) group.push_back(c);
    if (group.empty()) continue;
    switch (s.kind) {
      case SearchKind::place: place(w, group, s.planned, s.stream, s.why); break;
      case SearchKind::planned_move: try_planned_move(w, group.front(), s.stream, s.foster_only, s.why, s.retry); break;
      case SearchKind::move_on_to_supported: move_on_to_supported(w, group.front()); break;
    }
  }
}

void Care::place(World& w, const std::vector<AgentId>& group, bool planned, StreamId stream, Sought why) {
  if (search_later(w, SearchKind::place, group, planned, stream, why)) return;
  if (group.size() > 1 && market_.policy().keep_siblings) {
    PlacementNeed n = need(w, group.front());
    for (AgentId c : group) {
      const PlacementNeed k = need(w, c);
      n.age = std::max(n.age, k.age);
      n.needs = std::max(n.needs, k.needs);
      n.disabled = n.disabled || k.disabled;
      n.kin_available = n.kin_available && k.kin_available;
    }
    n.group = static_cast<uint16_t>(group.size());
    if (auto m = market_.find(w, n, stream, group.front())) {
      for (AgentId c : group) start_placement(w, c, *m, planned, why, false);
      return;
    }
  }
  for (AgentId c : group) {
    auto m = market_.find(w, need(w, c), stream, c);
    start_placement(w, c, m ? *m : market_.last_resort(w, c, stream), planned && m.has_value(), why, !m);
  }
}

void Care::end_placement(World& w, AgentId c) {
  const AgentId p = record_.at(w, provider_, c);
  if (p != PlacementMarket::kNoProvider) market_.vacate(w, p);
  record_.at(w, provider_, c) = PlacementMarket::kNoProvider;
}

void Care::trace_match(World& w, AgentId c, Sought why, Found how, PlacementType t, double km) const {
  w.trace(c, ev_match_, static_cast<int32_t>(t) + 16 * static_cast<int32_t>(how) + 64 * static_cast<int32_t>(why), km,
          market_.policy().distance_limit_km, record_.get(w, needs_, c));
}

void Care::start_placement(World& w, AgentId c, const Match& m, bool planned, Sought why, bool last_resort) {
  trace_match(w, c, why, last_resort ? Found::last_resort : m.away ? Found::out_of_area : Found::in_area, m.type,
              m.distance);
  if (record_.get(w, placements_, c) > 0) w.metrics.add_to(m_moves_, 1);
  const bool counted = in_care_.contains(c);
  if (counted) tally(w, c, -1);
  end_placement(w, c);
  if (record_.at(w, placements_, c) < UINT16_MAX) ++record_.at(w, placements_, c);
  record_.at(w, start2_, c) = record_.at(w, start1_, c);
  record_.at(w, start1_, c) = record_.at(w, placement_start_, c);
  record_.at(w, placement_start_, c) = w.today;
  record_.at(w, type_, c) = static_cast<uint8_t>(m.type);
  record_.at(w, provider_, c) = m.provider;
  record_.at(w, away_, c) = m.away;
  record_.at(w, distance_, c) = m.distance;
  record_.at(w, planned_, c) = planned;
  record_.at(w, notice_, c) = 0;
  const uint32_t seq = ++record_.at(w, seq_, c);
  w.log(c, ev_placement_, static_cast<int32_t>(m.type) + (m.away ? kOutOfAreaFlag : 0));
  if (m.provider != PlacementMarket::kNoProvider) market_.occupy(w, m.provider);
  if (counted) tally(w, c, +1);
  if (m.type == PlacementType::emergency) w.metrics.add_to(m_emergency_placements_, 1);
  if (m.type == PlacementType::unregulated) w.metrics.add_to(m_unregulated_placements_, 1);

  const PlacementTypeParams& tp = market_.params(m.type);
  // True harm while placed: the type's ratio to the hazard at home (issue: harm in care by placement type).
  risk_.set_case(w, c, true, tp.harm_ratio * market_.harm_factor(w, m.provider));
  // Breakdown: a hazard from the child's needs, the provider's grade and whether
  // the placement was planned, higher in the early weeks (PL-3, PL-5, PL-9).
  Draws d = w.rng.draws(kPlacement, c, w.today);
  const double rate = tp.breakdown_rate * std::pow(std::max(1e-6, static_cast<double>(record_.get(w, needs_, c))), p_.needs_exponent) *
                      market_.breakdown_factor(w, m.provider) * (planned ? 1.0 : p_.emergency_ratio) / kDaysPerYear;
  if (rate > 0) {
    const double early = rate * p_.early_ratio;
    const double e = d.exponential(1.0);
    const double t = e < early * p_.early_days ? e / early : p_.early_days + (e - early * p_.early_days) / rate;
    if (t < 1e8) w.agenda.file(w.today + std::max(1, static_cast<int32_t>(std::ceil(t))), breakdown_, c, seq);
  }
  if (m.type == PlacementType::emergency || m.type == PlacementType::unregulated)
    w.agenda.file(w.today + static_cast<int32_t>(p_.retry_days), retry_, c, seq);
  if (placement_hook_) placement_hook_(w, c);
}

void Care::try_planned_move(World& w, AgentId c, StreamId stream, bool foster_only, Sought why, bool retry) {
  if (search_later(w, SearchKind::planned_move, {c}, true, stream, why, foster_only, retry)) return;
  auto m = market_.find(w, need(w, c), stream, c);
  const bool move = m && (!foster_only || is_foster(m->type)) &&
                    (m->provider == PlacementMarket::kNoProvider || market_.grade(w, m->provider) != kInadequate) &&
                    !(m->provider == record_.get(w, provider_, c) && m->type == placement(w, c));
  if (!move) {
    trace_match(w, c, why, Found::none, placement(w, c), record_.get(w, distance_, c));
    if (retry) w.agenda.file(w.today + static_cast<int32_t>(p_.retry_days), retry_, c, record_.get(w, seq_, c));
    return;
  }
  start_placement(w, c, *m, true, why, false);
}

void Care::move_on_to_supported(World& w, AgentId c) {
  if (search_later(w, SearchKind::move_on_to_supported, {c}, true, kMove, Sought::move_on_to_supported)) return;
  const PlacementNeed n = need(w, c);
  const PlacementTypeParams& supported = market_.params(PlacementType::supported);
  const auto& policy = market_.policy();
  std::optional<Match> m;
  if (n.needs <= supported.max_needs)
    m = market_.find_type(w, PlacementType::supported, n,
                          policy.allow_out_of_area ? PlacementMarket::kAnyDistance : policy.distance_limit_km,
                          !policy.avoid_inadequate);
  if (m) start_placement(w, c, *m, true, Sought::move_on_to_supported, false);
  else trace_match(w, c, Sought::move_on_to_supported, Found::none, placement(w, c), record_.get(w, distance_, c));
}

void Care::apply_for_order(World& w, AgentId c) {
  w.metrics.add_to(m_proceedings_, 1);
  set_legal(w, c, LegalStatus::interim_care_order);
  Draws d = w.rng.draws(kHearing, c, w.today);
  // Proceedings last the national mean, spread uniformly ± proceedings_spread.
  const auto days = static_cast<int32_t>(p_.proceedings_weeks * 7.0 * (1.0 - p_.proceedings_spread + 2.0 * p_.proceedings_spread * d.uniform()));
  record_.at(w, pending_, c) = w.today + std::max(1, days);
  w.agenda.file(record_.get(w, pending_, c), hearing_, c);
}

void Care::final_hearing(World& w, AgentId c) {
  Draws d = w.rng.draws(kHearing, c, w.today);
  record_.at(w, pending_, c) = kNever;
  if (age(w, c) <= p_.adoption_max_age && d.bernoulli(p_.placement_order_share)) {
    w.metrics.add_to(m_placement_orders_, 1);
    set_legal(w, c, LegalStatus::placement_order);
    record_.at(w, pending_, c) = w.today + static_cast<int32_t>(d.days_until(1.0 / p_.adoption_days));
    w.agenda.file(record_.get(w, pending_, c), adoption_, c);
  } else if (d.bernoulli(p_.sgo_share)) {
    w.metrics.add_to(m_sgo_, 1);
    exit(w, c, ExitReason::special_guardianship);
  } else if (d.bernoulli(p_.supervision_share)) {
    exit(w, c, ExitReason::return_home);
  } else {
    w.metrics.add_to(m_care_orders_, 1);
    set_legal(w, c, LegalStatus::care_order);
  }
}

void Care::consider_proceedings(World& w, AgentId c, double judged) {
  const double threshold = casework_.shifted(p_.proceedings_threshold);
  const auto trace = [&](CareDecision code) {
    w.trace(c, ev_decision_, code, judged, threshold, casework_.workload());
  };
  if (judged < threshold) return trace(kProceedingsNotMet);
  if (record_.get(w, pending_, c) != kNever) return trace(kProceedingsPending);
  if (looked_after(w, c)) {
    if (legal(w, c) != LegalStatus::s20) return trace(kProceedingsLookedAfter);
    trace(kProceedingsForS20);
    apply_for_order(w, c);
    return;
  }
  if (commissioning_.edge_of_care(w, c)) return trace(kProceedingsEdgeOfCare);  // the team kept the family together
  trace(kPreProceedings);
  Draws d = w.rng.draws(kEntry, c, w.today);
  record_.at(w, pending_, c) = w.today + static_cast<int32_t>(d.days_until(1.0 / std::max(p_.pre_proceedings_days, 1e-9)));
  w.agenda.file(record_.get(w, pending_, c), application_, c);
}

bool Care::consider_emergency(World& w, AgentId c, double judged) {
  if (looked_after(w, c)) return false;
  const double threshold = casework_.shifted(p_.emergency_threshold);
  const bool remove = judged >= threshold;
  w.trace(c, ev_decision_, remove ? kEmergencyRemoval : kEmergencyNotMet, judged, threshold, casework_.workload());
  if (!remove) return false;
  enter(w, {c}, EntryRoute::emergency_protection, LegalStatus::emergency_protection, true);
  record_.at(w, pending_, c) = w.today + static_cast<int32_t>(p_.emergency_order_days);
  w.agenda.file(record_.get(w, pending_, c), application_, c);
  return true;
}

bool Care::consider_s20(World& w, AgentId c, double judged) {
  if (looked_after(w, c)) return false;
  const double threshold = casework_.shifted(p_.s20_threshold);
  const auto decided = [&](CareDecision code) {
    w.trace(c, ev_decision_, code, judged, threshold, casework_.workload());
    return code == kS20Accommodated;
  };
  if (judged < threshold) return decided(kS20NotMet);
  if (!w.rng.draws(kEntry, c, w.today).bernoulli(p_.s20_agreement)) return decided(kS20NotAgreed);
  if (commissioning_.edge_of_care(w, c)) return decided(kS20EdgeOfCare);
  decided(kS20Accommodated);
  enter(w, {c}, EntryRoute::s20, LegalStatus::s20, true);
  return true;
}

void Care::review(World& w, AgentId c) {
  const int32_t tenure = w.today - record_.get(w, placement_start_, c);
  if (tenure >= p_.stable_days) record_.at(w, needs_, c) = static_cast<float>(record_.at(w, needs_, c) * p_.needs_recovery);
  // Is home safe now? The same kind of judgement as every other decision.
  casework_.assess_household(w, c, kReview);
  const double judged = casework_.judged(w, c, kReview, casework_.estimate(w, c));
  Draws d = w.rng.draws(kReview, c, w.today);
  const LegalStatus l = legal(w, c);
  // Codes of care_review_decision (kCareReviewNames).
  enum : int32_t { kNotSafe, kSafeStays, kS20Proceedings, kS20Home, kWithParents, kNotOpen };
  const auto trace = [&](int32_t code, double threshold) {
    w.trace(c, ev_review_, code, judged, threshold, casework_.workload());
  };
  if (l == LegalStatus::s20) {
    if (judged >= casework_.shifted(p_.proceedings_threshold)) {
      trace(kS20Proceedings, casework_.shifted(p_.proceedings_threshold));
      apply_for_order(w, c);
    } else if (judged < p_.return_threshold) {
      if (d.bernoulli(p_.return_s20)) {
        trace(kS20Home, p_.return_threshold);
        exit(w, c, ExitReason::return_home);
        return;
      }
      trace(kSafeStays, p_.return_threshold);
    } else {
      trace(kNotSafe, p_.return_threshold);
    }
  } else if (l == LegalStatus::care_order && placement(w, c) != PlacementType::with_parents &&
             age(w, c) < kAdultAge - 1) {
    if (judged >= p_.return_threshold) {
      trace(kNotSafe, p_.return_threshold);
    } else if (d.bernoulli(p_.return_order)) {
      trace(kWithParents, p_.return_threshold);
      start_placement(w, c, Match{PlacementType::with_parents, PlacementMarket::kNoProvider, false, 0.0f}, true,
                      Sought::with_parents, false);
      w.agenda.file(w.today + static_cast<int32_t>(p_.with_parents_days), discharge_, c, record_.get(w, seq_, c));
    } else {
      trace(kSafeStays, p_.return_threshold);
    }
  } else {
    trace(kNotOpen, p_.return_threshold);
  }
  const PlacementType t = placement(w, c);
  const bool residential = t == PlacementType::la_home || t == PlacementType::private_home ||
                           t == PlacementType::emergency || t == PlacementType::unregulated;
  const PlacementTypeParams& supported = market_.params(PlacementType::supported);
  const bool fostered = t == PlacementType::in_house_foster || t == PlacementType::specialist_foster ||
                        t == PlacementType::ifa_foster;
  if ((residential || fostered) && age(w, c) >= supported.min_age &&
      d.bernoulli(residential ? p_.move_on_to_supported : p_.move_on_from_foster))
    move_on_to_supported(w, c);
  if ((placement(w, c) == PlacementType::la_home || placement(w, c) == PlacementType::private_home) &&
      tenure >= p_.step_down_days)
    try_planned_move(w, c, kMove, true, Sought::step_down_to_foster);
  else if (p_.move_if_inadequate && provider(w, c) != PlacementMarket::kNoProvider &&
           market_.grade(w, provider(w, c)) == kInadequate)
    try_planned_move(w, c, kMove, false, Sought::out_of_inadequate);
  consider_secure(w, c);
  const bool first = w.today - record_.get(w, care_start_, c) < p_.second_review_days;
  w.agenda.file(w.today + static_cast<int32_t>(first ? p_.second_review_days : p_.review_days), review_, c, period(w, c));
}

void Care::file_adolescent_crisis(World& w, AgentId c) {
  const int32_t birth = w.children[pop_.columns().birth_day][c];
  const int32_t from = std::max(w.today, w.calendar.anniversary(birth, static_cast<int>(p_.adolescent_min_age)));
  const int32_t until = w.calendar.anniversary(birth, kAdultAge);
  if (from >= until) return;
  const AgentId hh = w.children[pop_.columns().household][c];
  const double rate = p_.adolescent_rate * (1.0 + p_.adolescent_capacity_gradient * (1.0 - risk_.capacity(w, hh)));
  const int64_t day = from + w.rng.draws(kCrisis, c, 0).days_until(rate / kDaysPerYear);
  if (day < until) w.agenda.file(static_cast<int32_t>(day), crisis_, c);
}

void Care::adolescent_crisis(World& w, AgentId c) {
  if (!w.children.active(c) || looked_after(w, c)) return;
  w.metrics.add_to(m_crises_, 1);
  casework_.note_referral(w, c);  // the family or the young person asks for help
  const auto trace = [&](int32_t code) {  // codes kCrisisNames
    if (w.traced(c))
      w.trace(c, ev_crisis_, code, risk_.capacity(w, w.children[pop_.columns().household][c]),
              p_.adolescent_accommodated, casework_.workload());
  };
  if (commissioning_.edge_of_care(w, c)) return trace(0);
  if (!w.rng.draws(kCrisis, c, w.today).bernoulli(p_.adolescent_accommodated)) return trace(1);
  trace(2);
  enter(w, {c}, EntryRoute::adolescent_crisis, LegalStatus::s20, true);
}

// The carer or provider gives notice: the placement ends after the type's notice
// period and the child moves, unplanned (PL-3; 7 days, 000_0a3acfabeaeb94cf.txt §3.51).
void Care::notice(World& w, AgentId c, NoticeReason why) {
  if (!looked_after(w, c) || record_.get(w, notice_, c)) return;
  const PlacementType t = placement(w, c);
  record_.at(w, notice_, c) = 1;
  w.metrics.add_to(m_breakdowns_, 1);
  w.log(c, ev_notice_, record_.get(w, type_, c));
  record_.at(w, needs_, c) = static_cast<float>(record_.at(w, needs_, c) * p_.needs_after_breakdown);
  w.trace(c, ev_notice_reason_, static_cast<int32_t>(why), record_.get(w, needs_, c), p_.secure_needs,
          w.today - record_.get(w, placement_start_, c));
  if (t == PlacementType::kinship) record_.at(w, kin_, c) = 0;
  const double notice = market_.params(t).notice_days;
  w.agenda.file(w.today + std::max(1, static_cast<int32_t>(notice)), move_due_, c, record_.get(w, seq_, c));
  consider_secure(w, c);
}

void Care::daily(World& w) {
  // Children who left the area's child population: turned 18 (leaving care) or moved away.
  for (AgentId c : w.children.departures()) {
    if (!looked_after(w, c)) continue;
    if (age(w, c) >= kAdultAge) {
      leaving_.leave(w, c, placement(w, c));
      exit(w, c, ExitReason::age_18);
    } else {
      exit(w, c, ExitReason::moved_away);
    }
  }
  for (AgentId c : w.children.arrivals()) file_adolescent_crisis(w, c);
  commissioning_.daily(w);
  leaving_.daily(w);

  const auto current = [&](const AgendaEntry& e) {
    return w.children.active(e.id) && looked_after(w, e.id) && record_.get(w, seq_, e.id) == e.payload;
  };
  for (const AgendaEntry& e : w.agenda.due(w.today, breakdown_))
    if (current(e)) notice(w, e.id, NoticeReason::breakdown);
  for (const AgendaEntry& e : w.agenda.due(w.today, move_due_))
    if (current(e)) place(w, {e.id}, false, kMove, Sought::after_notice);
  for (const AgendaEntry& e : w.agenda.due(w.today, retry_))
    if (current(e)) try_planned_move(w, e.id, kMove, false, Sought::out_of_last_resort, true);
  for (const AgendaEntry& e : w.agenda.due(w.today, discharge_))
    if (current(e) && placement(w, e.id) == PlacementType::with_parents) exit(w, e.id, ExitReason::return_home);
  for (AgentId c : w.agenda.due(w.today, application_)) {
    if (!w.children.active(c) || record_.get(w, pending_, c) != w.today) continue;
    record_.at(w, pending_, c) = kNever;
    // Codes of care_application (kApplicationNames).
    const auto trace = [&](AgentId child, int32_t code) {
      if (w.traced(child))
        w.trace(child, ev_application_, code, casework_.estimate(w, child), casework_.shifted(p_.proceedings_threshold),
                casework_.workload());
    };
    if (looked_after(w, c)) {
      trace(c, 3);
      apply_for_order(w, c);  // after emergency protection, or s20 during pre-proceedings
      continue;
    }
    if (casework_.status(w, c) == Status::none) {  // the case closed meanwhile
      trace(c, 0);
      continue;
    }
    std::vector<AgentId> group = {c};
    Draws d = w.rng.draws(kEntry, c, w.today);
    const auto& pc = pop_.columns();
    for (AgentId s = w.households[pc.first_child][w.children[pc.household][c]]; s != UINT32_MAX; s = w.children[pc.next_sibling][s]) {
      const Status st = casework_.status(w, s);
      if (s != c && w.children.active(s) && (st == Status::protection_plan || st == Status::protection_enquiry) &&
          d.bernoulli(p_.siblings_enter))
        group.push_back(s);
    }
    for (AgentId s : group) trace(s, s == c ? 1 : 2);
    enter(w, group, EntryRoute::proceedings, LegalStatus::interim_care_order, true);
    for (AgentId s : group)
      if (looked_after(w, s)) apply_for_order(w, s);
  }
  for (AgentId c : w.agenda.due(w.today, hearing_))
    if (w.children.active(c) && legal(w, c) == LegalStatus::interim_care_order && record_.get(w, pending_, c) == w.today)
      final_hearing(w, c);
  for (AgentId c : w.agenda.due(w.today, adoption_))
    if (w.children.active(c) && legal(w, c) == LegalStatus::placement_order && record_.get(w, pending_, c) == w.today)
      exit(w, c, ExitReason::adoption);
  for (AgentId c : w.agenda.due(w.today, crisis_)) adolescent_crisis(w, c);
  for (const AgendaEntry& e : w.agenda.due(w.today, secure_end_))
    if (current(e) && placement(w, e.id) == PlacementType::secure) secure_order_ends(w, e.id);
  admit_to_secure(w);
  for (const AgendaEntry& e : w.agenda.due(w.today, review_))
    if (w.children.active(e.id) && looked_after(w, e.id) && e.payload == period(w, e.id)) review(w, e.id);

  // True harm in care, by placement.
  for (const Event& e : w.events_today)
    if (e.kind == risk_.harm_event().index && looked_after(w, e.child))
      w.metrics.add_to(m_harm_[kCategoryOf[record_.get(w, type_, e.child)]], 1);
}

void Care::accounting(World& w) {
  // Children whose third-last placement began a year ago today stop counting.
  auto& ends = stocks_.three_ends;
  while (!ends.empty() && ends.begin()->first <= w.today) {
    stocks_.three -= ends.begin()->second;
    ends.erase(ends.begin());
  }
  const int64_t three = stocks_.three;
  std::array<double, kCategories> by_category{};
  std::array<double, kPlacementTypes> per_child_cost{};
  double away = 0, away_cost = 0;
  const auto price = market_.daily_prices();
  for (size_t t = 0; t < kPlacementTypes; ++t) {
    by_category[kCategoryOf[t]] += static_cast<double>(stocks_.by_type[t]);
    per_child_cost[t] = static_cast<double>(stocks_.spot_by_type[t]) * price[t];
    away += static_cast<double>(stocks_.away_by_type[t]);
    away_cost += static_cast<double>(stocks_.away_by_type[t]) * price[t];
  }
  const auto provider = market_.provider_costs(w, price);
  std::array<double, kCategories> cost{};
  for (size_t t = 0; t < kPlacementTypes; ++t) cost[kCategoryOf[t]] += provider[t] + per_child_cost[t];
  double total = 0;
  for (size_t k = 0; k < kCategories; ++k) {
    w.metrics.set(m_category_[k], by_category[k]);
    w.metrics.add_to(m_cost_by_[k], cost[k]);
    total += cost[k];
  }
  for (size_t t = 0; t < kPlacementTypes; ++t) w.metrics.set(m_type_[t], static_cast<double>(stocks_.by_type[t]));
  for (size_t l = 1; l < kLegalStatuses; ++l) w.metrics.set(m_legal_[l], static_cast<double>(stocks_.by_legal[l]));
  const auto n = static_cast<double>(in_care_.size());
  w.metrics.set(m_open_, n);
  w.metrics.set(m_out_of_area_, away);
  w.metrics.set(m_distance_, n > 0 ? static_cast<double>(stocks_.distance_m) / kMetresPerKm / n : 0.0);
  w.metrics.set(m_three_moves_, static_cast<double>(three));
  w.metrics.set(m_inadequate_, static_cast<double>(stocks_.inadequate));
  w.metrics.set(m_secure_waiting_, static_cast<double>(secure_queue_.size()));
  w.metrics.add_to(m_cost_, total);
  w.metrics.add_to(m_cost_away_, away_cost);
  commissioning_.accounting(w);
  leaving_.accounting(w);
}

void Care::initialise(World& w) {
  market_.initialise(w);
  if (NationalMarket* nm = market_.national()) nm->register_care(w.authority, this, &w);
  commissioning_.initialise(w);
  // The first day's stock at its published level and ages, drawn towards the
  // children whose true hazard is highest within each age band.
  const auto& birth = w.children[pop_.columns().birth_day];
  std::array<double, 4> count{}, hazard{};
  for (AgentId c = 0; c < w.children.rows(); ++c) {
    if (!w.children.active(c)) continue;
    const size_t b = FamilyRisk::age_band(Population::age_years(w, birth[c], w.today));
    ++count[b];
    hazard[b] += risk_.hazard_per_day(w, c);
  }
  const double total = static_cast<double>(w.children.active_count());
  for (AgentId c = 0; c < w.children.rows(); ++c) {
    if (!w.children.active(c)) continue;
    file_adolescent_crisis(w, c);
    const int a = Population::age_years(w, birth[c], w.today);
    const size_t b = FamilyRisk::age_band(a);
    if (count[b] <= 0 || hazard[b] <= 0) continue;
    const double expected = p_.initial_per_10k / 1e4 * total * p_.initial_age_shares[b];
    const double p = expected / hazard[b] * risk_.hazard_per_day(w, c);
    Draws d = w.rng.draws(kInitial, c, 0);
    if (!d.bernoulli(std::min(1.0, p))) continue;
    constexpr std::array<LegalStatus, 4> kInitialLegal = {LegalStatus::s20, LegalStatus::interim_care_order,
                                                           LegalStatus::care_order, LegalStatus::placement_order};
    const LegalStatus legal = kInitialLegal[d.categorical(p_.initial_legal_shares)];
    enter(w, {c}, EntryRoute::proceedings, legal, false);
    // At least a day before today: the first review enter() filed for a period
    // starting today is then out of date, and the one below is the only chain.
    record_.at(w, care_start_, c) = w.today - 1 - static_cast<int32_t>(d.uniform() * std::max(1, a) * kDaysPerYear);
    // Reviews of the first day's stock fall anywhere in the review cycle.
    w.agenda.file(w.today + 1 + static_cast<int32_t>(d.uniform() * p_.review_days), review_, c, period(w, c));
    if (legal == LegalStatus::interim_care_order) {
      record_.at(w, pending_, c) = w.today + 1 + static_cast<int32_t>(d.uniform() * p_.proceedings_weeks * 7.0);
      w.agenda.file(record_.get(w, pending_, c), hearing_, c);
    } else if (legal == LegalStatus::placement_order) {
      record_.at(w, pending_, c) = w.today + static_cast<int32_t>(d.days_until(1.0 / p_.adoption_days));
      w.agenda.file(record_.get(w, pending_, c), adoption_, c);
    }
  }
}

void Care::plan_day(DayPlan& plan) {
  plan.serial(Phase::agencies, "care.entries_placements_reviews_exits", [this](World& w) { daily(w); });
  plan.serial(Phase::accounting, "care.stocks_and_costs", [this](World& w) { accounting(w); });
}

// Checkpoints: the market's rooms index, commissioning's edge-of-care families
// and day's spend, leaving care's active leavers, then the children in care, the
// secure waiting list and today's secure applications. Not written: parameters
// (p_, the market's types and policy, ranked_, eoc_places_ all come from the
// scenario), column, agenda, event and metric handles (declare_state), and the
// exploitation hooks (std::function, set when the model is built).
void Care::save(StateOut& ar) const {
  // Checkpoints fall between days, when a national run has made every search.
  if (!searches_.empty()) throw std::logic_error("care: a checkpoint with placement searches waiting");
  market_.save(ar);
  commissioning_.save(ar);
  leaving_.save(ar);
  ar(in_care_, stocks_, secure_queue_, applied_day_, applied_today_);
}

void Care::load(StateIn& ar) {
  market_.load(ar);
  commissioning_.load(ar);
  leaving_.load(ar);
  ar(in_care_, stocks_, secure_queue_, applied_day_, applied_today_);
}

}  // namespace sgsim::models
