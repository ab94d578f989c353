// Replicate statistics (sim/experiment/statistics.hpp, docs/statistics.md): the t
// quantile against printed tables, a summary worked by hand, the paired difference,
// the actual coverage of the 95% paired interval under repeated sampling, and the
// replicate-count advice.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "sim/experiment/statistics.hpp"

using namespace sgsim;

TEST(Statistics, TQuantileMatchesTables) {
  // Two-sided 95% critical values from any printed t table.
  EXPECT_NEAR(t_quantile(0.975, 1), 12.7062, 1e-4);
  EXPECT_NEAR(t_quantile(0.975, 2), 4.3027, 1e-4);
  EXPECT_NEAR(t_quantile(0.975, 4), 2.7764, 1e-4);
  EXPECT_NEAR(t_quantile(0.975, 7), 2.3646, 1e-4);
  EXPECT_NEAR(t_quantile(0.975, 9), 2.2622, 1e-4);
  EXPECT_NEAR(t_quantile(0.975, 30), 2.0423, 1e-4);
  // With (practically) infinite degrees of freedom it is the normal quantile.
  EXPECT_NEAR(t_quantile(0.975, 1e9), 1.95996, 1e-4);
  // Symmetric about zero.
  EXPECT_NEAR(t_quantile(0.025, 4), -2.7764, 1e-4);
  EXPECT_DOUBLE_EQ(t_quantile(0.5, 4), 0.0);
}

TEST(Statistics, SummariseSampleByHand) {
  // x = 2 4 4 4 5 5 7 9: mean 5, squared deviations sum to 32, so the sample sd is
  // sqrt(32 / 7) = 2.138090; half-width t(0.975, 7) · sd / √8 = 2.364624 · 0.755929 = 1.787488.
  Eigen::VectorXd x(8);
  x << 2, 4, 4, 4, 5, 5, 7, 9;
  const SampleSummary s = summarise_sample(x);
  EXPECT_EQ(s.n, 8u);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_NEAR(s.sd, std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_NEAR(s.sd, 2.138090, 1e-6);
  EXPECT_NEAR(s.ci_low, 5.0 - 1.787488, 1e-4);
  EXPECT_NEAR(s.ci_high, 5.0 + 1.787488, 1e-4);
  EXPECT_NEAR(s.half_width(), 1.787488, 1e-4);

  // A different level: 90%, t(0.95, 7) = 1.8946.
  const SampleSummary s90 = summarise_sample(x, 0.90);
  EXPECT_NEAR(s90.half_width(), 1.8946 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0), 1e-4);

  // One value: no spread and no interval (both ends at the mean); none: all zero.
  Eigen::VectorXd one(1);
  one << 3.5;
  const SampleSummary s1 = summarise_sample(one);
  EXPECT_EQ(s1.n, 1u);
  EXPECT_EQ(s1.mean, 3.5);
  EXPECT_EQ(s1.sd, 0.0);
  EXPECT_EQ(s1.ci_low, 3.5);
  EXPECT_EQ(s1.ci_high, 3.5);
  const SampleSummary s0 = summarise_sample(Eigen::VectorXd(0));
  EXPECT_EQ(s0.n, 0u);
  EXPECT_EQ(s0.mean, 0.0);
}

TEST(Statistics, PairedDifferenceOfASampleWithItselfIsExactlyZero) {
  Eigen::VectorXd x(5);
  x << 1234.5, 0.1, -7.25, 1e6, 3.0 / 7.0;
  const SampleSummary d = paired_difference(x, x);
  EXPECT_EQ(d.n, 5u);
  EXPECT_EQ(d.mean, 0.0);
  EXPECT_EQ(d.sd, 0.0);
  EXPECT_EQ(d.ci_low, 0.0);
  EXPECT_EQ(d.ci_high, 0.0);
}

TEST(Statistics, PairedDifferenceIsYMinusX) {
  Eigen::VectorXd x(3), y(3);
  x << 10, 20, 30;
  y << 11, 23, 32;  // differences 1 3 2: mean 2, sd 1
  const SampleSummary d = paired_difference(x, y);
  EXPECT_DOUBLE_EQ(d.mean, 2.0);
  EXPECT_DOUBLE_EQ(d.sd, 1.0);
  EXPECT_NEAR(d.half_width(), 4.3027 / std::sqrt(3.0), 1e-4);
  EXPECT_THROW(paired_difference(x, Eigen::VectorXd(2)), std::invalid_argument);
}

namespace {
// The share of `experiments` simulated comparisons of `n` paired replicates whose 95%
// paired interval contains the true difference. x_i ~ N(10, 2); y_i = x_i + N(0.7, 1),
// so the differences are exactly normal and the t interval is exact.
double paired_coverage(int n, int experiments, uint64_t seed) {
  constexpr double kTrue = 0.7;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> base(10.0, 2.0), effect(kTrue, 1.0);
  int covered = 0;
  Eigen::VectorXd x(n), y(n);
  for (int e = 0; e < experiments; ++e) {
    for (int i = 0; i < n; ++i) {
      x[i] = base(rng);
      y[i] = x[i] + effect(rng);
    }
    const SampleSummary d = paired_difference(x, y);
    if (d.ci_low <= kTrue && kTrue <= d.ci_high) ++covered;
  }
  return static_cast<double>(covered) / experiments;
}

// The count of covering intervals is binomial(N, 0.95) when the interval is exact, so
// the observed coverage has standard deviation σ/√N with σ = sqrt(0.95 · 0.05). We
// allow k = 4 of those either side (k·σ/√N ≈ 0.0138 for N = 4000): a correct interval
// fails this less than once in 15,000 seeds, while an interval using the normal
// quantile instead of t (coverage about 0.88 at n = 5, 0.70 at n = 2) or the
// population sd (n instead of n - 1) falls well outside.
constexpr int kExperiments = 4000;
const double kCoverageTolerance = 4.0 * std::sqrt(0.95 * 0.05 / kExperiments);
}  // namespace

TEST(Statistics, PairedIntervalCoversTheTrueDifference95PercentOfTheTime) {
  const double coverage = paired_coverage(5, kExperiments, 20240401);
  EXPECT_NEAR(coverage, 0.95, kCoverageTolerance) << "coverage with n = 5 replicates";
}

TEST(Statistics, PairedIntervalIsExactWithTwoReplicates) {
  // Two replicates: one degree of freedom, t = 12.71. Still exact.
  const double coverage = paired_coverage(2, kExperiments, 77);
  EXPECT_NEAR(coverage, 0.95, kCoverageTolerance) << "coverage with n = 2 replicates";
}

TEST(Statistics, ReplicatesNeededIsZeroWithoutSpread) {
  EXPECT_EQ(replicates_needed(0.0, 0.5), 0u);
  EXPECT_EQ(replicates_needed(0.0, 1e-9), 0u);
}

namespace {
double t_half_width(std::size_t n, double sd) {
  return t_quantile(0.975, static_cast<double>(n - 1)) * sd / std::sqrt(static_cast<double>(n));
}
}  // namespace

TEST(Statistics, ReplicatesNeededIsTheSmallestSufficientCount) {
  const std::size_t n = replicates_needed(1.0, 0.5);
  ASSERT_GE(n, 3u);
  EXPECT_LE(t_half_width(n, 1.0), 0.5);
  EXPECT_GT(t_half_width(n - 1, 1.0), 0.5);
  EXPECT_EQ(n, 18u);  // t(0.975,17)/√18 = 0.4973; t(0.975,16)/√17 = 0.5142

  // Other targets, including ones the normal-approximation start lands near. (Targets
  // needing more than a million replicates are left out: the search stops there.)
  for (const double sd : {0.3, 1.0, 2.5, 40.0})
    for (const double hw : {0.01, 0.07, 0.2, 0.5, 1.0, 3.0, 40.0}) {
      if (sd / hw > 400) continue;
      const std::size_t m = replicates_needed(sd, hw);
      ASSERT_GE(m, 2u) << sd << " " << hw;
      EXPECT_LE(t_half_width(m, sd), hw) << sd << " " << hw;
      if (m > 2) {
        EXPECT_GT(t_half_width(m - 1, sd), hw) << sd << " " << hw;
      }
    }
  // A target wider than even two replicates need: the minimum, 2.
  EXPECT_EQ(replicates_needed(1.0, 100.0), 2u);
  // A large count is still the exact smallest.
  const std::size_t big = replicates_needed(1.0, 0.0025);
  EXPECT_GT(big, 600000u);
  EXPECT_LE(t_half_width(big, 1.0), 0.0025);
  EXPECT_GT(t_half_width(big - 1, 1.0), 0.0025);
}

TEST(Statistics, ReplicatesNeededGrowsAsTheIntervalNarrows) {
  std::size_t previous = 0;
  for (double hw = 2.0; hw > 0.02; hw *= 0.8) {
    const std::size_t n = replicates_needed(1.0, hw);
    EXPECT_GE(n, previous) << hw;
    previous = n;
  }
  EXPECT_GT(replicates_needed(1.0, 0.1), replicates_needed(1.0, 0.5));
  EXPECT_GT(replicates_needed(1.0, 0.25), replicates_needed(1.0, 0.5));
  // Halving the half-width needs roughly four times the replicates.
  EXPECT_NEAR(static_cast<double>(replicates_needed(1.0, 0.05)) / static_cast<double>(replicates_needed(1.0, 0.1)),
              4.0, 0.1);
}
