// Population: counts match the configured rates within stated tolerances, stocks
// are conserved exactly, and a zero rate means no such event.
#include <gtest/gtest.h>

#include <cmath>

#include "models/population/population.hpp"
#include "tests/models/model_fixture.hpp"

using namespace sgsim;
using namespace sgsim::testing;
using models::Population;

TEST(Population, StartsAtTheScaledSizeWithUniformAges) {
  const Scenario sc = scenario({{"population.children", int64_t{40000}}, {"run.days", int64_t{1}}});
  RunOptions opt;
  opt.scale = 0.5;
  Simulation sim(sc, models::make_modules, 0, opt);
  World& w = sim.world();
  ASSERT_EQ(w.children.active_count(), 20000u);
  // Ages uniform on [0, 18): mean 9 years, sd 18/sqrt(12); 5 standard errors.
  const auto& pop = sim.module<Population>();
  double sum = 0;
  for (AgentId c = 0; c < w.children.rows(); ++c)
    sum += -static_cast<double>(w.children[pop.columns().birth_day][c]) / 365.25;
  EXPECT_NEAR(sum / 20000, 9.0, 5 * (18 / std::sqrt(12.0)) / std::sqrt(20000.0));
  // Every child is in a household that lists it.
  for (AgentId c = 0; c < w.children.rows(); ++c) {
    const AgentId hh = w.children[pop.columns().household][c];
    bool found = false;
    for (AgentId k = w.households[pop.columns().first_child][hh]; k != UINT32_MAX;
         k = w.children[pop.columns().next_sibling][k])
      found |= k == c;
    ASSERT_TRUE(found) << c;
  }
}

// Stocks change only through the flows: population(d) = population(d-1) + births
// + moved_in - turned_18 - moved_out, exactly, every day.
TEST(Population, StockEqualsStartPlusInflowsMinusOutflows) {
  const Scenario sc = scenario({{"population.children", int64_t{30000}}, {"run.days", int64_t{730}}});
  Simulation sim(sc, models::make_modules, 1, RunOptions{});
  World& w = sim.world();
  double previous = static_cast<double>(w.children.active_count());
  while (!sim.done()) sim.step();
  const auto idx = [&](const char* n) { return w.metrics.series(metric_index(w, n)); };
  const auto pop = idx("population"), births = idx("births"), in = idx("moved_in"), out = idx("moved_out"),
             adult = idx("turned_18");
  for (size_t d = 0; d < pop.size(); ++d) {
    ASSERT_EQ(pop[d], previous + births[d] + in[d] - out[d] - adult[d]) << "day " << d;
    previous = pop[d];
  }
  EXPECT_GT(total(births), 0);
  EXPECT_GT(total(in), 0);
  EXPECT_GT(total(out), 0);
}

// Births are Poisson with mean rate × population / 365.25 per day; over a year the
// total is within 5 sd (sqrt of the expected count) of the expectation computed
// from the simulated population itself.
TEST(Population, BirthsAndArrivalsMatchTheirRates) {
  // High rates give ~48,000 births and ~20,000 arriving households in a year, so
  // 5 sd is about 2.3% of births: a rate wrong by a few per cent is caught.
  const Scenario sc = scenario({{"population.children", int64_t{200000}},
                                {"run.days", int64_t{365}},
                                {"population.births_per_10k", 2000.0},
                                {"population.in_migration_per_10k", 2000.0}});
  Simulation sim(sc, models::make_modules, 0, RunOptions{});
  World& w = sim.world();
  const auto& p = sim.module<Population>().params();
  double expected_births = 0, expected_in_households = 0;
  double mean_hh = 0, wsum = 0;
  for (size_t i = 0; i < p.household_children.size(); ++i)
    mean_hh += p.household_children[i] * static_cast<double>(i + 1), wsum += p.household_children[i];
  mean_hh /= wsum;
  while (!sim.done()) {
    const auto kids = static_cast<double>(w.children.active_count());
    expected_births += p.births_per_10k / 1e4 * kids / 365.25;
    expected_in_households += p.in_migration_per_10k / 1e4 * kids / 365.25 / mean_hh;
    sim.step();
  }
  const double births = total(w.metrics.series(metric_index(w, "births")));
  ASSERT_GT(expected_births, 45000);
  EXPECT_NEAR(births, expected_births, 5 * std::sqrt(expected_births));
  // Children moving in: households are Poisson, children per household has mean
  // mean_hh and variance v, so the count has variance E[N]·(v + mean_hh²).
  const double moved_in = total(w.metrics.series(metric_index(w, "moved_in")));
  double second = 0;
  for (size_t i = 0; i < p.household_children.size(); ++i)
    second += p.household_children[i] / wsum * static_cast<double>((i + 1) * (i + 1));
  EXPECT_NEAR(moved_in, expected_in_households * mean_hh, 5 * std::sqrt(expected_in_households * second));
}

// With uniform ages, a year sees 1/18 of the children turn 18 (binomial, 5 sd).
TEST(Population, OneEighteenthTurn18EachYear) {
  const Scenario sc = scenario(closed_population(100000, 365));
  Simulation sim(sc, models::make_modules, 0, RunOptions{});
  while (!sim.done()) sim.step();
  World& w = sim.world();
  const double n = 100000, p = 365.0 / (18 * 365.25);
  EXPECT_NEAR(total(w.metrics.series(metric_index(w, "turned_18"))), n * p, 5 * std::sqrt(n * p * (1 - p)));
}

// Zero rates: no births, no one moves in or out.
TEST(Population, ZeroRatesGiveNoEvents) {
  const Scenario sc = scenario(closed_population(20000, 400));
  Simulation sim(sc, models::make_modules, 0, RunOptions{});
  while (!sim.done()) sim.step();
  World& w = sim.world();
  EXPECT_EQ(total(w.metrics.series(metric_index(w, "births"))), 0);
  EXPECT_EQ(total(w.metrics.series(metric_index(w, "moved_in"))), 0);
  EXPECT_EQ(total(w.metrics.series(metric_index(w, "moved_out"))), 0);
  EXPECT_GT(total(w.metrics.series(metric_index(w, "turned_18"))), 0);
}

TEST(Population, AgeIsInWholeCalendarYears) {
  Calendar cal(make_date(2024, 4, 1), 10, HolidayRule::none);
  World w(cal, RandomStreams(1, 0), 1.0, false);
  const int32_t born = cal.day_of(make_date(2008, 2, 29));
  EXPECT_EQ(Population::age_years(w, born, cal.day_of(make_date(2026, 2, 28))), 17);
  EXPECT_EQ(Population::age_years(w, born, cal.day_of(make_date(2026, 3, 1))), 18);
  EXPECT_EQ(cal.anniversary(born, 18), cal.day_of(make_date(2026, 3, 1)));
}
