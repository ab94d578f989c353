// Ruby (case 4 of the Bradford CSE thematic review, 003_ea48d82efd16a722.txt
// L1922-L2015; EVIDENCE.md §6.8; scenarios/vignettes/ruby/). t0 = the first
// record of her vulnerability to CSE, October 2014 (L1936); she was looked after
// from March 2015 (about day 145, L1937) and turned 18 in April 2019 (day 1,640).
// Each as-was pattern is the share of 20 replicates that shows it; each reform is
// the same 20 replicates under after_reforms.yaml (same seeds, so the runs share
// their random streams until the presets differ); the missing-episodes claim is
// judged over 60 (its test says why).
//
// Thresholds, as in test_bradford.cpp: "most replicates" is read as at least
// half: a pattern's share must be at least 0.5, or, if it was observed well above
// that, at least the observed share less three binomial standard deviations
// (sqrt(p(1-p)/20): 0.10 at p = 0.75), rounded down to 0.05. Three, not two:
// changes to the vignette's settings moved these shares by up to 0.15 while they
// were written. Each test states what was observed when it was written, in the
// test's 20 replicates and, as a check on luck, in 40 (replicates 0-39, run with
// `sgsim trace --replicate` while writing). Reforms must move a mean or share in
// the claimed direction by a stated margin inside both observed changes.
// A replicate in which she is already looked after on t0 (her household's risk
// during the burn-in) counts as not showing the as-was patterns.
//
// The two presets are run once each (cached below) and shared by the tests.
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
constexpr int32_t kEnd = 1640;         // run.days: her eighteenth birthday (L2000)
constexpr int32_t kEntryBy = 548;      // 18 months after t0 (the review: about 145 days, L1937)
constexpr int32_t kYear = 365;
constexpr int32_t kFourMonths = 120;   // EVIDENCE.md §6.8 row 2: first risk assessment 4-14 months after t0

const std::vector<VignetteReplicate>& ruby(const std::string& preset) {
  return cached_vignette("scenarios/vignettes/ruby/" + preset + ".yaml", kReplicates);
}

double as_double(size_t n) { return static_cast<double>(n); }

bool looked_after_at_t0(const VignetteReplicate& r) {
  const auto before = r.events(0, "status", INT32_MIN, 0);
  return !before.empty() && before.back().detail == r.code("status", "looked_after");
}

// The first day in [0, to) on which she comes into care, for a child not looked
// after on t0; -1 otherwise.
int32_t care_entry(const VignetteReplicate& r, int32_t to) {
  if (looked_after_at_t0(r)) return -1;
  const auto e = r.events(0, "care_entry", 0, to);
  return e.empty() ? -1 : e.front().day;
}

double missing(const VignetteReplicate& r, int32_t from, int32_t to) {
  return as_double(r.count(0, "missing", from, to));
}

constexpr int32_t kOutOfArea = 16;  // added to a placement event's detail (docs/output.md)

// Placements starting from t0 to the end, and how many of them out of the area.
struct Placements {
  double n = 0, out_of_area = 0;
};
Placements placements(const VignetteReplicate& r) {
  Placements p;
  for (const Event& e : r.events(0, "placement", 0, kEnd)) {
    p.n += 1;
    p.out_of_area += e.detail >= kOutOfArea ? 1 : 0;
  }
  return p;
}

// Stylised fact of §6.8: the missing rate rises from about 0.35 a month before
// care (nine episodes March 2013 - May 2015, L1936) to several a week at the
// peak (L1963-L1971). Pattern: she is not looked after on t0, comes into care
// within 18 months of t0, and her missing rate over her first year in care is at
// least three times her rate over the year before. Observed 0.70 when written
// (0.73 over 40); threshold 0.5 ("most"; 3 sd below 0.70 is 0.39).
TEST(VignetteRuby, MissingRisesSharplyOnceSheIsLookedAfter) {
  const double s = share(ruby("as_was"), [](const VignetteReplicate& r) {
    const int32_t entry = care_entry(r, kEntryBy);
    if (entry < 0) return false;
    const double after = missing(r, entry, entry + kYear);
    const double before = missing(r, entry - kYear, entry);
    return after > 0 && after >= 3 * before;
  });
  report("MissingRisesSharplyOnceSheIsLookedAfter", "share", s);
  EXPECT_GE(s, 0.5);
}

// Events 8-9 of §6.8: 12 episodes in three weeks in October 2018 and 10 in the
// second half of November (L1963-L1971); EVIDENCE.md's window: at least 6 in 21
// days. Pattern: she comes into care within 18 months of t0 and at least 6
// episodes start within some 21 days while she is in care (from entry to the
// end). Observed 0.85 when written (0.75 over 40); threshold 0.6 (3 sd below
// 0.85).
TEST(VignetteRuby, MissingPeaksAtSixInThreeWeeksInCare) {
  const double s = share(ruby("as_was"), [](const VignetteReplicate& r) {
    const int32_t entry = care_entry(r, kEntryBy);
    return entry >= 0 && missing_burst(r, 0, entry, kEnd, 21) >= 6;
  });
  report("MissingPeaksAtSixInThreeWeeksInCare", "share", s);
  EXPECT_GE(s, 0.6);
}

// Event 3 of §6.8: 14 placements, all but 3 out of the area (L1930, L2012);
// EVIDENCE.md's window: 8-20 placements, an out-of-area share of at least 0.5.
// Pattern, over the replicates in which she comes into care within 18 months
// of t0: in most of them (at least half) she has at least 8 placements from t0
// to 18, and, pooled over them, at least half of the placements are out of the
// area. The model's placements include emergency (bridging) placements
// re-matched every 14 days, as the review's 14 include three in six days
// (L1996). Observed when written: 12 of 17 replicates (0.71; 23 of 38 over 40,
// 0.61) with 8 or more; out-of-area share 0.71 of about 180 placements (0.66
// over 40; sd about 0.035). Thresholds 0.5 ("most": the margin is narrow, about
// 1.5 sd: in a quarter to a third of replicates her placements settle) and 0.5
// (the out-of-area share is calibrated through the as-was local shares,
// as_was.yaml).
TEST(VignetteRuby, ManyPlacementsMostlyOutOfTheArea) {
  double entered = 0, many = 0, all = 0, out = 0;
  for (const auto& r : ruby("as_was")) {
    if (care_entry(r, kEntryBy) < 0) continue;
    const Placements p = placements(r);
    entered += 1;
    many += p.n >= 8 ? 1 : 0;
    all += p.n;
    out += p.out_of_area;
  }
  ASSERT_GE(entered, 10);
  report("ManyPlacementsMostlyOutOfTheArea", "share with 8 or more placements", many / entered);
  report("ManyPlacementsMostlyOutOfTheArea", "out-of-area share", out / all);
  EXPECT_GE(many / entered, 0.5);
  EXPECT_GE(out / all, 0.5);
}

// Event 5 of §6.8: back in Bradford in August 2018, "within days there were
// episodes when Ruby went missing" (L1940); three more in the three days after
// notice (L1944); EVIDENCE.md: missing within 7 days of a move. Pattern, pooled
// over the 20 replicates: the share of placements starting from t0 that are
// followed by an episode within 7 days (days 0-6) exceeds, by at least 0.1, the
// share of placements lasting over five weeks that have an episode on days
// 30-36. Observed when written: 0.87 against 0.65 (about 190 and 120
// placements; sd of the difference about 0.05 if they were independent; 0.84
// against 0.61 over 40).
TEST(VignetteRuby, SheGoesMissingWithinDaysOfAMove) {
  const AfterMoves m = missing_after_moves(ruby("as_was"), 0, kEnd, 7, 30);
  ASSERT_GT(m.moves, 40);
  ASSERT_GT(m.settled_placements, 40);
  report("SheGoesMissingWithinDaysOfAMove", m, 7, 30);
  EXPECT_GE(m.soon - m.settled, 0.1);
}

// Event 2 of §6.8: the first CSE risk assessment in July 2015, nine months after
// the first record (L1936, L1939); EVIDENCE.md's window 4-14 months. Pattern: she
// is first recognised as at risk of exploitation (the risk tool or an override)
// no earlier than 120 days after t0 (or never). Observed 1.00 when written
// (0.95 over 40); threshold 0.8 (3 sd at p = 0.95 is 0.15).
TEST(VignetteRuby, ExploitationIsRecognisedOnlyMonthsAfterTheFirstRecord) {
  const double s = share(ruby("as_was"), [](const VignetteReplicate& r) {
    return r.count(0, "exploitation_recognised", INT32_MIN, kFourMonths) == 0;
  });
  report("RecognisedOnlyMonthsAfterTheFirstRecord", "share", s);
  EXPECT_GE(s, 0.8);
}

// Counterfactual of §6.8: timely risk assessment and disability-aware
// recognition (L1939, L2008; L417, L865-L867) -> earlier recognition. The share
// recognised before day 120 must rise by at least 0.2. Observed when written:
// 0.00 -> 0.40 (0.05 -> 0.30 over 40).
TEST(VignetteRuby, AfterReformsEarlierRecognition) {
  auto early = [](const VignetteReplicate& r) {
    return r.count(0, "exploitation_recognised", INT32_MIN, kFourMonths) > 0;
  };
  const double was = share(ruby("as_was"), early), now = share(ruby("after_reforms"), early);
  report("AfterReformsEarlierRecognition", "share recognised before day 120", was, now);
  EXPECT_GE(now - was, 0.2);
}

// Counterfactual of §6.8: local therapeutic or 2:1 residential care (R12,
// L1118; L1963), placements that keep a distressed child (L2006) -> fewer moves
// and fewer of them out of the area. From t0 to 18 the mean number of
// placements must fall by at least 25% and the pooled out-of-area share by at
// least 0.08. Observed when written: placements 9.7 -> 5.5 (-43%; 9.5 -> 6.3,
// -34%, over 40); out-of-area share 0.70 -> 0.52 (0.66 -> 0.53 over 40; the
// difference's sd is about 0.05).
TEST(VignetteRuby, AfterReformsFewerMovesAndFewerOutOfTheArea) {
  const auto& was = ruby("as_was");
  const auto& now = ruby("after_reforms");
  auto n = [](const VignetteReplicate& r) { return placements(r).n; };
  auto pooled_out = [](const std::vector<VignetteReplicate>& rs) {
    double all = 0, out = 0;
    for (const auto& r : rs) {
      const Placements p = placements(r);
      all += p.n;
      out += p.out_of_area;
    }
    return all > 0 ? out / all : 0.0;
  };
  const double n_was = mean(was, n), n_now = mean(now, n);
  const double o_was = pooled_out(was), o_now = pooled_out(now);
  report("AfterReformsFewerMovesAndFewerOutOfTheArea", "mean placements", n_was, n_now);
  report("AfterReformsFewerMovesAndFewerOutOfTheArea", "out-of-area share", o_was, o_now);
  EXPECT_LE(n_now, 0.75 * n_was);
  EXPECT_LE(o_now, o_was - 0.08);
}

// Counterfactual of §6.8: earlier recognition and a specialist service with room
// (L1966), fewer moves and providers that keep her -> fewer missing episodes.
// Secure care sought on the exploitation route once the disagreement is
// resolved (L1963, L2010). From t0 to 18 the mean number of episodes over 60
// replicates must fall by at least 10%, and the paired difference's 95% interval
// must lie below zero. Why 60, not the file's 20: the paired difference's
// per-replicate sd is about 160 episodes (the presets' runs separate after the
// first differing draw), so its se is 21 over 60 and 36 over 20; at 20 the test
// passed or failed with the draw (a redraw failed it about 4 times in 10 before
// the calibration of 2026-12, docs/calibration.md). Observed over 60: 211 ->
// 123 (-41%), paired difference -87, interval -130 to -45: its upper end is a
// 21% fall, so the 10% criterion sits more than two se inside it.
constexpr int kWideReplicates = 60;
TEST(VignetteRuby, AfterReformsFewerMissingEpisodes) {
  auto episodes = [](const VignetteReplicate& r) { return missing(r, 0, kEnd); };
  const auto& as_was = cached_vignette("scenarios/vignettes/ruby/as_was.yaml", kWideReplicates);
  const auto& after = cached_vignette("scenarios/vignettes/ruby/after_reforms.yaml", kWideReplicates);
  const double was = mean(as_was, episodes), now = mean(after, episodes);
  const SampleSummary d = paired(as_was, after, episodes);
  report("AfterReformsFewerMissingEpisodes", "mean episodes over 60", was, now);
  std::printf("[ observed ] AfterReformsFewerMissingEpisodes: paired difference %.1f, 95%% interval %.1f to %.1f\n",
              d.mean, d.ci_low, d.ci_high);
  EXPECT_LE(now, 0.9 * was);
  EXPECT_LT(d.ci_high, 0);
}

}  // namespace
