// The Bradford CSE thematic review (003_ea48d82efd16a722.txt): Anna (case 1,
// EVIDENCE.md §6.6; scenarios/vignettes/anna/) and Fiona (case 2, §6.7;
// scenarios/vignettes/fiona/). Each as-was pattern is the share of 20 replicates
// that shows it; each reform is the same 20 replicates under after_reforms.yaml
// (same seeds, so the runs share their random streams until the presets differ).
//
// Thresholds. "Most replicates" is read as at least half: a pattern's share
// must be at least 0.5, or, if it was observed well above that, at least the
// observed share less three binomial standard deviations (sqrt(p(1-p)/20): 0.08
// at p = 0.85), rounded down to 0.05. Three, not two: small changes to the
// vignette's settings moved these shares by up to 0.2 (two sd) while they were
// written, so a test should fail only when a pattern is really lost. Each test
// states what was observed when it was written. Reforms must move the mean or
// share in the claimed direction by a stated margin well inside the observed
// change.
// In a few replicates the child is already looked after on t0 (her household's
// risk during the burn-in): they count as not showing the as-was patterns.
//
// The four presets are run once each (cached below) and shared by the tests;
// the whole file takes about 12 s on an idle machine.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/vignettes/vignette_history.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {
constexpr int kReplicates = 20;

const std::vector<VignetteReplicate>& runs(const std::string& vignette, const std::string& preset) {
  return cached_vignette("scenarios/vignettes/" + vignette + "/" + preset + ".yaml", kReplicates);
}

double as_double(size_t n) { return static_cast<double>(n); }

// The child's statutory status on t0 is looked after (she came into care in the
// burn-in and has not left).
bool looked_after_at_t0(const VignetteReplicate& r) {
  const auto before = r.events(0, "status", INT32_MIN, 0);
  return !before.empty() && before.back().detail == r.code("status", "looked_after");
}

// The first day in [from, to) on which she comes into care, for a child not
// looked after on t0; -1 otherwise.
int32_t care_entry(const VignetteReplicate& r, int32_t from, int32_t to) {
  if (looked_after_at_t0(r)) return -1;
  const auto e = r.events(0, "care_entry", from, to);
  return e.empty() ? -1 : e.front().day;
}

double missing(const VignetteReplicate& r, int32_t from, int32_t to) {
  return as_double(r.count(0, "missing", from, to));
}

double exploitation_harm(const VignetteReplicate& r, int32_t from, int32_t to) {
  return as_double(r.count(0, "exploitation_harm", from, to));
}

// Whole days missing (missing_return detail / 4) summed over the returns in
// [from, to), and how many returns: pooled over replicates they give the mean
// episode length.
std::pair<double, double> missing_days(const std::vector<VignetteReplicate>& rs, int32_t from, int32_t to) {
  double days = 0, episodes = 0;
  for (const auto& r : rs)
    for (const Event& e : r.events(0, "missing_return", from, to)) {
      days += e.detail / 4;
      episodes += 1;
    }
  return {days, episodes};
}

double mean_episode_days(const std::vector<VignetteReplicate>& rs, int32_t from, int32_t to) {
  const auto [days, episodes] = missing_days(rs, from, to);
  return episodes > 0 ? days / episodes : 0;
}

// Days in [from, to) on which the child is at the exploited stage.
double days_exploited(const VignetteReplicate& r, int32_t from, int32_t to) {
  const int32_t exploited = r.code("exploitation_stage", "exploited");
  int32_t since = INT32_MIN;
  double days = 0;
  for (const Event& e : r.events(0, "exploitation_stage", INT32_MIN, to)) {
    const bool now = e.detail % 4 == exploited;
    if (now && since == INT32_MIN) since = e.day;
    if (!now && since != INT32_MIN) {
      days += std::max(0, e.day - std::max(since, from));
      since = INT32_MIN;
    }
  }
  if (since != INT32_MIN) days += std::max(0, to - std::max(since, from));
  return days;
}

bool childrens_home(const VignetteReplicate& r, const Event& placement) {
  const int32_t type = placement.detail % 16;  // + 16 if out of the area
  return type == r.code("placement_type", "la_home") || type == r.code("placement_type", "private_home");
}

// ---------------------------------------------------------------------------
// Anna (EVIDENCE.md §6.6). t0 = her child protection plan, mid-2000; day 760 =
// her mother's report of cars and nights out (July 2002, L1510); the interim
// care order was on day 930 (18 Dec 2002, L1517).
constexpr int32_t kMotherReport = 760;
constexpr int32_t kAnnaProtectionBy = 1300;  // 18 months after the report
constexpr int32_t kAnnaEnd = 1650;           // run.days
constexpr int32_t kElevenMonths = 330;       // Dec 2002 to Nov 2003 (L1517, L1541)

const std::vector<VignetteReplicate>& anna(const char* preset) { return runs("anna", preset); }

int32_t anna_entry(const VignetteReplicate& r) { return care_entry(r, kMotherReport, kAnnaProtectionBy); }

// Events 1-2 of §6.6: the plan was removed (June 2002) and protection came back
// after her mother's and education's concerns (a plan in September 2002, an
// interim care order in December: L1509-L1511, L1517). Pattern: a review
// conference ends the plan after t0, and a new protection plan or care begins
// between the mother's report and 18 months after it (the review: 2 to 5
// months). Observed 0.85 when written; threshold 0.6 (3 sd below).
// The model ends the plan at an early review (three months in, in most
// replicates), not after two years: that timing is NOT REPRODUCED (child.yaml).
TEST(VignetteAnna, ThePlanEndsAndProtectionReturnsAfterHerMothersReport) {
  const auto& rs = anna("as_was");
  const int32_t plan = rs.front().code("status", "protection_plan");
  const double s = share(rs, [&](const VignetteReplicate& r) {
    for (const auto& t : r.traces(0, "plan_review_decision", 0))
      if (t.detail == 0)  // the plan ends, stepped down
        return r.count(0, "status", std::max(t.day + 1, kMotherReport), kAnnaProtectionBy,
                       [&](const Event& e) { return e.detail >= plan; }) > 0;  // a plan, or looked after
    return false;
  });
  report("ThePlanEndsAndProtectionReturns", "share", s);
  EXPECT_GE(s, 0.6);
}

// Event 4 of §6.6: an interim care order 170 days after the report. Pattern: not
// looked after on t0, and comes into care within 18 months of the report.
// Observed 0.85 when written; threshold 0.6 (3 sd below).
TEST(VignetteAnna, SheComesIntoCareWithinEighteenMonthsOfTheReport) {
  const double s = share(anna("as_was"), [](const VignetteReplicate& r) { return anna_entry(r) >= 0; });
  report("SheComesIntoCare", "share", s);
  EXPECT_GE(s, 0.6);
}

// Stylised fact of §6.6: missing escalates once she is in care (at home she was
// already exploited and going missing; in the placement, at least 16 episodes in
// ten weeks, L1525). Pattern: she comes into care within 18 months of the report
// and her missing rate over her first eleven months in care is at least three
// times her rate over the year before. Observed 0.80 when written; threshold
// 0.5 ("most"; 3 sd below is 0.53). The review's placement was a children's
// home; the model's matching policy chooses the placement (child.yaml, NOT
// REPRODUCED), so this is entry to care of any kind.
TEST(VignetteAnna, MissingEscalatesOnceSheIsInCare) {
  const double s = share(anna("as_was"), [](const VignetteReplicate& r) {
    const int32_t entry = anna_entry(r);
    if (entry < 0) return false;
    const double after = missing(r, entry, entry + kElevenMonths) / kElevenMonths;
    const double before = missing(r, entry - 365, entry) / 365.0;
    return after > 0 && after >= 3 * before;
  });
  report("MissingEscalatesOnceSheIsInCare", "share", s);
  EXPECT_GE(s, 0.5);
}

// Count anchor of §6.6 (row 8): more than 70 missing episodes by November 2003,
// about eleven months after she came into care (L1541); EVIDENCE.md's window is
// 40-120. Pattern: 40-120 episodes in her first 330 days in care. Observed 0.75
// when written; threshold 0.5 ("most").
TEST(VignetteAnna, SeventyMissingEpisodesInHerFirstElevenMonthsInCare) {
  const auto& rs = anna("as_was");
  const double s = share(rs, [](const VignetteReplicate& r) {
    const int32_t entry = anna_entry(r);
    if (entry < 0) return false;
    const double n = missing(r, entry, entry + kElevenMonths);
    return n >= 40 && n <= 120;
  });
  report("SeventyMissingEpisodes", "share in 40-120", s);
  EXPECT_GE(s, 0.5);
}

// Stylised fact of §6.6: "as she came into care ... already being sexually
// exploited ... within weeks this had escalated" (L1577, L1587). Pattern: more
// exploitation harm events in her first 13 weeks in care than in the 13 weeks
// before. Observed 0.70 when written; threshold 0.5 ("most").
TEST(VignetteAnna, ExploitationEscalatesWithinWeeksOfEnteringCare) {
  const double s = share(anna("as_was"), [](const VignetteReplicate& r) {
    const int32_t entry = anna_entry(r);
    return entry >= 0 && exploitation_harm(r, entry, entry + 91) > exploitation_harm(r, entry - 91, entry);
  });
  report("ExploitationEscalatesWithinWeeks", "share", s);
  EXPECT_GE(s, 0.5);
}

// Counterfactual of §6.6: VCS information sharing, a high-risk missing response
// with adults treated as suspects, secure care (L417, L864-L871, L1520, L1593)
// -> fewer and shorter episodes. From the report to the end of the run, the mean
// number of episodes must fall by at least 15% and the mean episode length
// (pooled over episodes) by at least 20%. Observed when written: episodes 150 ->
// 70 (-53%), length 1.3 -> 0.4 days (-68%).
TEST(VignetteAnna, AfterReformsFewerAndShorterMissingEpisodes) {
  const auto& was = anna("as_was");
  const auto& now = anna("after_reforms");
  auto episodes = [](const VignetteReplicate& r) { return missing(r, kMotherReport, kAnnaEnd); };
  const double n_was = mean(was, episodes), n_now = mean(now, episodes);
  const double d_was = mean_episode_days(was, kMotherReport, kAnnaEnd);
  const double d_now = mean_episode_days(now, kMotherReport, kAnnaEnd);
  report("AfterReformsFewerAndShorter", "mean episodes", n_was, n_now);
  report("AfterReformsFewerAndShorter", "mean episode days", d_was, d_now);
  EXPECT_LE(n_now, 0.85 * n_was);
  EXPECT_LE(d_now, 0.8 * d_was);
}

// Counterfactual of §6.6: earlier disruption. Within 140 days of the report (by
// day 900, the interim care order being day 930) the share of replicates in which
// she is recognised as exploited must rise by at least 0.2, and the mean days she
// is exploited from the report to the end must fall by at least 20%. Observed
// when written: recognised 0.40 -> 0.85; days exploited 716 -> 274 (-62%).
TEST(VignetteAnna, AfterReformsExploitationIsRecognisedAndEndsSooner) {
  const auto& was = anna("as_was");
  const auto& now = anna("after_reforms");
  auto early = [](const VignetteReplicate& r) { return r.count(0, "exploitation_recognised", kMotherReport, 900) > 0; };
  auto exploited = [](const VignetteReplicate& r) { return days_exploited(r, kMotherReport, kAnnaEnd); };
  const double r_was = share(was, early), r_now = share(now, early);
  const double x_was = mean(was, exploited), x_now = mean(now, exploited);
  report("AfterReformsRecognisedAndEndsSooner", "share recognised by day 900", r_was, r_now);
  report("AfterReformsRecognisedAndEndsSooner", "mean days exploited", x_was, x_now);
  EXPECT_GE(r_now - r_was, 0.2);
  EXPECT_LE(x_now, 0.8 * x_was);
}

// ---------------------------------------------------------------------------
// Fiona (EVIDENCE.md §6.7). t0 = the missing report of January 2008 with her
// parents' fear of grooming (L1616); she was in a children's home from day 51
// (6 March 2008, L1632) and turned 18 at about day 1,315.
constexpr int32_t kFionaEnd = 1320;  // run.days

const std::vector<VignetteReplicate>& fiona(const char* preset) { return runs("fiona", preset); }

// Events 1-2 of §6.7: police protection, crisis carers, then a children's home
// under s20 on day 51 (L1621-L1632); EVIDENCE.md's window 30-90 days. Pattern:
// not looked after on t0 and in care within 240 days (the model's route into
// care, through a child-in-need review, a conference or a strategy discussion,
// is slower than the review's, hence the wider window). Observed 0.80 (0.78 over
// 60 replicates); threshold 0.5 ("most"). The children's home is NOT
// REPRODUCED in most replicates (child.yaml): it was (0.65 of these 20 when the
// test was written) until the calibration of 2026-12, which fitted agency foster
// supply and carers' needs limit to the national placement mix; a home within her first
// year in care is 0.45 of these 20 and 0.40 of 60, her first placement being
// agency foster care in 25 of the 47 entries in 60 replicates, in-house foster
// care in 11 and a children's home in 8. Which she gets follows her needs score,
// the population's draw.
TEST(VignetteFiona, SheComesIntoCareWithinMonths) {
  const double s = share(fiona("as_was"), [](const VignetteReplicate& r) { return care_entry(r, 0, 240) >= 0; });
  const double home = share(fiona("as_was"), [](const VignetteReplicate& r) {
    const int32_t entry = care_entry(r, 0, 240);
    return entry >= 0 && r.count(0, "placement", entry, entry + 365,
                                 [&](const Event& e) { return childrens_home(r, e); }) > 0;
  });
  report("SheComesIntoCareWithinMonths", "share", s);
  report("SheComesIntoCareWithinMonths", "share also in a children's home in her first year", home);
  EXPECT_GE(s, 0.5);
}

// Event 4 of §6.7: a new home, "went missing on the first night" (L1645), then
// settled for weeks (L1673); EVIDENCE.md: missing within 3 days of a move.
// Pattern, pooled over the 20 replicates: the share of placements starting after
// t0 that are followed by an episode within 3 days (days 0-3) exceeds, by at
// least 0.05, the share of placements lasting over a month that have an episode
// on days 30-33. Observed when written: 0.80 against 0.67 (about 250 and 170
// placements; sd of the difference about 0.05 if they were independent; the
// difference was 0.13-0.21 over the settings tried while writing).
TEST(VignetteFiona, SheGoesMissingInTheFirstDaysAfterAMove) {
  const AfterMoves m = missing_after_moves(fiona("as_was"), 0, kFionaEnd, 4, 30);
  ASSERT_GT(m.moves, 40);
  ASSERT_GT(m.settled_placements, 40);
  report("SheGoesMissingInTheFirstDays", m, 4, 30);
  EXPECT_GE(m.soon - m.settled, 0.05);
}

// Event 5 of §6.7: 23 episodes between 24 May and 23 June 2008 (L1675);
// EVIDENCE.md's window: at least 12 in 30 days. Pattern: at least 12 episodes
// starting within some 30 days in her first two years. Observed 0.70 when
// written; threshold 0.5 ("most").
TEST(VignetteFiona, MissingBurstsOfTwelveInAMonth) {
  const double s = share(fiona("as_was"), [](const VignetteReplicate& r) { return missing_burst(r, 0, 0, 730, 30) >= 12; });
  report("MissingBurstsOfTwelveInAMonth", "share", s);
  EXPECT_GE(s, 0.5);
}

// Event 3 of §6.7: arrests for breach of the peace, drunkenness, public order,
// criminal damage and assault in her first three months (L1629-L1644);
// EVIDENCE.md: at least 2. Pattern: at least two arrests of the exploited child
// in her first year. Observed 0.85 when written; threshold 0.6 (3 sd below). The
// arrest rate is calibrated to her record (child.yaml), so this checks that she
// is exploited, at liberty and policed offender-first, not the rate itself.
TEST(VignetteFiona, TheExploitedChildIsArrestedRepeatedly) {
  const double s = share(fiona("as_was"), [](const VignetteReplicate& r) {
    return r.count(0, "exploited_child_arrested", 0, 365) >= 2;
  });
  report("TheExploitedChildIsArrestedRepeatedly", "share", s);
  EXPECT_GE(s, 0.6);
}

// Event 6 of §6.7: a CSE meeting five months after her mother's concern (L1656)
// and a CSE risk assessment first assigned a year after it (L1693); EVIDENCE.md's
// window 3-8 months. Pattern: she is first recognised as at risk of exploitation
// (the risk tool or an override) no earlier than 90 days after t0 (or never).
// Observed 0.65 when written; threshold 0.5 ("most").
TEST(VignetteFiona, ExploitationIsRecognisedOnlyMonthsAfterTheFirstConcern) {
  const double s = share(fiona("as_was"), [](const VignetteReplicate& r) {
    return r.count(0, "exploitation_recognised", INT32_MIN, 90) == 0;
  });
  report("RecognisedOnlyMonthsAfter", "share", s);
  EXPECT_GE(s, 0.5);
}

// Counterfactual of §6.7: decriminalisation of exploited children (R17,
// L1222-L1232) -> fewer arrests. The mean number of arrests over the run must at
// least halve. Observed when written: 7.8 -> 0.6.
TEST(VignetteFiona, AfterReformsFewerArrests) {
  auto arrests = [](const VignetteReplicate& r) {
    return as_double(r.count(0, "exploited_child_arrested", 0, kFionaEnd));
  };
  const double was = mean(fiona("as_was"), arrests), now = mean(fiona("after_reforms"), arrests);
  report("AfterReformsFewerArrests", "mean arrests", was, now);
  EXPECT_LE(now, 0.5 * was);
}

// Counterfactual of §6.7: recognition without disclosure and a CSE assessment
// after a missing report (L417, L865-L867, L877) -> earlier recognition. The
// share recognised before day 90 must rise by at least 0.3. Observed when
// written: 0.35 -> 0.90.
TEST(VignetteFiona, AfterReformsEarlierRecognition) {
  auto early = [](const VignetteReplicate& r) { return r.count(0, "exploitation_recognised", INT32_MIN, 90) > 0; };
  const double was = share(fiona("as_was"), early), now = share(fiona("after_reforms"), early);
  report("AfterReformsEarlierRecognition", "share recognised before day 90", was, now);
  EXPECT_GE(now - was, 0.3);
}

// Counterfactual of §6.7: current missing grading and the Philomena protocol
// (L864-L871) -> fewer and shorter episodes. Over the run the mean number of
// episodes must fall by at least 15% and the mean episode length (pooled) by at
// least 20%. Observed when written: 235 -> 133 (-43%); 1.3 -> 0.35 days.
TEST(VignetteFiona, AfterReformsFewerAndShorterMissingEpisodes) {
  const auto& was = fiona("as_was");
  const auto& now = fiona("after_reforms");
  auto episodes = [](const VignetteReplicate& r) { return missing(r, 0, kFionaEnd); };
  const double n_was = mean(was, episodes), n_now = mean(now, episodes);
  const double d_was = mean_episode_days(was, 0, kFionaEnd), d_now = mean_episode_days(now, 0, kFionaEnd);
  report("AfterReformsFewerAndShorter", "mean episodes", n_was, n_now);
  report("AfterReformsFewerAndShorter", "mean episode days", d_was, d_now);
  EXPECT_LE(n_now, 0.85 * n_was);
  EXPECT_LE(d_now, 0.8 * d_was);
}

}  // namespace
