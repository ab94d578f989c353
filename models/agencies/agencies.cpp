#include "models/agencies/agencies.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace sgsim::models {
namespace {
constexpr StreamId kSee = stream_id("agencies.see");
constexpr StreamId kShare = stream_id("agencies.share");
constexpr StreamId kDomesticAbuse = stream_id("agencies.domestic_abuse_incident");
constexpr size_t kDomesticAbuseStressor = 0;  // FamilyRisk's first stressor
// The harm category a domestic-abuse notification is recorded as.
constexpr auto kEmotional = static_cast<int32_t>(HarmCategory::emotional);
// A passed-on event's agenda payload: recipient agency × categories + category.
constexpr uint32_t kCategories = kHarmCategoryNames.size();

// The vocabularies of the traced observations and decisions (World::trace).
constexpr std::array<std::string_view, 5> kSourceNames = {"unseen", "saw_harm", "told_by_agency", "noticed",
                                                          "domestic_abuse_notification"};
constexpr std::array<std::string_view, 5> kContactDecisionNames = {
    "told_case_holder", "contact_made", "below_threshold", "contacted_recently", "not_acted_on"};
enum ContactDecision : int32_t { kToldCaseHolder, kContactMade, kBelowThreshold, kContactedRecently, kNotActedOn };
constexpr int32_t kPassedOnFlag = 16;  // in agency_share's detail

struct Default {
  const char* label;
  std::vector<double> sees;  // neglect, emotional, physical, sexual
  int64_t min_age, max_age;
  double threshold, delay;
};
// Who sees what: placeholders ordered by the reviews' accounts of who held the
// fragments (schools the trusted hub, 001_a32efb814e300027.txt L44-L45; emergency
// departments seeing injuries but not notifying, 000_0a3acfabeaeb94cf.txt §3.8;
// police seeing violence and sexual offences; EVIDENCE.md §3.5, §3.9).
const std::array<Default, kAgencies> kDefaults = {{
    {"police", {0.03, 0.08, 0.20, 0.15}, 0, 17, 1.0, 1},
    {"school", {0.20, 0.15, 0.25, 0.08}, 4, 17, 1.0, 3},
    {"GP and community health (incl. health visitors)", {0.10, 0.05, 0.08, 0.02}, 0, 17, 1.0, 5},
    {"emergency department", {0.01, 0.01, 0.12, 0.05}, 0, 17, 1.0, 3},
    {"sexual health services", {0.0, 0.0, 0.0, 0.10}, 13, 17, 1.0, 5},
    {"CAMHS", {0.01, 0.05, 0.02, 0.04}, 5, 17, 1.0, 10},
    {"the family or a member of the public", {0.02, 0.02, 0.04, 0.03}, 0, 17, 1.0, 2},
    {"housing and voluntary services", {0.04, 0.02, 0.02, 0.01}, 0, 17, 1.0, 7},
}};
}  // namespace

void Agencies::declare_parameters(ParamDeclarer& d) {
  for (size_t a = 0; a < kAgencies; ++a) {
    const Default& def = kDefaults[a];
    AgencyParams& ap = p_.agency[a];
    const std::string k = kAgencyNames[a];
    d.real_list(ap.sees, {k + ".sees", "share of events", def.sees, 0, 1,
                          std::string("true harm events ") + def.label +
                              " records, by category (neglect, emotional, physical, sexual)",
                          Provenance::placeholder, "placeholder shares, not fitted (docs/calibration.md); EVIDENCE.md §3.5"});
    d.integer(ap.min_age, {k + ".min_age", "years", def.min_age, 0, 17, "youngest age the agency sees",
                           Provenance::national, "school from reception; sexual health services from 13"});
    d.integer(ap.max_age, {k + ".max_age", "years", def.max_age, 0, 17, "oldest age the agency sees",
                           Provenance::national, "children 0-17"});
    d.real(ap.threshold, {k + ".referral_threshold", "concern points", def.threshold, 0, 100,
                          "concern in the agency's record at which it contacts the front door", Provenance::placeholder,
                          "EVIDENCE.md §2.3 'signal seen': kept in agency or contact. Set by hand, not fitted: 1 point, so an "
                          "agency contacts on any recorded incident; raise it for agencies that hold fragments "
                          "(docs/calibration.md)"});
    d.real(ap.contact_probability, {k + ".contact_probability", "probability", 1.0, 0, 1,
                                    "the agency acts on concern over its threshold by contacting the front door",
                                    Provenance::seed,
                                    "concerns held in silos (004_cfad9db42d4b51c9.txt ¶4.2.9; 002_5db1e8f627105674.txt "
                                    "¶117, ¶134); neutral (1) by default"});
    d.real(ap.contact_delay, {k + ".contact_delay", "days", def.delay, 0, 365,
                              "mean days from recording an event to the contact reaching the front door",
                              Provenance::placeholder, "EVIDENCE.md IS rows: sharing is late"});
  }
  d.real(p_.half_life, {"record_half_life", "days", 365, 7, 3650, "half-life of a concern in an agency's record",
                        Provenance::placeholder, "range for sensitivity"});
  d.real(p_.share_between, {"sharing.between_agencies", "probability", 0.2, 0, 1,
                            "an agency passes a recorded event to each other agency working with the child",
                            Provenance::placeholder, "EVIDENCE.md §3.5 (004_cfad9db42d4b51c9.txt ¶4.6.2)"});
  d.real(p_.share_delay, {"sharing.delay", "days", 14, 0, 365, "mean days for an agency-to-agency share to arrive",
                          Provenance::placeholder, "EVIDENCE.md §3.5"});
  d.real(p_.share_with_case_holder, {"sharing.with_case_holder", "probability", 0.5, 0, 1,
                                     "an agency tells the child's social worker about an event while a case is open",
                                     Provenance::placeholder, "EVIDENCE.md IS rows; 002_5db1e8f627105674.txt ¶117"});
  d.real(p_.recontact_days, {"recontact_days", "days", 28, 0, 365,
                             "an agency does not contact again about the same child within this many days",
                             Provenance::placeholder, "avoids one incident becoming many contacts"});
  d.real(p_.domestic_abuse_notifications,
         {"police.domestic_abuse_notifications", "per household-year", 2.029, 0, 50,
          "domestic abuse incidents police attend in a household living with domestic abuse, each notified to the "
          "police record of every child in it (as exposure to emotional harm, not a true harm event)",
          Provenance::fitted,
                 "fitted to re-referrals within 12 months (DfE 2024/25; docs/calibration.md); police call-outs to domestic abuse, 003_ea48d82efd16a722.txt L1552-L1570, a family 'known since 2004 for domestic abuse', L1796"});
  d.real(p_.batted_back, {"batted_back", "ratio", 1.0, 1, 10,
                          "factor on an agency's threshold for a child after its contact was closed with no action",
                          Provenance::seed,
                          "EVIDENCE.md FD-9, reporting falls after being 'batted back' (004_cfad9db42d4b51c9.txt "
                          "¶4.2.9); P strength, so neutral (1) by default"});
}

void Agencies::declare_state(World& w) {
  first_record_ = w.children.add<uint32_t>("agency_record", "index", "first of the agencies' records of the child",
                                           Records::kNone);
  for (size_t a = 0; a < kAgencies; ++a) ids_[a] = w.event_types.add_agency(kAgencyNames[a], kDefaults[a].label);
  contact_ = w.agenda.add_kind("agencies.contact");
  // What each agency saw and recorded of the child, and what it passed on and
  // what it did not: the fragments the reviews find held in different places
  // (EVIDENCE.md §1.2 point 6).
  auto& e = w.event_types;
  ev_saw_ = e.add_kind(
      "agency_saw",
      "traced: an agency records something of the child (agency: who; detail: codes agency_saw: 0 a true harm event "
      "no agency saw, agency none; 1 it saw a true harm event; 2 another agency passed one on; 3 it noticed another "
      "module's event (an arrest, a notified emergency attendance, a CAMHS referral, a pregnancy, a recognition, a "
      "vignette's scripted concern; an exploitation harm it saw is code 1); 4 police attended a domestic abuse incident in "
      "the household; every event an agency sees is recorded in its own record; estimate: the concern the event adds, "
      "by its harm category's severity; threshold: the agency's referral threshold, times its batted-back factor; "
      "workload: the concern in its record after it)");
  ev_contact_decision_ = e.add_kind(
      "agency_contact_decision",
      "traced: after recording, what the agency does (agency: who; detail: codes agency_contact_decision: 0 tells the "
      "child's social worker directly, an open case (shared with the case holder); 1 makes a contact to the front "
      "door; 2 holds it, concern below its threshold; 3 holds it, it contacted about this child within recontact_days; "
      "4 holds it, over its threshold but does not act (contact_probability); for an open case 1-4 mean it did not "
      "tell the social worker directly; estimate: the concern in its record; threshold: its referral threshold, times "
      "its batted-back factor; workload: days until the contact reaches the front door, for 1, else 0)");
  ev_share_ = e.add_kind(
      "agency_share",
      "traced: whether an agency that saw a true harm event passes it to another agency (agency: the one that saw it; "
      "detail: the other agency, as an agency id like the agency field's (the run's agency list), + 16 if passed on, "
      "else not passed on; estimate: days until it arrives, if passed on, else 0; threshold: the probability of "
      "passing it on, sharing.between_agencies; workload: 0, none)");
  e.add_codes("agency_saw", kSourceNames);
  e.add_codes("agency_contact_decision", kContactDecisionNames);
  share_ = w.agenda.add_kind("agencies.share_arrives");
  m_da_notifications_ = w.metrics.add("police_domestic_abuse_notifications", "children",
                                     "children recorded by police at a domestic abuse incident in their household",
                                     MetricKind::flow);
  m_observed_ = w.metrics.add("harm_observed", "events", "true harm events that at least one agency recorded",
                              MetricKind::flow);
  for (size_t a = 0; a < kAgencies; ++a)
    m_contacts_by_[a] = w.metrics.add(std::string("contacts_") + kAgencyNames[a], "contacts",
                                      std::string("contacts made by ") + kDefaults[a].label, MetricKind::flow);
}

Agencies::Record* Agencies::find(const World& w, AgentId c, size_t a) {
  return const_cast<Record*>(std::as_const(*this).find(w, c, a));
}
const Agencies::Record* Agencies::find(const World& w, AgentId c, size_t a) const {
  return records_.find(w.children[first_record_][c], a);
}

Agencies::Record& Agencies::add_record(World& w, AgentId c, size_t a) { return records_.add(w.children[first_record_][c], a); }

void Agencies::drop_records(World& w, AgentId c) { records_.drop(w.children[first_record_][c]); }

void Agencies::decay(Record& r, int32_t today) const {
  const double f = std::exp2(-(today - r.day) / p_.half_life);
  r.concern = static_cast<float>(r.concern * f);
  r.reported = static_cast<float>(r.reported * f);
  r.day = today;
}

double Agencies::concern(const World& w, AgentId c, size_t a) const {
  const Record* r = find(w, c, a);
  return r ? r->concern * std::exp2(-(w.today - r->day) / p_.half_life) : 0.0;
}

double Agencies::take_unreported(Record& r, int32_t today) const {
  decay(r, today);
  const double fresh = std::max(0.0f, r.concern - r.reported);
  r.reported = r.concern;
  return fresh;
}

double Agencies::take_unreported(const World& w, AgentId c, size_t a) {
  Record* r = find(w, c, a);
  return r ? take_unreported(*r, w.today) : 0.0;
}

double Agencies::take_unreported_from_others(const World& w, AgentId c, size_t except) {
  std::array<double, kAgencies> fresh{};
  for (Record& r : records_.block(w.children[first_record_][c]))
    if (agency(r) != except) fresh[agency(r)] = take_unreported(r, w.today);
  // In agency order, as one take_unreported after another would add them (an
  // agency with no record adds 0).
  double sum = 0;
  for (size_t b = 0; b < kAgencies; ++b)
    if (b != except) sum += fresh[b];
  return sum;
}

void Agencies::batted_back(const World& w, AgentId c, size_t a) {
  if (Record* r = find(w, c, a)) {
    decay(*r, w.today);
    r->threshold_factor = static_cast<float>(r->threshold_factor * p_.batted_back);
  }
}

void Agencies::record(World& w, AgentId c, size_t a, int32_t category, Draws& d, Source source, int32_t earliest) {
  const double sev = casework_.severity(category);
  Record* found = find(w, c, a);
  Record& r = found ? *found : add_record(w, c, a);
  decay(r, w.today);
  r.concern = static_cast<float>(r.concern + sev);
  const AgencyParams& ap = p_.agency[a];
  const double threshold = ap.threshold * r.threshold_factor;
  w.trace(c, ev_saw_, static_cast<int32_t>(source), sev, threshold, r.concern, ids_[a]);
  const auto decided = [&](ContactDecision code, double days = 0) {
    w.trace(c, ev_contact_decision_, code, r.concern, threshold, days, ids_[a]);
  };
  const Status s = casework_.status(w, c);
  if (s != Status::none && s != Status::early_help && d.bernoulli(p_.share_with_case_holder)) {
    // An open case: the agency may tell the social worker directly. Otherwise it
    // goes through the front door like any contact, which routes it to the case.
    casework_.add_to_record(w, c, sev);
    r.reported = r.concern;
    decided(kToldCaseHolder);
    return;
  }
  if (r.concern < threshold) return decided(kBelowThreshold);
  if (static_cast<int64_t>(w.today) - r.last_contact < p_.recontact_days) return decided(kContactedRecently);
  if (!d.bernoulli(ap.contact_probability)) return decided(kNotActedOn);
  r.last_contact = w.today;
  const auto delay = static_cast<int32_t>(std::floor(d.exponential(1.0 / std::max(ap.contact_delay, 1e-9))));
  const int32_t after = std::max(earliest, ap.contact_delay > 0 ? delay : 0);
  w.agenda.file(w.today + after, contact_, c, static_cast<uint32_t>(a));
  w.metrics.add_to(m_contacts_by_[a], 1);
  decided(kContactMade, after);
}

// Modules that run after the front door (exploitation) record events here: what
// they file cannot be read today, so it arrives tomorrow at the earliest.
void Agencies::notice(World& w, AgentId c, size_t agency, int32_t category, StreamId stream) {
  Draws d = w.rng.draws(stream, static_cast<uint64_t>(c) * kAgencies + agency, w.today);
  record(w, c, agency, category, d, Source::noticed, kLater);
}

bool Agencies::see(World& w, AgentId c, int32_t category, Draws& d) { return observe(w, c, category, d, kLater); }

// Each agency sees a true harm event with its share for the category (within its
// age range), records it, and passes it to other agencies with a probability and
// a delay. True if any agency saw it.
bool Agencies::observe(World& w, AgentId c, int32_t category, Draws& d, int32_t earliest) {
  const int age = Population::age_years(w, w.children[pop_.columns().birth_day][c], w.today);
  bool seen = false;
  for (size_t a = 0; a < kAgencies; ++a) {
    const AgencyParams& ap = p_.agency[a];
    const bool sees = age >= ap.min_age && age <= ap.max_age && d.bernoulli(ap.sees[static_cast<size_t>(category)]);
    if (!sees) continue;
    seen = true;
    record(w, c, a, category, d, Source::saw_harm, earliest);
    for (size_t b = 0; b < kAgencies; ++b) {
      if (b == a) continue;
      if (!d.bernoulli(p_.share_between)) {
        w.trace(c, ev_share_, ids_[b].index, 0, p_.share_between, 0, ids_[a]);
        continue;
      }
      const auto delay = static_cast<int32_t>(std::floor(d.exponential(1.0 / std::max(p_.share_delay, 1e-9))));
      const int32_t after = std::max(earliest, p_.share_delay > 0 ? delay : 0);
      w.agenda.file(w.today + after, share_, c, static_cast<uint32_t>(b * kCategories + static_cast<size_t>(category)));
      w.trace(c, ev_share_, ids_[b].index + kPassedOnFlag, after, p_.share_between, 0, ids_[a]);
    }
  }
  // A true harm event nobody saw: the trace says so, so that a child's timeline
  // shows the harm no record holds.
  if (!seen) w.trace(c, ev_saw_, static_cast<int32_t>(Source::unseen), casework_.severity(category), 0, 0);
  return seen;
}

void Agencies::daily(World& w) {
  // Both loops read each child's row, walk its records and ask for its case's
  // status (record): the row, the first record and the case record are asked
  // for a few entries ahead (visit_linked_rows).
  const auto first_record = [&](AgentId c) { prefetch_records(w, c); };
  const RowLink case_record = casework_.case_link(w);
  visit_linked_rows(w.children, w.events_today, [&](const Event& e) {
    if (e.kind != risk_.harm_event().index || !w.children.active(e.child)) return;
    Draws d = w.rng.draws(kSee, e.child, w.today);
    if (observe(w, e.child, e.detail, d)) w.metrics.add_to(m_observed_, 1);
  }, first_record, case_record);
  domestic_abuse_notifications(w);
  visit_linked_rows(w.children, w.agenda.due(w.today, share_), [&](const AgendaEntry& e) {
    if (!w.children.active(e.id)) return;
    Draws d = w.rng.draws(kShare, static_cast<uint64_t>(e.id) * kAgencies * kCategories + e.payload, w.today);
    record(w, e.id, e.payload / kCategories, static_cast<int32_t>(e.payload % kCategories), d, Source::told_by_agency);
  }, first_record, case_record);
  // Children who left: their records go too (ids are never reused).
  for (AgentId c : w.children.departures())
    drop_records(w, c);
}

// Police attend domestic abuse incidents: a Poisson number a day over the households
// living with it, each household found by drawing households at random until one
// with domestic abuse turns up; every child in it gets a police record.
void Agencies::domestic_abuse_notifications(World& w) {
  const auto households = static_cast<double>(risk_.households_with(kDomesticAbuseStressor));
  if (p_.domestic_abuse_notifications <= 0 || households <= 0) return;
  Draws d = w.rng.draws(kDomesticAbuse, 0, w.today);
  const auto incidents = std::poisson_distribution<int64_t>(p_.domestic_abuse_notifications * households / kDaysPerYear)(d);
  risk_.prefetch_stressor_bits(kDomesticAbuseStressor);
  const auto rows = static_cast<double>(w.households.rows());
  const auto& first = w.households[pop_.columns().first_child];
  const auto& next = w.children[pop_.columns().next_sibling];
  double notified = 0;
  for (int64_t i = 0; i < incidents; ++i) {
    AgentId hh = 0;
    bool found = false;
    for (int tries = 0; tries < 10000 && !found; ++tries) {
      hh = static_cast<AgentId>(std::min(rows - 1, std::floor(d.uniform() * rows)));
      found = risk_.stressor_bit(hh, kDomesticAbuseStressor) && w.households.active(hh);
    }
    if (!found) break;
    for (AgentId c = first[hh]; c != UINT32_MAX; c = next[c]) {
      w.children.prefetch(next[c]);  // the next child's row, while this one's record is made
      if (!w.children.active(c)) continue;
      record(w, c, kPolice, kEmotional, d, Source::domestic_abuse);
      ++notified;
    }
  }
  w.metrics.add_to(m_da_notifications_, notified);
}

void Agencies::plan_day(DayPlan& plan) {
  plan.serial(Phase::agencies, "agencies.observe_share_contact", [this](World& w) { daily(w); });
}

// Checkpoints: every agency's record of every child (concern, what it has
// reported, its batted-back factor, the day decayed to, its last contact), as
// the rows and the free list stand (each child's first record is a column of
// children, saved with the table). Nothing else changes after declare_state:
// the agency ids and the agenda, event and metric handles are made there, the
// rest are parameters.
void Agencies::save(StateOut& ar) const { ar(records_); }

void Agencies::load(StateIn& ar) { ar(records_); }

}  // namespace sgsim::models
