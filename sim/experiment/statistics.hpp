#pragma once
// Replicate statistics for comparing scenarios (docs/statistics.md).
//
// Every option in a comparison is run with the same seeds as the baseline
// (common random numbers), so replicate r of the option and replicate r of the
// baseline share their random draws wherever the two scenarios behave alike.
// The difference is therefore judged from the paired differences d_r = y_r - x_r,
// whose spread is usually far smaller than either scenario's own.
//
// Intervals are Student-t intervals: mean ± t(1 - α/2, n - 1) · sd / √n, exact
// when the replicate values are normal and close to it otherwise for the sums
// over a year of many children that sgsim reports (central limit theorem).
#include <Eigen/Dense>
#include <cstddef>

namespace sgsim {

inline constexpr double kConfidenceLevel = 0.95;  // the level every table and report uses

struct SampleSummary {
  std::size_t n = 0;
  double mean = 0, sd = 0;
  double ci_low = 0, ci_high = 0;  // equal to mean when n < 2 (no interval can be given)
  double half_width() const { return (ci_high - ci_low) / 2; }
};

// The quantile of Student's t distribution with `dof` degrees of freedom.
double t_quantile(double p, double dof);

// Mean, sample standard deviation (n - 1) and the t interval for the mean.
SampleSummary summarise_sample(const Eigen::Ref<const Eigen::VectorXd>& x, double level = kConfidenceLevel);

// The paired difference y - x, replicate by replicate (x and y the same length).
SampleSummary paired_difference(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                                double level = kConfidenceLevel);

// Replicates needed for an interval of half-width `half_width` when the
// replicate values have standard deviation `sd`: the smallest n with
// t(1 - α/2, n - 1) · sd / √n ≤ half_width (0 when sd is 0; at least 2; capped at
// one million, beyond which the advice is only "the effect is too small to see").
std::size_t replicates_needed(double sd, double half_width, double level = kConfidenceLevel);

}  // namespace sgsim
