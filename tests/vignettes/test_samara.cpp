// The Bradford CSE thematic review (003_ea48d82efd16a722.txt), case 3, Samara
// (EVIDENCE.md §6.9; scenarios/vignettes/samara/). t0 = her family's report to
// police, 20 January 2017 (8.1, L1802), age 12. Each as-was pattern is the share
// of 20 replicates that shows it; each reform is the same 20 replicates under
// after_reforms.yaml (same seeds, so the runs share their random streams until
// the presets differ).
//
// Thresholds, as in test_bradford.cpp: "most replicates" is read as at least
// half; a pattern observed well above that must reach the observed share less
// about three binomial standard deviations (sqrt(p(1-p)/20): 0.10 at p = 0.8),
// rounded down to 0.05, and never less than 0.5. Reforms must move a mean or a
// share in the claimed direction by a stated margin well inside the observed
// change. A replicate in which she is looked after on t0 (her household's risk
// in the burn-in) counts as not showing the as-was patterns.
//
// Both presets are run once each (cached below) and shared by the tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tests/vignettes/vignette_history.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {
constexpr int kReplicates = 20;
constexpr int32_t kFourteenMonths = 425;  // EVIDENCE.md §6.9 row 6: closed at 6-14 months
constexpr int32_t kTrafficked = 390;    // mid-February 2018, missing and trafficked (8.40)

const std::vector<VignetteReplicate>& samara(const std::string& preset) {
  return cached_vignette("scenarios/vignettes/samara/" + preset + ".yaml", kReplicates);
}

int32_t status_on(const VignetteReplicate& r, int32_t day) { return status_before(r, 0, day); }

bool looked_after_at_t0(const VignetteReplicate& r) { return status_on(r, 0) == r.code("status", "looked_after"); }

// The first section 47 enquiry (or emergency removal) decided at a strategy
// discussion from t0: its day, or -1.
int32_t first_enquiry(const VignetteReplicate& r) {
  for (const auto& t : r.traces(0, "strategy_decision", 0))
    if (t.detail >= 1) return t.day;
  return -1;
}

// The first day from t0 on which a child-in-need case she has had since t0
// closes (status back to none after a child-in-need status); -1 if it does not.
int32_t first_closure(const VignetteReplicate& r) {
  const int32_t cin = r.code("status", "child_in_need");
  bool in_need = false;
  for (const Event& e : r.events(0, "status", 0)) {
    if (e.detail == cin) in_need = true;
    if (in_need && e.detail == 0) return e.day;
  }
  return -1;
}

// A protection plan or care in [from, to).
bool plan_or_care(const VignetteReplicate& r, int32_t from, int32_t to) {
  const int32_t plan = r.code("status", "protection_plan");
  return r.count(0, "status", from, to, [&](const Event& e) { return e.detail >= plan; }) > 0;
}

// Her true exploitation stage on a day (0 none ... 3 exploited).
int32_t stage_on(const VignetteReplicate& r, int32_t day) {
  const auto before = r.events(0, "exploitation_stage", INT32_MIN, day + 1);
  return before.empty() ? 0 : before.back().detail % 4;
}

}  // namespace

// Row 1 of §6.9: the police referred at once to the MASH and a strategy meeting
// was held; section 47 enquiries followed (8.1, 8.4; L1802-L1808). Pattern: her
// case is open (an assessment or more) by day 7 and a strategy discussion
// starts a section 47 enquiry within 60 days. The review's strategy meeting was
// within a day; the model holds a strategy discussion at screening only above
// front_door.thresholds.immediate_strategy (12 points), which one report does
// not reach, so it follows a single assessment (child.yaml, NOT REPRODUCED: the
// same-day strategy meeting). Observed 0.70 when written; threshold 0.5
// ("most"; 3 sd below 0.70 is 0.40).
TEST(VignetteSamara, TheReportIsAReferralAtOnceAndAnEnquiryFollows) {
  const double s = share(samara("as_was"), [](const VignetteReplicate& r) {
    if (looked_after_at_t0(r)) return false;
    const int32_t assessment = r.code("status", "assessment");
    const int32_t enquiry = first_enquiry(r);
    return status_on(r, 8) >= assessment && enquiry >= 0 && enquiry <= 60;
  });
  report("TheReportIsAReferralAtOnce", "share", s);
  EXPECT_GE(s, 0.5);
}

// Rows 1 and 4 of §6.9: the enquiry substantiated the concern but judged her not
// at continuing risk, her parents protective: a child-in-need plan, no
// protection plan (8.4, 8.21, 8.33). Pattern: after the first enquiry, she is on
// a child-in-need plan before any protection plan or care, within 90 days.
// Observed 0.60 when written; threshold 0.5 ("most", the review's single
// path; in the others the model's conference makes a protection plan).
TEST(VignetteSamara, TheEnquiryEndsInAChildInNeedPlanNotAProtectionPlan) {
  const double s = share(samara("as_was"), [](const VignetteReplicate& r) {
    const int32_t enquiry = first_enquiry(r);
    if (looked_after_at_t0(r) || enquiry < 0) return false;
    const int32_t cin = r.code("status", "child_in_need");
    for (const Event& e : r.events(0, "status", enquiry, enquiry + 90))
      if (e.detail == cin) return !plan_or_care(r, enquiry, e.day + 1);
    return false;
  });
  report("TheEnquiryEndsInAChildInNeedPlan", "share", s);
  EXPECT_GE(s, 0.5);
}

// Row 6 and the first stylised fact of §6.9: a quick initial response coexists
// with premature closure: the case closed in November 2017, ten months in, with
// no closing meeting and the CSE work and therapy not done (8.35-8.38). Pattern:
// the child-in-need case closes within 14 months of t0 with no protection plan
// or care before, while she is still groomed or exploited (her true stage on
// the day it closes). Observed 0.65 when written (closing at 100-420 days,
// most at 4-5 months: casework.child_in_need.quiet_days closes a quiet case
// earlier than the review's ten months); threshold 0.5 ("most").
TEST(VignetteSamara, TheCaseClosesWithinFourteenMonthsWhileSheIsStillAtRisk) {
  const double s = share(samara("as_was"), [](const VignetteReplicate& r) {
    if (looked_after_at_t0(r)) return false;
    const int32_t closed = first_closure(r);
    return closed >= 0 && closed < kFourteenMonths && !plan_or_care(r, 0, closed) && stage_on(r, closed) >= 2;
  });
  report("TheCaseClosesWhileSheIsStillAtRisk", "share", s);
  EXPECT_GE(s, 0.5);
}

// Row 7 and the second stylised fact of §6.9: re-exploitation follows within
// months of closure (trafficked three months after it, 8.40) and she is referred
// again (a strategy discussion, section 47 enquiries, a protection plan: 8.40,
// 8.55-8.61). Pattern: of the replicates in which the case closed while she was
// still at risk (the test above), exploitation harm within 6 months of the
// closure or a new referral within 12 months. Criterion: at least 8 such
// replicates (so the share is not of a handful) and a share of at least 0.5
// ("most"). Observed when written: 13 replicates, share 0.77 (10 of 13; sd
// 0.12, so 0.5 is 2.3 sd below).
TEST(VignetteSamara, ExploitationOrAReReferralFollowsWithinMonthsOfClosure) {
  int closed_at_risk = 0, followed = 0;
  for (const auto& r : samara("as_was")) {
    if (looked_after_at_t0(r)) continue;
    const int32_t closed = first_closure(r);
    if (closed < 0 || closed >= kFourteenMonths || plan_or_care(r, 0, closed) || stage_on(r, closed) < 2) continue;
    ++closed_at_risk;
    if (r.count(0, "exploitation_harm", closed, closed + 183) > 0 || r.count(0, "referral", closed + 1, closed + 366) > 0)
      ++followed;
  }
  const double s = closed_at_risk > 0 ? static_cast<double>(followed) / closed_at_risk : 0;
  report("ExploitationOrAReReferralFollows", "replicates closed at risk", closed_at_risk);
  report("ExploitationOrAReReferralFollows", "share of those", s);
  EXPECT_GE(closed_at_risk, 8);
  EXPECT_GE(s, 0.5);
}

// Counterfactual of §6.9: no closure before the CSE work and therapy, a minimum
// dwell before the risk is stepped down (8.35-8.38; L1302) -> shorter drift out
// of help: more replicates in which her case is still open when she was
// trafficked in the review (day 390, 8.40). Must rise by at least 0.2;
// observed when written 0.55 -> 0.85.
TEST(VignetteSamara, AfterReformsHerCaseIsStillOpenWhenSheWasTrafficked) {
  auto open = [](const VignetteReplicate& r) { return status_on(r, kTrafficked) != 0; };
  const double was = share(samara("as_was"), open), now = share(samara("after_reforms"), open);
  report("AfterReformsStillOpen", "share open on day 390", was, now);
  EXPECT_GE(now, was + 0.2);
}

// Counterfactual of §6.9: no closure before the CSE work and therapy (8.37-
// 8.38; L1302) -> re-exploitation out of sight of services less likely. Pattern
// (the as-was one above, narrowed to harm): the case closes within 14 months
// and exploitation harm follows within 6 months of the closure. Its share must
// fall by at least 0.15; observed when written 0.35 -> 0.00. It falls mostly
// because the case is not closed early (the reform's own mechanism).
// The review also claims that therapeutic capacity would make re-exploitation
// itself less likely: NOT REPRODUCED (child.yaml): the specialist team works
// only with children the model has flagged, and the vignette cannot script the
// high-risk CSE rating she had from day 0 (8.1), so her days exploited barely
// move under the reforms.
TEST(VignetteSamara, AfterReformsFewerAreHarmedSoonAfterTheirCaseCloses) {
  auto harmed_after_closure = [](const VignetteReplicate& r) {
    const int32_t closed = first_closure(r);
    return !looked_after_at_t0(r) && closed >= 0 && closed < kFourteenMonths &&
           r.count(0, "exploitation_harm", closed, closed + 183) > 0;
  };
  const double was = share(samara("as_was"), harmed_after_closure);
  const double now = share(samara("after_reforms"), harmed_after_closure);
  report("AfterReformsFewerHarmedAfterClosure", "share", was, now);
  EXPECT_LE(now, was - 0.15);
}
