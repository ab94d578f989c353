// The Coventry group around House A (004_cfad9db42d4b51c9.txt; EVIDENCE.md
// §6.5): five girls exploited by one group of men, 1 January 2010 to 30
// September 2012. The as-was preset against the review's patterns, the
// after-reforms preset (coventry_now, §5) against the direction it claims.
//
// Slots 0-4 are the review's G, H, I, J and K (scenarios/vignettes/coventry/
// child.yaml). Each preset is run for kReplicates replicates (the scenario's own
// seed, so the two presets share their random streams replicate by replicate)
// in an authority of kChildren children (a third of the vignette's, to keep the
// file fast; every capacity and rate is per 10,000 children, so the authority's
// rates are the same). A pattern "holds in most replicates" when its share is
// at least kMost: with 20 replicates a share's sd is at most sqrt(0.25/20) =
// 0.11, so a pattern whose true share is 0.8 or more fails it with probability
// under 5% (and the replicates are fixed, so the tests are deterministic). The
// whole file runs 60 replicates in about 15 s of one core.
//
// What the model cannot show, and so is not tested, is listed under NOT
// REPRODUCED in child.yaml: the venue cluster and the sergeant, the group's
// identification, disruption and move (counted for the whole authority, not
// logged for the girls' group: the girls' own recognition events stand for
// identification here), the strategy meetings and the major incident room,
// per-child hospital attendances, where the girls lived.
#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "tests/vignettes/vignette_history.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {

constexpr int kReplicates = 20;
constexpr int64_t kChildren = 20000;
constexpr double kMost = 0.6;
constexpr size_t kGirls = 5;
constexpr int32_t kFirstTargeted = -60;  // H's exploiters, 60 days before t0 (child.yaml)
constexpr int32_t kYearOne = 365;
constexpr int32_t kMonth18 = 548;
constexpr int32_t kNever = INT32_MAX;

const std::vector<VignetteReplicate>& preset(const std::string& name) {
  return cached_vignette("scenarios/vignettes/coventry/" + name + ".yaml", kReplicates,
                         {{"population.children", kChildren}});
}
const std::vector<VignetteReplicate>& as_was() { return preset("as_was"); }
const std::vector<VignetteReplicate>& after_reforms() { return preset("after_reforms"); }

// The after-reforms preset with the levers' effects on the children set neutral:
// the specialist team neither slows grooming nor speeds exit nor lowers
// vulnerability or missing, carers meeting exploitation do not lower missing,
// and police action frees no victim and weakens no group. Recognition, panels,
// sharing and disruption still happen; only what they do to the children is off.
const std::vector<VignetteReplicate>& after_reforms_without_effects() {
  static const auto runs = run_vignette("scenarios/vignettes/coventry/after_reforms.yaml", kReplicates,
                                        {{"population.children", kChildren},
                                         {"exploitation.team.progress_ratio", 1.0},
                                         {"exploitation.team.exit_ratio", 1.0},
                                         {"exploitation.targeting.protective_work_ratio", 1.0},
                                         {"exploitation.missing.specialist_team_ratio", 1.0},
                                         {"exploitation.missing.specialist_carer_ratio", 1.0},
                                         {"exploitation.disruption.notice_release", 0.0},
                                         {"exploitation.disruption.arrest_effect", 0.0},
                                         {"exploitation.disruption.prosecution_success", 0.0},
                                         {"exploitation.disruption.victims_kept", 1.0}});
  return runs;
}

// The day a girl is first rated at risk of exploitation (exploitation_recognised),
// from the day the group first targeted one of them; kNever if she never is.
int32_t recognised_on(const VignetteReplicate& r, size_t k) {
  const auto flagged = r.events(k, "exploitation_recognised", kFirstTargeted);
  return flagged.empty() ? kNever : flagged.front().day;
}
int32_t first_recognition(const VignetteReplicate& r) {
  int32_t first = kNever;
  for (size_t k = 0; k < kGirls; ++k) first = std::min(first, recognised_on(r, k));
  return first;
}
int recognised_by(const VignetteReplicate& r, int32_t day) {
  int n = 0;
  for (size_t k = 0; k < kGirls; ++k) n += recognised_on(r, k) < day;
  return n;
}

// A concern that reached children's social care and went no further, in days
// [from, to): a contact closed at screening (also by a manager's override) or
// passed to early help instead ("not ... the threshold for intervention by CSC;
// instead ... the Family Intervention Project", ¶4.2.7), or an assessment ending
// with the child not in need ("unsubstantiated", ¶4.2.3).
double closures(const VignetteReplicate& r, int32_t from, int32_t to) {
  const int32_t closed = r.code("contact_outcome", "closed"), early_help = r.code("contact_outcome", "early_help"),
                overridden = r.code("contact_outcome", "overridden");
  size_t n = 0;
  for (size_t k = 0; k < kGirls; ++k) {
    n += r.count(k, "contact", from, to, [&](const Event& e) {
      return e.detail == closed || e.detail == early_help || e.detail == overridden;
    });
    for (const auto& t : r.traces(k, "assessment_decision", from, to)) n += t.detail == 0;  // not in need
  }
  return static_cast<double>(n);
}

bool reported(const Event& e) { return (e.detail & 16) != 0; }  // missing: + 16 if reported to police
double missing(const VignetteReplicate& r, bool only_reported) {
  size_t n = 0;
  for (size_t k = 0; k < kGirls; ++k)
    n += only_reported ? r.count(k, "missing", 0, r.days, reported) : r.count(k, "missing", 0, r.days);
  return static_cast<double>(n);
}

double harm(const VignetteReplicate& r, int32_t from, int32_t to) {
  size_t n = 0;
  for (size_t k = 0; k < kGirls; ++k) n += r.count(k, "exploitation_harm", from, to);
  return static_cast<double>(n);
}

// Agencies that recorded something of any of the five (a harm they saw, or an
// event they noticed: agency_saw codes saw_harm and noticed) before `day`.
size_t agencies_recording(const VignetteReplicate& r, int32_t day) {
  const int32_t saw = r.code("agency_saw", "saw_harm"), noticed = r.code("agency_saw", "noticed");
  std::set<uint16_t> agencies;
  for (size_t k = 0; k < kGirls; ++k)
    for (const auto& t : r.traces(k, "agency_saw", 0, day))
      if (t.detail == saw || t.detail == noticed) agencies.insert(t.agency);
  return agencies.size();
}

// Exploitation as the system records it (EVIDENCE.md §5's observed-activity
// counters that a child's history holds): risk-tool ratings at risk
// (exploitation_recognised, each flag and each re-flag) and return-home
// interviews whose findings reached the plan and the police.
double recorded_exploitation(const VignetteReplicate& r) {
  const auto to_plan = [](const Event& e) { return e.detail == 2; };
  size_t n = 0;
  for (size_t k = 0; k < kGirls; ++k)
    n += r.count(k, "exploitation_recognised", 0, r.days) + r.count(k, "return_interview", 0, r.days, to_plan);
  return static_cast<double>(n);
}

// Paired over replicates (the presets share their random streams): the share of
// replicates in which `better` holds of the after-reforms replicate against the
// as-was one.
double paired_share(const std::vector<VignetteReplicate>& before, const std::vector<VignetteReplicate>& after,
                    const std::function<bool(const VignetteReplicate&, const VignetteReplicate&)>& better) {
  size_t n = 0;
  for (size_t i = 0; i < before.size(); ++i) n += better(before[i], after[i]);
  return static_cast<double>(n) / static_cast<double>(before.size());
}

}  // namespace

// ---- As it was -------------------------------------------------------------

// Signals split across agencies, few shared (EVIDENCE.md §6.5 stylised facts:
// "signals split across at least six agencies"; ¶4.2.31: practitioners unaware
// of each other's involvement; ¶4.6.2: enough information, had it been
// collated). Criteria: before the first of the five is rated at risk (or to the
// end if none is), at least six of the model's eight agencies had recorded harm
// to them or an event about them (agency_saw saw_harm or noticed) in most
// replicates (observed 18 of 20; the scripted concerns name four agencies in
// year one and seven by month 26, the rest is harm the model's agencies saw);
// and pooled over replicates, at most 20% of the agency-to-agency share
// decisions about their harm passed it on (observed 0.11 of 1,862). The second
// part follows sharing.between_agencies (0.1 as-was, ¶4.2.31): it checks that
// the girls' records were shared at the as-was rate, below today's default of
// 0.2, which a binomial share of 0.1 over so many decisions (sd 0.007) cannot
// reach by chance.
TEST(VignetteCoventry, SignalsAreSplitAcrossAgenciesAndRarelyShared) {
  const double spread = share(as_was(), [](const VignetteReplicate& r) {
    const int32_t first = first_recognition(r);
    return agencies_recording(r, first == kNever ? r.days : first) >= 6;
  });
  double passed = 0, decisions = 0;
  for (const auto& r : as_was()) {
    const int32_t first = first_recognition(r);
    for (size_t k = 0; k < kGirls; ++k)
      for (const auto& t : r.traces(k, "agency_share", 0, first == kNever ? r.days : first)) {
        passed += (t.detail & 16) != 0;  // + 16 if passed on
        decisions += 1;
      }
  }
  ASSERT_GT(decisions, 100) << "too few share decisions to judge";
  std::printf("six or more agencies before recognition in %.2f; passed on %.2f of %.0f\n", spread, passed / decisions,
              decisions);
  EXPECT_GE(spread, kMost);
  EXPECT_LE(passed / decisions, 0.2);
}

// Early referrals closed (EVIDENCE.md §6.5 event 1: I's two referrals
// "unsubstantiated", J's NFA despite a CSE referral and the school's escalation,
// J's neglect referral sent to the Family Intervention Project; ¶4.2.3,
// ¶4.2.6-¶4.2.7; window "≥3 closures in year 1"). Criterion: at least three
// closures (closures() above) across the five in days 0-364, in most
// replicates (observed 18 of 20, mean 4.9).
TEST(VignetteCoventry, SeveralEarlyReferralsCloseInTheFirstYear) {
  const double three = share(as_was(), [](const VignetteReplicate& r) { return closures(r, 0, kYearOne) >= 3; });
  std::printf("three or more closures in year one in %.2f; mean %.1f\n", three,
              mean(as_was(), [](const VignetteReplicate& r) { return closures(r, 0, kYearOne); }));
  EXPECT_GE(three, kMost);
}

// Many missing episodes, more than the police record (¶4.2.24: at least 96
// police reports for the five, "the actual figure ... much higher"; EVIDENCE.md
// §6.5 count anchors). Criteria: at least 48 reported episodes (half the
// review's count) in most replicates (observed 16 of 20), a mean within 48-250
// (observed 104: the review's 96 and its "much higher"), and all episodes at
// least 1.2 times the reported ones in every replicate with any (observed at
// least 1.32, mean 158 against 104).
TEST(VignetteCoventry, ManyMissingEpisodesMoreThanPoliceRecord) {
  const double many = share(as_was(), [](const VignetteReplicate& r) { return missing(r, true) >= 48; });
  const double reported = mean(as_was(), [](const VignetteReplicate& r) { return missing(r, true); });
  const double hidden = share(as_was(), [](const VignetteReplicate& r) {
    return missing(r, true) == 0 || missing(r, false) >= 1.2 * missing(r, true);
  });
  std::printf("48+ reported in %.2f; mean reported %.1f, all %.1f; all >= 1.2 x reported in %.2f\n", many, reported,
              mean(as_was(), [](const VignetteReplicate& r) { return missing(r, false); }), hidden);
  EXPECT_GE(many, kMost);
  EXPECT_GE(reported, 48);
  EXPECT_LE(reported, 250);
  EXPECT_EQ(hidden, 1.0);
}

// Identified only late (EVIDENCE.md §6.5: J at risk from summer 2011, about
// month 19, ¶4.2.19; the group found through the venue in June 2012, month 29,
// window months 18-40; "not ... by any single child's case"). The model has no
// venue detection (child.yaml NOT REPRODUCED), so the test reads the girls' own
// risk ratings. Criteria: at most one of the five rated at risk by month 18 (day
// 548) in most replicates (observed 16 of 20), and on average fewer than half of
// them by the end of the period (observed 1.5 of 5).
TEST(VignetteCoventry, TheGirlsAreIdentifiedOnlyLate) {
  const double late = share(as_was(), [](const VignetteReplicate& r) { return recognised_by(r, kMonth18) <= 1; });
  const double by_end = mean(as_was(), [](const VignetteReplicate& r) { return recognised_by(r, r.days); });
  std::printf("at most one recognised by month 18 in %.2f; recognised by the end %.2f of 5\n", late, by_end);
  EXPECT_GE(late, kMost);
  EXPECT_LT(by_end, 2.5);
}

// Harm goes on after identification (EVIDENCE.md §6.5 stylised facts: "harm
// outlasts conviction outcomes"; ¶4.3.12, ¶4.3.16: abuse continuing while the
// children were known; ¶4.6.1: they "remained at risk ... for too long").
// Criteria: in the replicates in which one of the five is rated at risk before
// the last 90 days, exploitation harm to the five follows that day in at least
// 80% (observed 14 of 14), and pooled, at least 40% of their harm in those
// replicates comes after it (observed 0.69).
TEST(VignetteCoventry, HarmContinuesAfterTheGirlsAreIdentified) {
  std::vector<VignetteReplicate> identified;
  for (const auto& r : as_was())
    if (first_recognition(r) < r.days - 90) identified.push_back(r);
  ASSERT_GE(identified.size(), kReplicates / 2u) << "the girls were rarely recognised at all";
  const double continues =
      share(identified, [](const VignetteReplicate& r) { return harm(r, first_recognition(r) + 1, r.days) > 0; });
  double after = 0, all = 0;
  for (const auto& r : identified) {
    after += harm(r, first_recognition(r) + 1, r.days);
    all += harm(r, 0, r.days);
  }
  std::printf("harm after the first recognition in %.2f of %zu; pooled share after %.2f\n", continues,
              identified.size(), after / all);
  EXPECT_GE(continues, 0.8);
  EXPECT_GE(after / all, 0.4);
}

// ---- After the reforms -----------------------------------------------------

// Identification earlier and at a lower signal threshold (EVIDENCE.md §6.5
// counterfactual; ¶5.1.2-¶5.1.3: the screening tool, intelligence, the Horizon
// team). Criteria: the mean number of the five rated at risk by month 18 rises
// by at least 1 (observed 0.75 → 3.55; paired differences have sd 1.5, se 0.33,
// so the margin is over 5 se inside), and the first of them is rated at risk
// earlier than as-was (never counts as the end) in most paired replicates
// (observed 19 of 20).
TEST(VignetteCoventry, AfterReformsTheGirlsAreIdentifiedEarlier) {
  const auto by_month_18 = [](const VignetteReplicate& r) { return static_cast<double>(recognised_by(r, kMonth18)); };
  const double earlier =
      paired_share(as_was(), after_reforms(), [](const VignetteReplicate& a, const VignetteReplicate& b) {
        return first_recognition(b) < first_recognition(a);
      });
  std::printf("recognised by month 18: as-was %.2f, after reforms %.2f; first earlier in %.2f\n",
              mean(as_was(), by_month_18), mean(after_reforms(), by_month_18), earlier);
  EXPECT_GE(mean(after_reforms(), by_month_18), mean(as_was(), by_month_18) + 1.0);
  EXPECT_GE(earlier, kMost);
}

// With a MASH pooling what partner agencies hold (¶4.2.31, ¶5.2.8), fewer of the
// early concerns close with no service (LV-02, "fewer false closures").
// Criterion: the mean number of closures across the five in year one is lower
// by at least 0.5 (observed 4.9 → 3.5; paired differences have sd 2.3, so the
// se over 20 replicates is 0.51 and the margin 1.8 se inside what was
// observed).
TEST(VignetteCoventry, AfterReformsFewerEarlyClosures) {
  const auto year_one = [](const VignetteReplicate& r) { return closures(r, 0, kYearOne); };
  std::printf("closures in year one: as-was %.2f, after reforms %.2f\n", mean(as_was(), year_one),
              mean(after_reforms(), year_one));
  EXPECT_LE(mean(after_reforms(), year_one), mean(as_was(), year_one) - 0.5);
}

// Observed activity rises (EVIDENCE.md §6.5 counterfactual; ¶5.1.2: more
// intelligence, more notices and medicals; ¶5.1.3: more use of the screening
// tool and more referrals): exploitation as the system records it
// (recorded_exploitation) rises. Criteria: its mean is at least 1.5 times as-was
// (observed 2.05 → 8.0; paired differences have sd 3.0, se 0.66) and it is
// higher in most paired replicates (observed 20 of 20).
TEST(VignetteCoventry, AfterReformsMoreExploitationIsRecorded) {
  const double higher =
      paired_share(as_was(), after_reforms(), [](const VignetteReplicate& a, const VignetteReplicate& b) {
        return recorded_exploitation(b) > recorded_exploitation(a);
      });
  std::printf("recorded exploitation: as-was %.2f, after reforms %.2f; higher in %.2f\n",
              mean(as_was(), recorded_exploitation), mean(after_reforms(), recorded_exploitation), higher);
  EXPECT_GE(mean(after_reforms(), recorded_exploitation), 1.5 * mean(as_was(), recorded_exploitation));
  EXPECT_GE(higher, kMost);
}

// True harm falls only if the levers' effects are set (EVIDENCE.md §6.5
// counterfactual; ¶5.1.2, ¶6.2: the changes "can reasonably be expected" to
// reduce CSE, no effect measured, Rec 7.1). With the model's effect sizes
// (team, carers, disruption: placeholders in docs/scenario-reference.md) the
// five's exploitation harm is lower than as-was (observed mean 49.5 → 32.6;
// paired differences have sd 29, se 6.5: 2.6 se); with those effects set
// neutral (after_reforms_without_effects) it is not lower than 90% of as-was
// (observed 65.8; paired sd 44, se 9.7, so 44.6 sits 2.2 se below it): earlier
// recognition alone does not protect the girls.
TEST(VignetteCoventry, AfterReformsHarmFallsOnlyWithTheLeversEffects) {
  const auto all_harm = [](const VignetteReplicate& r) { return harm(r, 0, r.days); };
  const double before = mean(as_was(), all_harm), after = mean(after_reforms(), all_harm),
               without = mean(after_reforms_without_effects(), all_harm);
  std::printf("exploitation harm: as-was %.1f, after reforms %.1f, after reforms without effects %.1f\n", before, after,
              without);
  EXPECT_LT(after, before);
  EXPECT_GE(without, 0.9 * before);
}
