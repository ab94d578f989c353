// A branch (sim/run/runner.hpp): a run changed part-way through. Up to the branch
// day it must be the unbranched run bit for bit; from that day its continuation
// draws differ, and a changed parameter takes effect. What trainers' what-ifs
// rest on (issue: sgsim trace --branch).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/models/model_fixture.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {

constexpr int32_t kDays = 540, kBranchDay = 300;  // output days; no burn-in

Scenario base() {
  return scenario(with(whole_system(20000, kDays), {{"run.burn_in_days", int64_t{0}}}));
}

struct Outcome {
  std::vector<std::vector<double>> series;
  std::vector<Event> events;
};

Outcome run(const Scenario& sc, std::optional<Branch> branch) {
  RunOptions o;
  o.keep_event_log = true;
  o.branch = std::move(branch);
  ReplicateResult r = run_replicate(sc, models::make_modules, 3, o);
  return {std::move(r.series), std::move(r.events)};
}

bool same_event(const Event& a, const Event& b) {
  return a.day == b.day && a.child == b.child && a.kind == b.kind && a.agency == b.agency && a.detail == b.detail;
}

// Events strictly before `day`, in log order.
std::vector<Event> before(const std::vector<Event>& log, int32_t day) {
  std::vector<Event> out;
  for (const Event& e : log)
    if (e.day < day) out.push_back(e);
  return out;
}

}  // namespace

// Continuation 0 with nothing changed is the run itself: every series and event.
TEST(Branch, ContinuationZeroWithNoChangeIsTheRunItself) {
  const Outcome plain = run(base(), std::nullopt);
  const Outcome branched = run(base(), Branch{kBranchDay, 0, {}});
  ASSERT_EQ(plain.series.size(), branched.series.size());
  for (size_t m = 0; m < plain.series.size(); ++m) EXPECT_EQ(plain.series[m], branched.series[m]) << "metric " << m;
  ASSERT_EQ(plain.events.size(), branched.events.size());
  for (size_t i = 0; i < plain.events.size(); ++i) ASSERT_TRUE(same_event(plain.events[i], branched.events[i])) << i;
}

// Another continuation shares the history to the branch day exactly and differs
// after it (a different future from the same past).
TEST(Branch, AContinuationSharesTheHistoryAndThenDiffers) {
  const Outcome plain = run(base(), std::nullopt);
  const Outcome other = run(base(), Branch{kBranchDay, 1, {}});
  size_t differ_after = 0;
  for (size_t m = 0; m < plain.series.size(); ++m) {
    for (int32_t d = 0; d < kBranchDay; ++d)
      ASSERT_EQ(plain.series[m][static_cast<size_t>(d)], other.series[m][static_cast<size_t>(d)])
          << "metric " << m << " day " << d;
    for (int32_t d = kBranchDay; d < kDays; ++d)
      if (plain.series[m][static_cast<size_t>(d)] != other.series[m][static_cast<size_t>(d)]) {
        ++differ_after;
        break;
      }
  }
  EXPECT_GT(differ_after, 20u) << "metrics that differ after the branch day";
  const auto a = before(plain.events, kBranchDay), b = before(other.events, kBranchDay);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_TRUE(same_event(a[i], b[i])) << i;
  EXPECT_GT(a.size(), 1000u);
}

// A changed parameter takes effect from the branch day, and not before: with
// return-home interviews switched off (coverage 0) none is filed from then on,
// so after the interviews already filed have been held (delays are exponential,
// mean 3 days: after 60 days the chance one is still due is e^-20) none is done.
// With the same continuation and no change, interviews go on.
TEST(Branch, AChangedParameterTakesEffectFromItsDay) {
  const std::vector<std::pair<std::string, ParamValue>> off = {{"exploitation.rhi.coverage", 0.0}};
  const Outcome same = run(base(), Branch{kBranchDay, 2, {}});
  const Outcome changed = run(base(), Branch{kBranchDay, 2, off});
  size_t rhi = 0;
  const auto info = [] {
    std::vector<MetricInfo> m;
    Scenario sc = base();
    sc.set("run.days", int64_t{1}, {});
    run_replicate(sc, models::make_modules, 0, RunOptions{}, &m);
    return m;
  }();
  while (info[rhi].name != "rhi_done") ++rhi;
  for (int32_t d = 0; d < kBranchDay; ++d)
    ASSERT_EQ(same.series[rhi][static_cast<size_t>(d)], changed.series[rhi][static_cast<size_t>(d)]) << d;
  double after_same = 0, after_changed = 0;
  for (int32_t d = kBranchDay + 60; d < kDays; ++d) {
    after_same += same.series[rhi][static_cast<size_t>(d)];
    after_changed += changed.series[rhi][static_cast<size_t>(d)];
  }
  EXPECT_GT(after_same, 50);
  EXPECT_EQ(after_changed, 0);
}
