// Child 2 (001_a32efb814e300027.txt, the Luton LSCB learning tool; EVIDENCE.md
// §6.2): the as-was preset against the review's patterns, and the after-reforms
// preset against its claims. Days are from the vignette's t0, 1 November 2010
// (scenarios/vignettes/child_2/child.yaml says what is scripted and what is left
// to the model). Each preset is run once, for the file's 20 replicates (run.replicates),
// and every test reads the same cached runs; the two presets share their seeds,
// so replicate k of each starts from the same population and history.
//
// What the model cannot show is listed under NOT REPRODUCED in child.yaml and not
// tested here: missing resuming *because* the plan ended, less drift after the
// reforms (no route from an open child-in-need case back to a strategy
// discussion), the GP told of the plan, supervision itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "tests/vignettes/vignette_history.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {

constexpr int kReplicates = 20;  // run.replicates of child.yaml

const std::vector<VignetteReplicate>& runs(const std::string& preset) {
  return cached_vignette("scenarios/vignettes/child_2/" + preset + ".yaml", kReplicates);
}
const std::vector<VignetteReplicate>& as_was() { return runs("as_was"); }
const std::vector<VignetteReplicate>& after_reforms() { return runs("after_reforms"); }

struct Step {
  int32_t day;
  int32_t status;
};
// Her statutory status from t0 on, as (day, new status).
std::vector<Step> statuses(const VignetteReplicate& r) {
  std::vector<Step> out;
  for (const Event& e : r.events(0, "status", 0)) out.push_back({e.day, e.detail});
  return out;
}
int32_t status_code(const VignetteReplicate& r, const char* name) { return r.code("status", name); }

// The first intervention after the November 2010 referral (EVIDENCE.md §6.2
// events 1-3): the first early help, child-in-need plan, enquiry or plan to start
// in the first four months, and the day it ends with the case closed (not by
// entering care, not still open at the end of the run).
struct FirstIntervention {
  int32_t start = -1, closed = -1;
};
FirstIntervention first_intervention(const VignetteReplicate& r) {
  const auto st = statuses(r);
  const int32_t none = status_code(r, "no_case"), care = status_code(r, "looked_after");
  const std::vector<int32_t> work = {status_code(r, "early_help"), status_code(r, "child_in_need"),
                                     status_code(r, "protection_enquiry"), status_code(r, "protection_plan")};
  FirstIntervention f;
  for (size_t i = 0; i < st.size(); ++i) {
    if (st[i].day >= 120) break;
    if (std::find(work.begin(), work.end(), st[i].status) == work.end()) continue;
    f.start = st[i].day;
    for (size_t j = i + 1; j < st.size(); ++j)
      if (st[j].status == none || st[j].status == care) {
        if (st[j].status == none) f.closed = st[j].day;
        break;
      }
    break;
  }
  return f;
}

// The plan of January 2012 (L31): the first plan starting from day 400 (the review
// dates it, child.yaml scripts it on day 455, or the model makes it first from the
// allegations), and how it ends: the day it steps down to a child-in-need plan,
// and how long that child-in-need plan then stays open (to the run's end if it
// is still open).
struct PlanAndAfter {
  int32_t plan = -1, step_down = -1, cin_days = -1;
  bool strategy_during_cin = false;
};
PlanAndAfter plan_and_after(const VignetteReplicate& r) {
  const auto st = statuses(r);
  const int32_t plan = status_code(r, "protection_plan"), cin = status_code(r, "child_in_need");
  PlanAndAfter p;
  for (size_t i = 0; i < st.size(); ++i) {
    if (st[i].day < 400 || st[i].status != plan) continue;
    p.plan = st[i].day;
    if (i + 1 < st.size() && st[i + 1].status == cin) {
      p.step_down = st[i + 1].day;
      const int32_t end = i + 2 < st.size() ? st[i + 2].day : r.days;
      p.cin_days = end - p.step_down;
      p.strategy_during_cin = !r.traces(0, "strategy_decision", p.step_down, end).empty();
    }
    break;
  }
  return p;
}

// A referral within 14 months of the first intervention's closure (EVIDENCE.md
// §6.2 event 4: the further assault about 8 months after closure, window 4-14
// months).
bool rereferred_within_14_months(const VignetteReplicate& r) {
  const FirstIntervention f = first_intervention(r);
  return f.closed >= 0 && r.count(0, "referral", f.closed + 1, f.closed + 426) > 0;
}

}  // namespace

// The saw-tooth (L30-L31, L49; EVIDENCE.md §6.2 events 1-4, IN-1): a brief
// intervention after the first reported assault closes within 3-9 months (the
// review: November 2010 to May 2011, "closed on the basis that there had been
// improvement"), and a new referral follows within 14 months of the closure (the
// further allegations of December 2011 - January 2012 come back through the front
// door rather than to a worker who knows her). The allegations and the plan are
// scripted (the review dates them; a scripted plan for a child with no open case
// is itself counted as a referral); what the model decides is whether the first
// intervention is brief enough to have closed before them — screening,
// assessment, the early-help episode's length and the child-in-need reviews.
// After the intervention closes its effect on her hazard fades (casework.effect.
// fade_half_life), which the events do not show; the test checks the closure and
// the return.
// Criterion: in at least 55% of the 20 as-was replicates. Observed 75% (15 of 20;
// the rest: no intervention started, or care); with p = 0.75 and n = 20 the
// share's sd is sqrt(0.75 × 0.25 / 20) = 0.10, so 55% is two sd below and still a
// majority. The after-reforms preset gives 30%.
TEST(VignetteChild2, ImprovementFadesAfterClosureAndARereferralFollows) {
  const double s = share(as_was(), [](const VignetteReplicate& r) {
    const FirstIntervention f = first_intervention(r);
    return f.closed >= 0 && f.closed - f.start >= 60 && f.closed - f.start <= 300 && rereferred_within_14_months(r);
  });
  EXPECT_GE(s, 0.55);
}

// Step-down on improvement (L31; EVIDENCE.md §6.2 event 5): the plan of January
// 2012 ends by step-down to a child-in-need plan within 3-9 months (the review:
// January to July 2012). Plans are reviewed at 3 months and then 6-monthly, so the
// model's plan lasts 3, 9 or 15 months; the as-was preset's short memory of the
// history (casework.record_half_life, L50) lets it step down at 3 or 9.
// Criterion: in at least 70% of the 20 as-was replicates. Observed 90% (18 of
// 20; one plan runs to 15 months, one child is looked after); sd at p = 0.9,
// n = 20 is 0.07, so 70% is three sd below. The after-reforms preset, which keeps
// the history (record_half_life 365), gives 25%.
TEST(VignetteChild2, PlanStepsDownToChildInNeedWithinNineMonths) {
  const double s = share(as_was(), [](const VignetteReplicate& r) {
    const PlanAndAfter p = plan_and_after(r);
    return p.step_down >= 0 && p.step_down - p.plan <= 280;
  });
  EXPECT_GE(s, 0.7);
}

// Child-in-need drift (L32, L62-L63, L67; EVIDENCE.md §6.2 event 10): after the
// step-down the case stays open as a child-in-need case for at least 6 months
// (the review: July 2012 to June 2013), with no strategy discussion while it is
// open. The model has no route from an open child-in-need case back to a
// strategy discussion (child.yaml, NOT REPRODUCED), so "without re-escalation" is
// checked only for completeness; what can fail is that the case stays open
// rather than closing at a review (time limit, non-cooperation, a quiet spell,
// low concern) or ending in care.
// Criterion: in at least 60% of the 20 as-was replicates. Observed 80% (16 of
// 20; the rest: closed at an earlier review, or looked after); sd at
// p = 0.8, n = 20 is 0.09, so 60% is two sd below.
TEST(VignetteChild2, ChildInNeedDriftsAfterStepDownWithoutReEscalation) {
  const double s = share(as_was(), [](const VignetteReplicate& r) {
    const PlanAndAfter p = plan_and_after(r);
    return p.step_down >= 0 && p.cin_days >= 182 && !p.strategy_during_cin;
  });
  EXPECT_GE(s, 0.6);
}

// After the reforms, fewer re-referrals (L18, L75: a consistent worker over a
// longer period; L16: heightened supervision rather than withdrawal when parents
// do not cooperate; EVIDENCE.md §6.2 counterfactual). The first intervention
// lasts long enough for the later allegations to reach the worker who holds her
// case instead of coming back through the front door: in calibration the first
// intervention was still open on day 420 in 11 of 20 after-reforms replicates
// against 2 of 20 as-was, and no replicate of either had its first intervention
// closed before then without a re-referral, so the fall is not the front door
// turning the allegations away. (Holding every child-in-need case longer with the
// same staff raises the authority's caseload pressure from about 0.55 to 1.5 and
// with it every threshold; see child.yaml.)
// Criterion: the share of replicates with a re-referral within 14 months of the
// first closure falls by at least 0.2 (same 20 replicates, same seeds). Observed
// 0.75 as-was and 0.30 after: 9 replicates lose their re-referral and none gains
// one, so the paired difference is 0.45 with a standard error of
// sqrt((0.45 - 0.45²) / 20) = 0.11; 0.2 is more than two standard errors below.
// Not claimed here: less true harm (too rare to compare at 20 replicates) and
// less drift (not reproduced; child.yaml).
TEST(VignetteChild2, AfterReformsFewerRereferrals) {
  const double before = share(as_was(), rereferred_within_14_months);
  const double after = share(after_reforms(), rereferred_within_14_months);
  EXPECT_LE(after, before - 0.2) << "as-was " << before << ", after reforms " << after;
}
