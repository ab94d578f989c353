#include "sim/experiment/statistics.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sgsim {

double t_quantile(double p, double dof) {
  // Boost.Math rather than a hand-written inverse: it is exact to double precision.
  return boost::math::quantile(boost::math::students_t_distribution<double>(dof), p);
}

SampleSummary summarise_sample(const Eigen::Ref<const Eigen::VectorXd>& x, double level) {
  SampleSummary s;
  s.n = static_cast<std::size_t>(x.size());
  if (s.n == 0) return s;
  s.mean = x.mean();
  s.ci_low = s.ci_high = s.mean;
  if (s.n < 2) return s;
  const double n = static_cast<double>(s.n);
  s.sd = std::sqrt((x.array() - s.mean).square().sum() / (n - 1));
  const double h = t_quantile(0.5 + level / 2, n - 1) * s.sd / std::sqrt(n);
  s.ci_low = s.mean - h;
  s.ci_high = s.mean + h;
  return s;
}

SampleSummary paired_difference(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                                double level) {
  if (x.size() != y.size()) throw std::invalid_argument("paired difference of samples of different sizes");
  const Eigen::VectorXd d = y - x;
  return summarise_sample(d, level);
}

std::size_t replicates_needed(double sd, double half_width, double level) {
  if (sd <= 0) return 0;
  if (half_width <= 0) throw std::invalid_argument("replicates_needed: the half-width must be positive");
  constexpr std::size_t kMaxReplicates = 1000000;  // beyond this the effect is, for practice, nil
  // Start from the normal approximation and walk up: t shrinks as n grows, so the
  // first n that meets the target is the answer.
  const double z = t_quantile(0.5 + level / 2, 1e9);
  auto n = static_cast<std::size_t>(
      std::clamp(std::floor(std::pow(z * sd / half_width, 2)), 2.0, static_cast<double>(kMaxReplicates)));
  while (n < kMaxReplicates &&
         t_quantile(0.5 + level / 2, static_cast<double>(n - 1)) * sd / std::sqrt(static_cast<double>(n)) > half_width)
    ++n;
  return n;
}

}  // namespace sgsim
