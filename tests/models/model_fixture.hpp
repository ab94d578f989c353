#pragma once
// Shared set-up for model tests: a scenario built in code from parameter values.
#include <string>
#include <utility>
#include <vector>

#include "models/model.hpp"
#include "sim/run/runner.hpp"

namespace sgsim::testing {

inline Scenario scenario(std::vector<std::pair<std::string, ParamValue>> values) {
  Scenario sc;
  sc.name = "test";
  for (auto& [k, v] : values) sc.set(k, v, {});
  return sc;
}

// No births, no moves: the same children throughout (except those turning 18).
inline std::vector<std::pair<std::string, ParamValue>> closed_population(int64_t children, int64_t days) {
  return {{"population.children", children},
          {"run.days", days},
          {"population.births_per_10k", 0.0},
          {"population.in_migration_per_10k", 0.0},
          {"population.out_migration_per_household", 0.0}};
}

inline double total(const std::vector<double>& s) {
  double t = 0;
  for (double x : s) t += x;
  return t;
}

inline size_t metric_index(World& w, const std::string& name) {
  for (size_t i = 0; i < w.metrics.size(); ++i)
    if (w.metrics.info()[i].name == name) return i;
  throw std::logic_error("no metric " + name);
}

}  // namespace sgsim::testing
