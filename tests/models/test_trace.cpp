// Tracing (World::trace): every traced decision kind is recorded in a whole
// system, records come day by day with finite numbers, and tracing changes
// nothing in the run — a traced run's metric series are the untraced run's, bit
// for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "tests/models/model_fixture.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {

// Two years of a small whole system, with conferences deferred for police
// investigations so that the enquiry's third outcome can occur.
Scenario traced_scenario() {
  return scenario(with(whole_system(20000, 730), {{"child_protection.defer_conference_for_investigation", true}}));
}

std::vector<std::vector<double>> all_series(World& w) {
  std::vector<std::vector<double>> out;
  for (size_t i = 0; i < w.metrics.size(); ++i) out.push_back(w.metrics.series(i));
  return out;
}

}  // namespace

TEST(Trace, EveryTracedKindIsRecordedInDayOrderWithFiniteValuesAndChangesNothing) {
  // The traced run: tracing switched on after the constructor, so the first
  // day's stock (initialise) is not traced, only what happens from day 0.
  Simulation traced(traced_scenario(), models::make_modules, 0, RunOptions{});
  World& w = traced.world();
  ASSERT_TRUE(w.trace_log.empty());
  w.trace_everyone = true;
  while (!traced.done()) traced.step();

  const std::set<std::string> expected = {
      // front door (already traced)
      "screening_decision", "assessment_decision",
      // child protection
      "strategy_decision", "enquiry_decision", "conference_decision", "plan_review_decision",
      // care
      "care_decision", "care_application", "adolescent_crisis_decision", "care_review_decision", "placement_match",
      "placement_notice_reason", "care_ended",
      // agencies
      "agency_saw", "agency_contact_decision", "agency_share",
      // casework and workforce
      "cin_review_decision", "early_help_decision", "worker_allocation"};
  const auto& kinds = w.event_types.kinds();
  std::set<std::string> traced_kinds;  // every kind documented as traced
  for (const auto& k : kinds)
    if (k.meaning.rfind("traced:", 0) == 0) traced_kinds.insert(k.name);
  for (const auto& name : expected) EXPECT_TRUE(traced_kinds.count(name)) << name << " is not a traced kind";

  std::set<std::string> seen;
  int32_t last_day = 0;
  for (const World::TraceRecord& r : w.trace_log) {
    ASSERT_LT(r.kind, kinds.size());
    seen.insert(kinds[r.kind].name);
    EXPECT_TRUE(traced_kinds.count(kinds[r.kind].name)) << kinds[r.kind].name << " recorded but not documented as traced";
    ASSERT_GE(r.day, last_day) << kinds[r.kind].name;
    last_day = r.day;
    ASSERT_LT(r.agency, w.event_types.agencies().size());
    ASSERT_TRUE(std::isfinite(r.estimate)) << kinds[r.kind].name;
    ASSERT_TRUE(std::isfinite(r.threshold)) << kinds[r.kind].name;
    ASSERT_TRUE(std::isfinite(r.workload)) << kinds[r.kind].name;
  }
  for (const auto& name : expected) EXPECT_TRUE(seen.count(name)) << name << " never recorded";

  // The same run untraced: identical in every metric, every day.
  Simulation plain(traced_scenario(), models::make_modules, 0, RunOptions{});
  while (!plain.done()) plain.step();
  EXPECT_TRUE(plain.world().trace_log.empty());
  const auto a = all_series(w), b = all_series(plain.world());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << w.metrics.info()[i].name;
}

// Tracing from before initialise (RunOptions::trace_everyone, as sgsim trace
// sets it) also traces the first day's stock — its placements and allocations —
// and still changes nothing.
TEST(Trace, TracingFromInitialiseChangesNothing) {
  RunOptions traced_options;
  traced_options.trace_everyone = true;
  Simulation traced(traced_scenario(), models::make_modules, 1, traced_options);
  EXPECT_FALSE(traced.world().trace_log.empty());  // the initial stock's placements
  while (!traced.done()) traced.step();
  Simulation plain(traced_scenario(), models::make_modules, 1, RunOptions{});
  while (!plain.done()) plain.step();
  const auto a = all_series(traced.world()), b = all_series(plain.world());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << traced.world().metrics.info()[i].name;
}

// A few traced children among untraced ones: only their records are kept.
TEST(Trace, OnlyTracedChildrenAreRecorded) {
  Simulation sim(traced_scenario(), models::make_modules, 0, RunOptions{});
  World& w = sim.world();
  w.traced_children = {5, 17, 123};
  for (int d = 0; d < 365 && !sim.done(); ++d) sim.step();
  for (const World::TraceRecord& r : w.trace_log) EXPECT_TRUE(r.child == 5 || r.child == 17 || r.child == 123);
}
