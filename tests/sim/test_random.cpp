// Random streams: known answers, uniformity, independence between streams, and the
// property common random numbers rely on — one agent's draws depend only on
// (seed, replicate, stream, agent, day), never on other agents.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/random/streams.hpp"
#include "sim/schedule/world.hpp"

using namespace sgsim;

namespace {
constexpr StreamId kA = stream_id("test.a");
constexpr StreamId kB = stream_id("test.b");
}  // namespace

// Philox4x64-10 known-answer vector from Random123's kat_vectors (counter 0, key 0):
// guards against a packaging or compiler change silently altering every draw.
TEST(Random, PhiloxKnownAnswer) {
  Philox::ctr_type c{{0, 0, 0, 0}};
  Philox::key_type k{{0, 0}};
  const auto r = Philox()(c, k);
  EXPECT_EQ(r[0], 0x16554d9eca36314cULL);
  EXPECT_EQ(r[1], 0xdb20fe9d672d0fdcULL);
  EXPECT_EQ(r[2], 0xd7e772cee186176bULL);
  EXPECT_EQ(r[3], 0x7e68b68aec7ba23bULL);
}

TEST(Random, StreamIdsAreStableNames) {
  // FNV-1a of the name: stable across builds and independent of declaration order.
  EXPECT_EQ(stream_id(""), 2166136261u);
  EXPECT_NE(stream_id("family_risk.harm_timing"), stream_id("family_risk.harm_category"));
}

// 200,000 uniforms in 100 bins: the chi-square statistic has 99 degrees of freedom,
// mean 99 and sd sqrt(2·99) ≈ 14.1. Accept within 5 sd of the mean (a false alarm
// about 1 in 10^6 for a good generator; the seed is fixed, so the test is stable).
TEST(Random, UniformityChiSquare) {
  RandomStreams rs(12345, 0);
  constexpr int kBins = 100, kN = 200000;
  std::vector<int> counts(kBins, 0);
  int n = 0;
  for (uint64_t agent = 0; n < kN; ++agent) {
    Draws d = rs.draws(kA, agent, 7);
    for (int i = 0; i < 4 && n < kN; ++i, ++n) {
      const double u = d.uniform();
      ASSERT_GT(u, 0.0);
      ASSERT_LE(u, 1.0);
      ++counts[std::min(kBins - 1, static_cast<int>(u * kBins))];
    }
  }
  const double expected = static_cast<double>(kN) / kBins;
  double chi2 = 0;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  const double df = kBins - 1, sd = std::sqrt(2 * df);
  EXPECT_LT(std::fabs(chi2 - df), 5 * sd) << "chi2=" << chi2;
}

// Pairs of draws that differ in exactly one key or counter component must be
// uncorrelated: |r| below 5/sqrt(n) (the sd of r under independence is 1/sqrt(n)).
TEST(Random, StreamsAgentsDaysAndReplicatesAreIndependent) {
  constexpr int kN = 100000;
  auto correlation = [&](auto first, auto second) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int i = 0; i < kN; ++i) {
      const double x = first(i), y = second(i);
      sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    }
    const double cov = sxy / kN - sx / kN * sy / kN;
    return cov / std::sqrt((sxx / kN - sx * sx / kN / kN) * (syy / kN - sy * sy / kN / kN));
  };
  RandomStreams r0(99, 0), r1(99, 1);
  const double tol = 5.0 / std::sqrt(kN);
  EXPECT_LT(std::fabs(correlation([&](int i) { return r0.draws(kA, i, 3).uniform(); },
                                  [&](int i) { return r0.draws(kB, i, 3).uniform(); })), tol);
  EXPECT_LT(std::fabs(correlation([&](int i) { return r0.draws(kA, i, 3).uniform(); },
                                  [&](int i) { return r0.draws(kA, i + 1, 3).uniform(); })), tol);
  EXPECT_LT(std::fabs(correlation([&](int i) { return r0.draws(kA, i, 3).uniform(); },
                                  [&](int i) { return r0.draws(kA, i, 4).uniform(); })), tol);
  EXPECT_LT(std::fabs(correlation([&](int i) { return r0.draws(kA, i, 3).uniform(); },
                                  [&](int i) { return r1.draws(kA, i, 3).uniform(); })), tol);
  // Successive draws within one sequence, across the 4-word block boundary too.
  EXPECT_LT(std::fabs(correlation(
                [&](int i) { Draws d = r0.draws(kA, i, 3); for (int k = 0; k < 3; ++k) d(); return d.uniform(); },
                [&](int i) { Draws d = r0.draws(kA, i, 3); for (int k = 0; k < 4; ++k) d(); return d.uniform(); })),
            tol);
}

// The property common random numbers rely on: adding other agents (or asking other
// agents for any number of draws first) never changes one agent's sequence.
TEST(Random, OneAgentsDrawsDoNotDependOnOthers) {
  RandomStreams rs(2024, 3);
  std::vector<double> alone;
  {
    Draws d = rs.draws(kA, 5, 100);
    for (int i = 0; i < 10; ++i) alone.push_back(d.uniform());
  }
  for (uint64_t other = 0; other < 50; ++other) {
    Draws o = rs.draws(kA, other == 5 ? 51 : other, 100);
    for (int i = 0; i < 7; ++i) o.uniform();
  }
  Draws again = rs.draws(kA, 5, 100);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(again.uniform(), alone[static_cast<size_t>(i)]);
  // A different seed does change it.
  EXPECT_NE(RandomStreams(2025, 3).draws(kA, 5, 100).uniform(), alone[0]);
}

// Distribution helpers against their means: tolerance 5 standard errors.
TEST(Random, DistributionHelpersHaveTheRightMeans) {
  RandomStreams rs(7, 0);
  constexpr int kN = 100000;
  double exp_sum = 0, pois_sum = 0, bern = 0;
  std::vector<int> cat(3, 0);
  const std::vector<double> w = {1, 2, 7};
  for (int i = 0; i < kN; ++i) {
    Draws d = rs.draws(kB, i, 0);
    exp_sum += d.exponential(2.0);
    pois_sum += static_cast<double>(d.poisson(3.5));
    bern += d.bernoulli(0.3);
    ++cat[d.categorical(w)];
    const uint64_t b = d.below(10);
    ASSERT_LT(b, 10u);
  }
  EXPECT_NEAR(exp_sum / kN, 0.5, 5 * 0.5 / std::sqrt(kN));
  EXPECT_NEAR(pois_sum / kN, 3.5, 5 * std::sqrt(3.5 / kN));
  EXPECT_NEAR(bern / kN, 0.3, 5 * std::sqrt(0.3 * 0.7 / kN));
  for (size_t k = 0; k < 3; ++k) {
    const double p = w[k] / 10.0;
    EXPECT_NEAR(cat[k] / static_cast<double>(kN), p, 5 * std::sqrt(p * (1 - p) / kN));
  }
}

// days_until is the first later day a constant daily hazard fires: at least 1, and
// geometric with mean 1/(1-exp(-h)) days; a zero hazard never fires.
TEST(Random, DaysUntilIsGeometricAndNeverToday) {
  RandomStreams rs(11, 0);
  constexpr int kN = 100000;
  const double h = 0.05;
  double sum = 0;
  for (int i = 0; i < kN; ++i) {
    const int64_t t = rs.draws(kA, i, 0).days_until(h);
    ASSERT_GE(t, 1);
    sum += static_cast<double>(t);
  }
  const double p = 1 - std::exp(-h), mean = 1 / p, sd = std::sqrt(1 - p) / p;
  EXPECT_NEAR(sum / kN, mean, 5 * sd / std::sqrt(kN));
  // A zero rate never fires within any run, and today + that day still fits an int32.
  EXPECT_EQ(rs.draws(kA, 1, 0).days_until(0.0), Draws::kNeverDays);
  EXPECT_LT(Draws::kNeverDays + 3652 * 100, int64_t{INT32_MAX});
  // Monotone coupling: from the same numbers, a higher hazard never fires later.
  for (int i = 0; i < 1000; ++i)
    EXPECT_LE(rs.draws(kA, i, 0).days_until(0.2), rs.draws(kA, i, 0).days_until(0.1));
}
