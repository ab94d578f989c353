#pragma once
// The headline outcomes: the one place that decides what a comparison, a sweep,
// the run summary and the HTML report show first (docs/statistics.md lists them).
//
// Each headline is read from a scenario's per-replicate summaries over the
// measurement window (a flow as a total per year, a stock as its mean), optionally
// scaled or divided by another metric's summary, so that every headline is one
// number per replicate and can be compared replicate by replicate.
#include <string>
#include <vector>

#include "sim/experiment/statistics.hpp"
#include "sim/run/runner.hpp"

namespace sgsim {

struct Headline {
  std::string name;         // identifier in output files and CSV
  std::string label;        // what a reader sees
  std::string metric;       // the metric summarised
  std::string denominator;  // if set, the headline is metric / denominator (both summaries)
  double factor = 1.0;      // applied after the division (365.25 turns a mean stock into days a year)
  std::string unit;
  bool higher_is_worse = true;  // the direction a report colours a difference
};

// In the order they are shown. A headline whose metric a model does not write
// (missing episodes before the exploitation model exists) is left out of a run.
const std::vector<Headline>& headline_definitions();

// The headlines a result can give (its metrics include the headline's metric and denominator).
std::vector<Headline> headlines_for(const ScenarioResult& r);

// One value per replicate of a headline in a result.
Eigen::VectorXd headline_values(const ScenarioResult& r, const Headline& h);

// A headline of each scenario against the first (the baseline) in a set run with common random numbers.
struct HeadlineComparison {
  Headline headline;
  std::vector<SampleSummary> level;       // per scenario: the mean per year and its interval
  std::vector<SampleSummary> difference;  // per scenario: paired difference from the baseline (zero for it)
  // Per scenario, when its interval is wider than its difference: the replicates for an
  // interval half as wide as the difference, or `precision` of the baseline mean if
  // that is wider (0 when the interval is already narrow enough).
  std::vector<std::size_t> replicates_needed;
};
inline constexpr double kDefaultPrecision = 0.005;  // half-width as a share of the baseline mean
std::vector<HeadlineComparison> compare_headlines(const std::vector<ScenarioResult>& scenarios,
                                                  double precision = kDefaultPrecision);

}  // namespace sgsim
