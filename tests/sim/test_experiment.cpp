// Experiments (sim/experiment/sweep.hpp, headlines.hpp; docs/statistics.md): sweep
// axes and grids, comparisons run with common random numbers, and the promises the
// engine makes about them — a scenario compared with itself differs by exactly
// nothing, a sweep point is the same run as the scenario set by hand, results do
// not depend on the thread count, and a real effect is told apart from chance.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cstring>
#include <string>
#include <variant>
#include <vector>

#include "models/model.hpp"
#include "sim/experiment/headlines.hpp"
#include "sim/experiment/statistics.hpp"
#include "sim/experiment/sweep.hpp"
#include "sim/run/runner.hpp"

using namespace sgsim;

namespace {

const std::string kMetropolitan = std::string(SGSIM_SOURCE_DIR) + "/scenarios/local/metropolitan.yaml";

// The metropolitan baseline cut to a short run: no burn-in (england.yaml asks for
// three years) so that each replicate takes a fraction of a second at small scale.
Scenario short_metropolitan(const ParamRegistry& registry, int days = 200, int replicates = 3) {
  Scenario sc = load_scenario(kMetropolitan, registry);
  apply_override(sc, "run.days=" + std::to_string(days), registry);
  apply_override(sc, "run.replicates=" + std::to_string(replicates), registry);
  apply_override(sc, "run.measure_days=100", registry);
  apply_override(sc, "run.burn_in_days=0", registry);
  return sc;
}

RunOptions at_scale(double scale) {
  RunOptions opt;
  opt.scale = scale;
  return opt;
}

double real_value(const Scenario& sc, const ParamRegistry& registry, const std::string& path) {
  const ParamValue v = sc.value(registry, path);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  ADD_FAILURE() << path << " is not numeric";
  return 0;
}

// Every series of every replicate is the same bit for bit.
void expect_bit_identical(const ScenarioResult& a, const ScenarioResult& b) {
  ASSERT_EQ(a.metrics.size(), b.metrics.size()) << a.name << " / " << b.name;
  for (size_t m = 0; m < a.metrics.size(); ++m) ASSERT_EQ(a.metrics[m].name, b.metrics[m].name);
  ASSERT_EQ(a.replicates.size(), b.replicates.size());
  ASSERT_FALSE(a.replicates.empty());
  for (size_t r = 0; r < a.replicates.size(); ++r) {
    const auto& sa = a.replicates[r].series;
    const auto& sb = b.replicates[r].series;
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t m = 0; m < sa.size(); ++m) {
      ASSERT_EQ(sa[m].size(), sb[m].size()) << a.metrics[m].name;
      ASSERT_FALSE(sa[m].empty());
      EXPECT_EQ(0, std::memcmp(sa[m].data(), sb[m].data(), sa[m].size() * sizeof(double)))
          << "replicate " << r << ", metric " << a.metrics[m].name;
    }
  }
}

bool any_series_differs(const ScenarioResult& a, const ScenarioResult& b) {
  for (size_t r = 0; r < a.replicates.size(); ++r)
    for (size_t m = 0; m < a.replicates[r].series.size(); ++m)
      if (a.replicates[r].series[m] != b.replicates[r].series[m]) return true;
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------
// Sweep axes

TEST(Experiment, SweepRangeIncludesBothEnds) {
  auto model = bind_model(models::make_modules);
  SweepAxis axis;
  ASSERT_TRUE(parse_sweep_axis("front_door.thresholds.referral=2:3:0.5", model->registry, &axis));
  EXPECT_EQ(axis.path, "front_door.thresholds.referral");
  EXPECT_EQ(axis.values, (std::vector<double>{2.0, 2.5, 3.0}));

  // Tenths reach TO despite rounding, and each value is the decimal one would type.
  ASSERT_TRUE(parse_sweep_axis("front_door.history_weight=0:1:0.1", model->registry, &axis));
  ASSERT_EQ(axis.values.size(), 11u);
  EXPECT_EQ(axis.values[3], 0.3);
  EXPECT_EQ(axis.values[7], 0.7);
  EXPECT_EQ(axis.values.back(), 1.0);

  // A step that does not land on TO stops below it.
  ASSERT_TRUE(parse_sweep_axis("front_door.thresholds.referral=2:3:0.4", model->registry, &axis));
  EXPECT_EQ(axis.values, (std::vector<double>{2.0, 2.4, 2.8}));

  // FROM == TO is one value.
  ASSERT_TRUE(parse_sweep_axis("front_door.thresholds.referral=2:2:1", model->registry, &axis));
  EXPECT_EQ(axis.values, (std::vector<double>{2.0}));
}

TEST(Experiment, SweepListAndFixedSetting) {
  auto model = bind_model(models::make_modules);
  SweepAxis axis;
  ASSERT_TRUE(parse_sweep_axis("family_risk.harm.base_rate=1,2,4", model->registry, &axis));
  EXPECT_EQ(axis.path, "family_risk.harm.base_rate");
  EXPECT_EQ(axis.values, (std::vector<double>{1.0, 2.0, 4.0}));
  // A list keeps the order given.
  ASSERT_TRUE(parse_sweep_axis("front_door.thresholds.referral=3,2.25", model->registry, &axis));
  EXPECT_EQ(axis.values, (std::vector<double>{3.0, 2.25}));
  // An integer parameter can be swept too.
  ASSERT_TRUE(parse_sweep_axis("front_door.assessment.statutory_limit=40:50:5", model->registry, &axis));
  EXPECT_EQ(axis.values, (std::vector<double>{40, 45, 50}));

  // A single value is a fixed setting, left to apply_override.
  EXPECT_FALSE(parse_sweep_axis("front_door.thresholds.referral=5", model->registry, &axis));
  EXPECT_FALSE(parse_sweep_axis("run.holidays=none", model->registry, &axis));
}

TEST(Experiment, SweepAxisErrors) {
  auto model = bind_model(models::make_modules);
  const ParamRegistry& reg = model->registry;
  SweepAxis axis;
  // Unknown parameters, in either form.
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.refferal=2:3:0.5", reg, &axis), ScenarioError);
  EXPECT_THROW(parse_sweep_axis("no_such_module.x=1,2", reg, &axis), ScenarioError);
  // Parameters that are not numbers are fixed settings, as in `run` (a list such as
  // [0.4, 0.4, 0.16, 0.04] has commas too), and their values are checked when applied.
  for (const char* fixed : {"run.holidays=1,2", "front_door.mash=0:1:1", "run.start_date=1,2",
                            "population.household_children=[0.4,0.4,0.16,0.04]"}) {
    EXPECT_FALSE(parse_sweep_axis(fixed, reg, &axis)) << fixed;
  }
  Scenario probe;
  EXPECT_THROW(apply_override(probe, "run.holidays=1,2", reg), ScenarioError);
  EXPECT_NO_THROW(apply_override(probe, "population.household_children=[0.4,0.4,0.16,0.04]", reg));
  // Run settings are shared by every point: a sweep cannot vary them.
  EXPECT_THROW(parse_sweep_axis("run.days=100:200:50", reg, &axis), ScenarioError);
  EXPECT_THROW(parse_sweep_axis("run.seed=1,2", reg, &axis), ScenarioError);
  // A range whose count overflows is refused, not cast.
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=0:1e300:1e-300", reg, &axis), ScenarioError);
  // Bad ranges.
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=3:2:0.5", reg, &axis), ScenarioError);
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=2:3:0", reg, &axis), ScenarioError);
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=2:3:-0.5", reg, &axis), ScenarioError);
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=2:3", reg, &axis), ScenarioError);
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=2:3:0.5:1", reg, &axis), ScenarioError);
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=2:x:0.5", reg, &axis), ScenarioError);
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=2,,3", reg, &axis), ScenarioError);
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=2,abc", reg, &axis), ScenarioError);
  // More points than anyone means.
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral=0:100:0.001", reg, &axis), ScenarioError);
  // No '=' at all.
  EXPECT_THROW(parse_sweep_axis("front_door.thresholds.referral", reg, &axis), ScenarioError);
}

TEST(Experiment, SweepValuesOutOfRangeAreRejectedBeforeAnythingRuns) {
  auto model = bind_model(models::make_modules);
  const ParamRegistry& reg = model->registry;
  Scenario base = short_metropolitan(reg);
  // front_door.thresholds.referral is 0 - 100; history_weight 0 - 1; an integer takes no fractions.
  for (const std::string set : {"front_door.thresholds.referral=90:110:10", "front_door.history_weight=0.5,1.5",
                                "front_door.assessment.statutory_limit=40:41:0.5"}) {
    EXPECT_THROW(
        {
          SweepAxis axis;
          if (parse_sweep_axis(set, reg, &axis)) expand_sweep(base, {axis}, reg);
        },
        ScenarioError)
        << set;
  }
}

TEST(Experiment, ExpandSweepIsTheProductWithTheLastAxisFastest) {
  auto model = bind_model(models::make_modules);
  const ParamRegistry& reg = model->registry;
  const Scenario base = short_metropolitan(reg);
  ASSERT_EQ(base.name, "metropolitan");
  SweepAxis a, b;
  ASSERT_TRUE(parse_sweep_axis("front_door.thresholds.referral=2:3:0.5", reg, &a));
  ASSERT_TRUE(parse_sweep_axis("front_door.history_weight=0.25,0.75", reg, &b));
  const std::vector<SweepPoint> points = expand_sweep(base, {a, b}, reg);
  ASSERT_EQ(points.size(), 6u);
  const std::vector<std::vector<double>> expected = {{2.0, 0.25}, {2.0, 0.75}, {2.5, 0.25},
                                                     {2.5, 0.75}, {3.0, 0.25}, {3.0, 0.75}};
  for (size_t k = 0; k < points.size(); ++k) {
    const SweepPoint& p = points[k];
    EXPECT_EQ(p.scenario.name, "metropolitan-00" + std::to_string(k));
    EXPECT_EQ(p.values, expected[k]) << k;
    EXPECT_EQ(real_value(p.scenario, reg, a.path), expected[k][0]) << k;
    EXPECT_EQ(real_value(p.scenario, reg, b.path), expected[k][1]) << k;
    // Everything else is the base scenario's.
    EXPECT_EQ(real_value(p.scenario, reg, "run.days"), 200.0);
    EXPECT_EQ(real_value(p.scenario, reg, "population.children"), real_value(base, reg, "population.children"));
  }
  // The base itself is untouched.
  EXPECT_EQ(real_value(base, reg, a.path), 2.725);

  // No axes: the base scenario once.
  const auto single = expand_sweep(base, {}, reg);
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].scenario.name, "metropolitan-000");
  EXPECT_TRUE(single[0].values.empty());

  EXPECT_EQ(sweep_value_text(3.0), "3");
  EXPECT_EQ(sweep_value_text(2.5), "2.5");
  // Passed on exactly (the shortest text that reads back as the same double), so the
  // scenario runs with the value the run file records; ranges round their steps instead.
  EXPECT_EQ(sweep_value_text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(std::stod(sweep_value_text(0.1234567890123456)), 0.1234567890123456);
  EXPECT_EQ(sweep_value_text(-4.0), "-4");
}

// ---------------------------------------------------------------------------
// Runs

// Common random numbers at their limit: a scenario compared with itself differs by
// exactly nothing in every replicate, so every difference and interval is 0.
TEST(Experiment, ScenarioComparedWithItselfDiffersByExactlyNothing) {
  auto model = bind_model(models::make_modules);
  const Scenario sc = short_metropolitan(model->registry);
  const auto results = run_scenarios({sc, sc}, models::make_modules, at_scale(0.05));
  ASSERT_EQ(results.size(), 2u);
  ASSERT_EQ(results[0].replicates.size(), 3u);
  expect_bit_identical(results[0], results[1]);

  const auto comparisons = compare_headlines(results);
  ASSERT_GE(comparisons.size(), 5u);
  bool some_nonzero_level = false;
  for (const auto& c : comparisons) {
    SCOPED_TRACE(c.headline.name);
    ASSERT_EQ(c.level.size(), 2u);
    ASSERT_EQ(c.difference.size(), 2u);
    ASSERT_EQ(c.replicates_needed.size(), 2u);
    for (size_t s = 0; s < 2; ++s) {
      const SampleSummary& d = c.difference[s];
      EXPECT_EQ(d.n, 3u);
      EXPECT_EQ(d.mean, 0.0);
      EXPECT_EQ(d.sd, 0.0);
      EXPECT_EQ(d.ci_low, 0.0);
      EXPECT_EQ(d.ci_high, 0.0);
      EXPECT_EQ(c.replicates_needed[s], 0u);  // nothing to resolve
    }
    EXPECT_EQ(c.level[1].mean, c.level[0].mean);
    EXPECT_EQ(c.level[1].sd, c.level[0].sd);
    some_nonzero_level |= c.level[0].mean != 0.0;
  }
  EXPECT_TRUE(some_nonzero_level);
  // The headlines are read from the run, in the documented order, harm first.
  EXPECT_EQ(comparisons.front().headline.name, "harm_true");
}

// A sweep point is the scenario with that value set, nothing more: running it inside
// the sweep gives the same numbers as running it alone (the point's name and its
// neighbours do not enter its random streams).
TEST(Experiment, SweepPointEqualsTheSameScenarioRunAlone) {
  auto model = bind_model(models::make_modules);
  const ParamRegistry& reg = model->registry;
  const Scenario base = short_metropolitan(reg, 200, 2);
  SweepAxis axis;
  ASSERT_TRUE(parse_sweep_axis("front_door.thresholds.referral=1.5,2.75", reg, &axis));
  const auto points = expand_sweep(base, {axis}, reg);
  ASSERT_EQ(points.size(), 2u);
  std::vector<Scenario> scenarios;
  for (const auto& p : points) scenarios.push_back(p.scenario);
  const auto swept = run_scenarios(scenarios, models::make_modules, at_scale(0.05));
  ASSERT_EQ(swept.size(), 2u);
  // The axis matters: the two points are different runs.
  EXPECT_TRUE(any_series_differs(swept[0], swept[1]));

  Scenario alone = base;
  apply_override(alone, "front_door.thresholds.referral=2.75", reg);
  const ScenarioResult single = run_scenario(alone, models::make_modules, at_scale(0.05));
  EXPECT_EQ(single.name, "metropolitan");
  EXPECT_EQ(swept[1].name, "metropolitan-001");
  expect_bit_identical(swept[1], single);
}

// Every (scenario, replicate) is one task on the pool; the results are the same
// whichever thread runs which task.
TEST(Experiment, RunScenariosDoesNotDependOnTheThreadCount) {
  auto model = bind_model(models::make_modules);
  const ParamRegistry& reg = model->registry;
  const Scenario a = short_metropolitan(reg, 300, 3);
  Scenario b = a;
  b.name = "higher_threshold";
  apply_override(b, "front_door.thresholds.referral=3", reg);
  // More harm, more contacts: the parallel child phase has more chunks to merge.
  apply_override(b, "family_risk.harm.base_rate=0.5", reg);
  apply_override(b, "run.replicates=2", reg);  // unequal replicate counts share the pool too

  auto run_with = [&](size_t threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    return run_scenarios({a, b}, models::make_modules, at_scale(0.1));
  };
  const auto one = run_with(1);
  const auto two = run_with(2);
  ASSERT_EQ(one.size(), 2u);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(one[0].replicates.size(), 3u);
  EXPECT_EQ(one[1].replicates.size(), 2u);
  expect_bit_identical(one[0], two[0]);
  expect_bit_identical(one[1], two[1]);
  EXPECT_TRUE(any_series_differs(one[0], one[1]));
}

// A large real effect is found: four times the harm rate gives more true harm, and
// the paired interval lies wholly above zero.
TEST(Experiment, CompareHeadlinesFindsAClearEffect) {
  auto model = bind_model(models::make_modules);
  const ParamRegistry& reg = model->registry;
  const Scenario base = short_metropolitan(reg, 200, 3);
  Scenario worse = base;
  worse.name = "more_harm";
  apply_override(worse, "family_risk.harm.base_rate=0.6", reg);  // default 0.15, range 0 - 10
  const auto results = run_scenarios({base, worse}, models::make_modules, at_scale(0.03));
  const auto comparisons = compare_headlines(results);
  const HeadlineComparison* harm = nullptr;
  for (const auto& c : comparisons)
    if (c.headline.name == "harm_true") harm = &c;
  ASSERT_NE(harm, nullptr);
  const SampleSummary& d = harm->difference[1];
  EXPECT_EQ(d.n, 3u);
  EXPECT_GT(d.mean, 0.0);
  EXPECT_GT(d.ci_low, 0.0) << "interval [" << d.ci_low << ", " << d.ci_high << "]";
  EXPECT_GT(d.ci_high, d.ci_low);
  // The difference of the means is the mean of the differences.
  EXPECT_NEAR(d.mean, harm->level[1].mean - harm->level[0].mean, 1e-9 * harm->level[1].mean);
  EXPECT_GT(harm->level[1].mean, 2.0 * harm->level[0].mean);
  // The baseline's own difference is zero.
  EXPECT_EQ(harm->difference[0].mean, 0.0);
  EXPECT_EQ(harm->difference[0].ci_low, 0.0);
  EXPECT_EQ(harm->difference[0].ci_high, 0.0);
  // The headline values are the per-replicate window summaries, per year.
  const Eigen::VectorXd v = headline_values(results[1], harm->headline);
  ASSERT_EQ(v.size(), 3);
  EXPECT_DOUBLE_EQ(v.mean(), harm->level[1].mean);
}
