#pragma once
// Sweeps: a grid over one or more numeric parameters, every point a scenario run
// with the same seeds as the others (so neighbouring points differ by the
// parameter, not by chance). `--set PATH=FROM:TO:STEP` gives an axis of evenly
// spaced values (TO included when the steps reach it); `--set PATH=A,B,C` gives
// the listed values; `--set PATH=VALUE` fixes a parameter at every point.
#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace sgsim {

struct SweepAxis {
  std::string path;
  std::vector<double> values;
};

// Parse one --set argument of a sweep; nullopt-like empty values means "a fixed
// setting" (apply it with apply_override instead). Throws ScenarioError for an
// unknown parameter, a non-numeric one, a bad range, or a value out of range.
bool parse_sweep_axis(const std::string& assignment, const ParamRegistry& registry, SweepAxis* axis);

struct SweepPoint {
  Scenario scenario;           // the base scenario with this point's values set, named <base>-<index>
  std::vector<double> values;  // one per axis
};

// Every combination of the axes' values, the last axis varying fastest.
std::vector<SweepPoint> expand_sweep(const Scenario& base, const std::vector<SweepAxis>& axes,
                                     const ParamRegistry& registry);

// A number as a --set value: integers without a decimal point, others to 12 significant digits.
std::string sweep_value_text(double v);

}  // namespace sgsim
