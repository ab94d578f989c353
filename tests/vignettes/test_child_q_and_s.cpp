// Child Q and Child S (002_5db1e8f627105674.txt; EVIDENCE.md §6.3, §6.4): the
// as-was presets against the review's patterns, and the after-reforms presets
// against its claims. Each preset is run once (20 replicates, the file's seeds)
// and shared by the tests that read it; two of Child Q's comparisons read 60.
// What the model cannot show is listed in the vignettes' child.yaml under NOT
// REPRODUCED.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tests/vignettes/vignette_history.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {

constexpr int kReplicates = 20;

const std::vector<VignetteReplicate>& runs(const std::string& preset) {
  return cached_vignette("scenarios/vignettes/" + preset + ".yaml", kReplicates);
}

// The two after-reforms comparisons whose expected effect is under two standard
// errors at 20 replicates read 60 (replicates 0..59, so these 20 are among them):
// at 20 a redraw of the model's randomness (any change to what draws what) failed
// one of them about one time in five.
constexpr int kWideReplicates = 60;
const std::vector<VignetteReplicate>& wide_runs(const std::string& preset) {
  return cached_vignette("scenarios/vignettes/" + preset + ".yaml", kWideReplicates);
}

// Status codes (docs/output.md): 0 none ... 5 protection plan, 6 looked after.
constexpr int32_t kNone = 0, kPlan = 5, kLookedAfter = 6;
// Contact outcomes: 0 closed, 1 early help offered, 4 closed by a manager.
bool closed_or_kept_at_early_help(const Event& e) { return e.detail == 0 || e.detail == 1 || e.detail == 4; }
// Placement types (models/care/placement_types.hpp order; + 16 out of area).
constexpr int32_t kSpecialistFoster = 2;

// The status at the end of `day` (its own changes included).
int32_t status_at(const VignetteReplicate& r, int32_t day) { return status_before(r, 0, day + 1); }

// The first day from t0 on which the child is on a protection plan or looked
// after (0 if she already is at t0); the run's length if never.
int32_t first_protection(const VignetteReplicate& r) {
  const int32_t s0 = status_at(r, 0);
  if (s0 == kPlan || s0 == kLookedAfter) return 0;
  const int32_t d = r.first(0, "status", 0, [](const Event& e) { return e.detail == kPlan || e.detail == kLookedAfter; });
  return d < 0 ? r.days : d;
}

// Closures between t0 and `to`: contacts screened out (closed, or kept at early
// help) and open cases closing (status back to none). EVIDENCE.md §6.4 row 1:
// "each closed or kept at CAF/CIN".
size_t closures(const VignetteReplicate& r, int32_t to) {
  return r.count(0, "contact", 0, to, closed_or_kept_at_early_help) +
         r.count(0, "status", 0, to, [](const Event& e) { return e.detail == kNone; });
}

// Placement spells (start, end) from the event log: a placement ends at the next
// placement or the end of care.
std::vector<std::pair<int32_t, int32_t>> placement_spells(const VignetteReplicate& r) {
  std::vector<std::pair<int32_t, int32_t>> spells;
  const uint16_t placement = r.kind("placement"), exit = r.kind("care_exit");
  int32_t start = INT32_MIN;
  for (const Event& e : r.children[0].events) {
    if (e.kind == placement) {
      if (start != INT32_MIN) spells.emplace_back(start, e.day);
      start = e.day;
    } else if (e.kind == exit && start != INT32_MIN) {
      spells.emplace_back(start, e.day);
      start = INT32_MIN;
    }
  }
  if (start != INT32_MIN) spells.emplace_back(start, r.days);
  return spells;
}

// Missing episodes while looked after, split by the placement's age on the day:
// within its first `window` days (around a move) or older (a stable placement).
// Only days in [from, to) count.
struct ByStability {
  double recent_days = 0, stable_days = 0, recent_missing = 0, stable_missing = 0;
  double recent_rate() const { return recent_days > 0 ? recent_missing * 365.25 / recent_days : 0; }
  double stable_rate() const { return stable_days > 0 ? stable_missing * 365.25 / stable_days : 0; }
};
ByStability missing_by_stability(const VignetteReplicate& r, int32_t from, int32_t to, int32_t window) {
  ByStability s;
  for (auto [a, b] : placement_spells(r)) {
    const int32_t lo = std::max(a, from), hi = std::min(b, to);
    if (hi <= lo) continue;
    const int32_t cut = std::clamp(a + window, lo, hi);
    s.recent_days += cut - lo;
    s.stable_days += hi - cut;
    for (const Event& e : r.events(0, "missing", lo, hi, [](const Event& m) { return (m.detail & 15) != 0; }))
      (e.day < cut ? s.recent_missing : s.stable_missing) += 1;
  }
  return s;
}

double as_double(size_t n) { return static_cast<double>(n); }

// --- Child Q (EVIDENCE.md §6.3) ---------------------------------------------
// Day 0 is the protection plan of December 2006; she turns 8 (the authority's
// youngest missing age in this vignette) 3.35 years later, and is targeted by
// exploiters on day 2890 (child.yaml).
const int32_t kQEight = static_cast<int32_t>(std::lround((8 - 4.65) * 365.25));
constexpr int32_t kQTargeted = 2890;

size_t q_notices(const VignetteReplicate& r) { return r.count(0, "placement_notice", 0); }
size_t q_placements(const VignetteReplicate& r) { return r.count(0, "placement", 0); }

// Pattern: repeated breakdown. The review documents at least 12 foster
// placements between August 2008 and August 2012, ended by carers giving notice
// (¶12, ¶36; EVIDENCE.md §6.3 row 6: ≥8 in 4 years). In the model she is not
// always looked after for long (the court's return home and her re-entry are
// random draws), so the criterion reads the replicates in which she is looked
// after for at least two years in all (at least 8 of 20): carers give notice at
// least twice in at least 60% of them.
// Why: in 60 replicates 38 are looked after two years or more, and 79% of those
// have two notices or more (63% three or more); here 10 of 12. With about 12
// such replicates the share's sd is sqrt(0.79 × 0.21 / 12) = 0.12, so 60% is 1.6
// sd below the 60-replicate share; the minimum of 8 is two sd below the expected
// 12.6. The review's count itself is NOT REPRODUCED in size: 8 or more notices
// over the whole nine years (the review: ≥8 in four) in 1 replicate in 5 of 60
// (child.yaml: her needs score, which drives breakdown, cannot be scripted).
TEST(VignetteChildQ, CarersGiveNoticeRepeatedlyAsWas) {
  int long_in_care = 0, repeated = 0;
  for (const auto& r : runs("child_q/as_was")) {
    double days = 0;
    for (auto [a, b] : placement_spells(r)) days += std::max(0, b - std::max(a, 0));
    if (days < 2 * 365.25) continue;
    ++long_in_care;
    repeated += q_notices(r) >= 2;
  }
  std::printf("Child Q as-was: looked after two years or more in %d of %d; two or more notices in %d of them\n",
              long_in_care, kReplicates, repeated);
  ASSERT_GE(long_in_care, 8);
  EXPECT_GE(static_cast<double>(repeated) / long_in_care, 0.6);
}

// Pattern: stability lowers missing. 39 reported episodes in the 41 months of
// moves from April 2010 and 7 in the 17 stable months from September 2013 (¶66,
// ¶40): about 0.95 against 0.39 a month, a ratio of 0.41 (EVIDENCE.md §6.3 row 9,
// window ≤ 0.6). Criterion, from her eighth birthday to the run's end, while
// looked after: (a) pooled over 20 replicates, the missing rate in placements
// older than 180 days (exploitation.missing.recent_window_days) is at most 0.6 of
// the rate in a placement's first 180 days; (b) in at least 60% of the
// replicates with both kinds of spell (≥180 stable days, ≥90 days around moves;
// at least 6 such replicates), the stable rate is the lower.
// Why: the pooled ratio is 0.34 in 60 replicates (0.32 here), well inside the
// review's window; (b) holds in 22 of 27 eligible replicates of 60 (81%) and 8
// of 10 here; with about 10 eligible the share's sd is 0.13, so 55% is two sd
// below 81%, and 6 eligible is 1.4 sd below the expected 9.
TEST(VignetteChildQ, StablePlacementsLowerMissingAsWas) {
  const auto& rs = runs("child_q/as_was");
  ByStability pooled;
  int eligible = 0, lower = 0;
  for (const auto& r : rs) {
    const ByStability s = missing_by_stability(r, kQEight, r.days, 180);
    pooled.recent_days += s.recent_days, pooled.stable_days += s.stable_days;
    pooled.recent_missing += s.recent_missing, pooled.stable_missing += s.stable_missing;
    if (s.stable_days >= 180 && s.recent_days >= 90) {
      ++eligible;
      lower += s.stable_rate() < s.recent_rate();
    }
  }
  const double ratio = pooled.stable_rate() / pooled.recent_rate();
  std::printf("Child Q as-was: missing %.1f a year around moves, %.1f in stable placements (ratio %.2f); stable lower in "
              "%d of %d eligible replicates\n",
              pooled.recent_rate(), pooled.stable_rate(), ratio, lower, eligible);
  EXPECT_LE(ratio, 0.6);
  ASSERT_GE(eligible, 6);
  EXPECT_GE(static_cast<double>(lower) / eligible, 0.55);
}

// Claim: specialist foster carers (LP10) and trigger plans (LP36) mean fewer
// moves. Criterion: the mean number of placements over the run is lower after
// the reforms than as it was, over the same 60 replicates (same seeds).
// Why: in these 60 the means are 6.53 and 4.82, a paired difference of 1.72
// (se 0.67): the direction holds by 2.6 se, so a redraw of the model's
// randomness fails it about one time in 200 (at 20 replicates, se about 1.2,
// about one time in 14: it failed when the police notifications' draws changed).
// The effect is modest because her needs score, which decides who can care for
// her, is the population's draw (child.yaml: NOT REPRODUCED).
TEST(VignetteChildQ, FewerMovesAfterReforms) {
  const double before = mean(wide_runs("child_q/as_was"), [](const VignetteReplicate& r) { return as_double(q_placements(r)); });
  const double after = mean(wide_runs("child_q/after_reforms"), [](const VignetteReplicate& r) { return as_double(q_placements(r)); });
  std::printf("Child Q: mean placements %.2f as-was, %.2f after reforms\n", before, after);
  EXPECT_LT(after, before);
}

// Claim: better-matched placements: children at high risk of exploitation placed
// with specialist foster carers (LP10, ¶43). Criterion: the share of replicates
// in which she is ever placed with specialist foster carers is higher after the
// reforms by at least 0.08, over the same 60 replicates. Why: 0.03 against 0.23
// in these 60 (difference 0.20, se 0.06): 0.08 is two se below it, so a redraw
// fails it about one time in 40 (the earlier 0.1 over 20 replicates, se about
// 0.10, failed about one time in six).
TEST(VignetteChildQ, SpecialistCarersAfterReforms) {
  const auto specialist = [](const VignetteReplicate& r) {
    return r.count(0, "placement", 0, INT32_MAX, [](const Event& e) { return (e.detail & 15) == kSpecialistFoster; }) > 0;
  };
  const double before = share(wide_runs("child_q/as_was"), specialist);
  const double after = share(wide_runs("child_q/after_reforms"), specialist);
  std::printf("Child Q: share ever with specialist foster carers %.2f as-was, %.2f after reforms\n", before, after);
  EXPECT_GE(after, before + 0.08);
}

// Claim: harm remains possible under good practice — the review's alternative
// hypothesis that she "would have gone missing at another opportune time" (¶96;
// EVIDENCE.md §1.2 item 5, §6.3). Criterion: after the reforms, exploitation harm
// follows her targeting (day 2890) in at least 50% of 20 replicates. Why: 73% in
// 60 replicates (72% as-was), 75% here; with 20 replicates the share's sd is
// about 0.10, so 50% is more than two sd below; the test fails if the reforms
// drove her harm to rarely happening.
TEST(VignetteChildQ, HarmStillPossibleAfterReforms) {
  const double s = share(runs("child_q/after_reforms"),
                         [](const VignetteReplicate& r) { return r.count(0, "exploitation_harm", kQTargeted) > 0; });
  std::printf("Child Q after reforms: share with exploitation harm after targeting %.2f\n", s);
  EXPECT_GE(s, 0.5);
}

// --- Child S (EVIDENCE.md §6.4) ---------------------------------------------

// Pattern: several contacts close before a plan. Eleven concerns from February
// 2014 to January 2015, each closed or kept at CAF/CIN (¶106, ¶119-¶131;
// EVIDENCE.md §6.4 row 1: ≥6 closures before CP). Criterion: at least 6 closures
// (contacts closed or kept at early help, and cases closed) between t0 and the
// first protection plan or care, in at least 65% of 20 replicates. Why: 85% in
// 60 replicates (mean 11.8 closures), all of these 20; with 20 replicates the
// share's sd is sqrt(0.85 × 0.15 / 20) = 0.08, so 65% is 2.5 sd below.
TEST(VignetteChildS, SeveralClosuresBeforeAPlanAsWas) {
  const auto& rs = runs("child_s/as_was");
  const double s = share(rs, [](const VignetteReplicate& r) { return closures(r, first_protection(r)) >= 6; });
  std::printf("Child S as-was: share with >=6 closures before protection %.2f; mean closures %.1f\n", s,
              mean(rs, [](const VignetteReplicate& r) { return as_double(closures(r, first_protection(r))); }));
  EXPECT_GE(s, 0.65);
}

// Pattern: the plan later leads to care (January 2015 plan, looked after in May
// 2015: ¶106, ¶109, ¶140; EVIDENCE.md §6.4 rows 3-4). Criterion: of the
// replicates in which she reaches a protection plan (at least 12 of 20), care
// follows within the run in at least 55%. Why: 43 of 54 (80%) in 60 replicates,
// 15 of 19 here; with about 18 plans the share's sd is 0.094, so 55% is 2.6 sd
// below. Most plans are the scripted one of day 332 (child.yaml): the model has
// no step-up from a child-in-need plan, so what is tested is what follows it.
TEST(VignetteChildS, PlanLeadsToCareAsWas) {
  int plans = 0, then_care = 0;
  for (const auto& r : runs("child_s/as_was")) {
    const int32_t plan = r.first(0, "status", 0, [](const Event& e) { return e.detail == kPlan; });
    if (plan < 0) continue;
    ++plans;
    then_care += r.first(0, "care_entry", plan) >= 0;
  }
  std::printf("Child S as-was: %d of %d replicates reach a plan; care follows in %d\n", plans, kReplicates, then_care);
  ASSERT_GE(plans, 12);
  EXPECT_GE(static_cast<double>(then_care) / plans, 0.55);
}

// Pattern: missing escalates after accommodation (¶105, ¶146, ¶148-¶156;
// EVIDENCE.md §6.4 row 5). Criterion: of the replicates in which she enters care
// with at least 120 days of the run left (at least 8 of 20), her missing rate
// after entry is at least twice her rate from t0 to entry in at least 70%. Why:
// 39 of 46 (85%) in 60 replicates, 15 of 16 here (foster care's missing ratio is
// 9 times home's, children's homes 15); with about 15 such replicates the share's
// sd is 0.092, so 70% is 1.6 sd below.
TEST(VignetteChildS, MissingEscalatesAfterAccommodationAsWas) {
  int entered = 0, escalated = 0;
  for (const auto& r : runs("child_s/as_was")) {
    const int32_t care = r.first(0, "care_entry", 0);
    if (care < 0 || r.days - care < 120) continue;
    ++entered;
    const double before = as_double(r.count(0, "missing", 0, care)) / std::max(care, 1);
    const double after = as_double(r.count(0, "missing", care)) / (r.days - care);
    escalated += after >= 2 * before && after > 0;
  }
  std::printf("Child S as-was: missing at least doubles after entering care in %d of %d\n", escalated, entered);
  ASSERT_GE(entered, 8);
  EXPECT_GE(static_cast<double>(escalated) / entered, 0.7);
}

// Claim: with a chronology and MASH (¶113, LP24), threshold clarity (LP26),
// planning without the parent's cooperation (¶131), partners' views in the plan
// (LP25) and every missing episode shared (LP35), she is protected earlier and
// fewer concerns close first (EVIDENCE.md §6.4 counterfactual: "CP years
// earlier, fewer closures"). Criteria: over the same 20 replicates, (a) the mean
// day of first protection (a plan or care; t0 if already) is at least 40 days
// earlier; (b) the mean number of closures before it is at most half the
// as-was mean. Why: in 60 replicates the paired difference is 91 days (se 19);
// here the means are 325 and 228 days, a difference of 97 (se 29), so 40 days
// is about two se below (the scripted plan on day 332 caps both presets).
// Closures fall from 11.8 to 0.5 in 60 replicates (13.9 to 0.7 here), far
// beyond half: with the chronology and the MASH her case is open (a child-in-need
// plan, a plan or care) from before t0 in most replicates, so concerns reach her
// worker instead of closing at the front door. The presets apply from the start
// of the burn-in, so the reformed practice also governs 2011-2014 (the review's
// "neglect known for at least 6 years", ¶175).
TEST(VignetteChildS, ProtectedEarlierWithFewerClosuresAfterReforms) {
  const auto prot = [](const VignetteReplicate& r) { return static_cast<double>(first_protection(r)); };
  const auto clos = [](const VignetteReplicate& r) { return as_double(closures(r, first_protection(r))); };
  const double day_before = mean(runs("child_s/as_was"), prot), day_after = mean(runs("child_s/after_reforms"), prot);
  const double clos_before = mean(runs("child_s/as_was"), clos), clos_after = mean(runs("child_s/after_reforms"), clos);
  std::printf("Child S: first protection on day %.0f as-was, %.0f after reforms; closures before it %.1f and %.1f\n",
              day_before, day_after, clos_before, clos_after);
  EXPECT_LE(day_after, day_before - 40);
  EXPECT_LE(clos_after, clos_before / 2);
}

}  // namespace
