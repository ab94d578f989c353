// Checkpoints (sim/run/runner.hpp Simulation::save/load): a run stopped at a
// day, written out, read back into a freshly built Simulation and carried on
// must be the uninterrupted run, bit for bit — its series, its event log and its
// whole state at the end (every table column and every module's private state,
// compared as the bytes a checkpoint would write). Split days fall in the
// burn-in and after it, so state made before and after start_date is covered.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/models/model_fixture.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {

constexpr int64_t kDays = 420, kBurnIn = 200;

Scenario base() {
  return scenario(with(whole_system(20000, kDays), {{"run.burn_in_days", kBurnIn}}));
}

RunOptions options() {
  RunOptions o;
  o.keep_event_log = true;
  o.trace_everyone = true;  // the trace log is state too
  return o;
}

std::string state_of(const Simulation& sim) {
  std::ostringstream out;
  {
    StateOut ar(out);
    sim.save(ar);
  }
  return out.str();
}

struct Finished {
  ReplicateResult result;
  std::string state;  // the whole state after the last day
};

Finished uninterrupted(const Scenario& sc) {
  Simulation sim(sc, models::make_modules, 1, options());
  while (!sim.done()) sim.step();
  std::string state = state_of(sim);
  return {sim.finish(), std::move(state)};
}

// Stops replicate `from` after `split` days, writes the state, and carries on
// replicate 1 from it in a new Simulation (from = 1: the same run resumed).
Finished resumed(const Scenario& sc, int32_t split, uint32_t from = 1) {
  std::string saved;
  {
    Simulation first(sc, models::make_modules, from, options());
    while (first.day() < split) first.step();
    saved = state_of(first);
  }
  Simulation second(sc, models::make_modules, 1, options());
  std::istringstream in(saved);
  StateIn ar(in);
  second.load(ar);
  EXPECT_EQ(second.day(), split);
  while (!second.done()) second.step();
  std::string state = state_of(second);
  return {second.finish(), std::move(state)};
}

void expect_same(const Finished& a, const Finished& b) {
  ASSERT_EQ(a.result.series.size(), b.result.series.size());
  for (size_t m = 0; m < a.result.series.size(); ++m) EXPECT_EQ(a.result.series[m], b.result.series[m]) << "metric " << m;
  ASSERT_EQ(a.result.events.size(), b.result.events.size());
  for (size_t i = 0; i < a.result.events.size(); ++i) {
    const Event &x = a.result.events[i], &y = b.result.events[i];
    ASSERT_TRUE(x.day == y.day && x.child == y.child && x.kind == y.kind && x.agency == y.agency &&
                x.detail == y.detail)
        << "event " << i;
  }
  EXPECT_EQ(a.result.child_days, b.result.child_days);
  EXPECT_TRUE(a.state == b.state) << "the final state differs (" << a.state.size() << " and " << b.state.size()
                                  << " bytes)";
}

}  // namespace

TEST(Checkpoint, SplitInTheBurnInIsTheUninterruptedRun) {
  const Scenario sc = base();
  expect_same(uninterrupted(sc), resumed(sc, 90));
}

TEST(Checkpoint, SplitAfterStartDateIsTheUninterruptedRun) {
  const Scenario sc = base();
  const Finished whole = uninterrupted(sc);
  EXPECT_GT(whole.result.events.size(), 10000u) << "enough happens for the comparison to mean something";
  expect_same(whole, resumed(sc, static_cast<int32_t>(kBurnIn + 150)));
}

// The comparison can fail: carrying on from another replicate's state gives
// another history, even though every draw after the split is the run's own.
TEST(Checkpoint, CarryingOnFromAnotherStateIsAnotherRun) {
  const Scenario sc = base();
  const Finished whole = uninterrupted(sc), fresh = resumed(sc, 250, 2);
  EXPECT_NE(whole.result.events.size(), fresh.result.events.size());
  EXPECT_FALSE(whole.state == fresh.state);
}

// A state cut short is refused with an error, never loaded in part silently.
TEST(Checkpoint, AStateCutShortIsRefused) {
  const Scenario sc = base();
  Simulation sim(sc, models::make_modules, 1, options());
  for (int i = 0; i < 30; ++i) sim.step();
  const std::string bytes = state_of(sim);
  for (size_t keep : {bytes.size() / 3, bytes.size() - 9}) {
    Simulation other(sc, models::make_modules, 1, options());
    std::istringstream in(bytes.substr(0, keep));
    StateIn ar(in);
    EXPECT_ANY_THROW(other.load(ar)) << "kept " << keep << " of " << bytes.size() << " bytes";
  }
}
