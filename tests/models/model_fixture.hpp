#pragma once
// Shared set-up for model tests: a scenario built in code from parameter values.
#include <map>
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

// No child looked after on the first day and no adolescent crises: for tests of
// earlier modules that must not see children taken into care.
inline std::vector<std::pair<std::string, ParamValue>> without_care(std::vector<std::pair<std::string, ParamValue>> v) {
  v.push_back({"care.initial.per_10k", 0.0});
  v.push_back({"care.adolescent.crisis_rate", 0.0});
  return v;
}

// No missing episodes and no exploitation: for tests of other modules whose
// agencies must hear of nothing else.
inline std::vector<std::pair<std::string, ParamValue>> without_exploitation(std::vector<std::pair<std::string, ParamValue>> v) {
  v.push_back({"exploitation.missing.rate", std::vector<double>{0.0, 0.0, 0.0}});
  v.push_back({"exploitation.targeting.rate", 0.0});
  return v;
}

inline size_t metric_index(World& w, const std::string& name) {
  for (size_t i = 0; i < w.metrics.size(); ++i)
    if (w.metrics.info()[i].name == name) return i;
  throw std::logic_error("no metric " + name);
}

// The value a metric took on the day just simulated (no burn-in).
inline double today(World& w, const std::string& metric) {
  return w.metrics.series(metric_index(w, metric))[static_cast<size_t>(w.today - w.record_from)];
}

// The whole system with fixed settings that give realistic volumes, so that these
// tests do not move when scenarios/england.yaml is recalibrated.
inline std::vector<std::pair<std::string, ParamValue>> whole_system(int64_t children, int64_t days) {
  std::vector<std::pair<std::string, ParamValue>> v = {
      {"population.children", children},
      {"run.days", days},
      {"family_risk.harm.base_rate", 0.15},
      {"family_risk.high_risk_threshold", 1.5},  // a few per cent of children at this harm rate
      {"front_door.thresholds.referral", 1.0},
      {"front_door.thresholds.early_help", 0.5},
      {"front_door.thresholds.assessment", 1.1},
      {"front_door.thresholds.in_need", 3.0},
      {"front_door.thresholds.strategy", 5.0},
      {"child_protection.thresholds.s47", 5.0},
      {"child_protection.thresholds.conference", 6.0},
      {"child_protection.thresholds.plan", 6.0},
      {"child_protection.thresholds.step_down", 5.0}};
  for (const char* a : {"police", "school", "gp", "emergency_department", "sexual_health", "camhs", "family",
                        "housing_voluntary"})
    v.push_back({std::string("agencies.") + a + ".referral_threshold", 1.0});
  return v;
}

inline std::vector<std::pair<std::string, ParamValue>> with(std::vector<std::pair<std::string, ParamValue>> v,
                                                            std::vector<std::pair<std::string, ParamValue>> more) {
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

// Run to the end and return the daily series of the named metrics.
inline std::map<std::string, std::vector<double>> run_series(const Scenario& sc, std::vector<std::string> names,
                                                             uint32_t replicate = 0) {
  Simulation sim(sc, models::make_modules, replicate, RunOptions{});
  while (!sim.done()) sim.step();
  std::map<std::string, std::vector<double>> out;
  for (const auto& n : names) out[n] = sim.world().metrics.series(metric_index(sim.world(), n));
  return out;
}

inline double total(const std::vector<double>& s) {
  double t = 0;
  for (double x : s) t += x;
  return t;
}


}  // namespace sgsim::testing
