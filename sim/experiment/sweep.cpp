#include "sim/experiment/sweep.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace sgsim {
namespace {

constexpr size_t kMaxPoints = 10000;  // a grid larger than this is almost surely a typing slip

double number(const std::string& text, const Origin& where, const std::string& what) {
  double v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || !std::isfinite(v))
    throw ScenarioError(where, fmt::format("expected a number for {}, got '{}'", what, text));
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

}  // namespace

std::string sweep_value_text(double v) {
  if (v == std::round(v) && std::abs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);  // the shortest text that reads back as exactly v
}

bool parse_sweep_axis(const std::string& assignment, const ParamRegistry& registry, SweepAxis* axis) {
  const Origin where{"--set " + assignment, 0, 0};
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) throw ScenarioError(where, "expected PATH=FROM:TO:STEP, PATH=A,B,... or PATH=VALUE");
  const std::string path = assignment.substr(0, eq), rhs = assignment.substr(eq + 1);
  const bool range = rhs.find(':') != std::string::npos, list = rhs.find(',') != std::string::npos;
  const ParamSpec* spec = registry.find(path);
  // A list parameter ([a, b, c]), a date or a choice is a fixed setting, as in `run`.
  const bool numeric = spec && (spec->type == ParamType::real || spec->type == ParamType::integer);
  if ((!range && !list) || (spec && !numeric) || (!rhs.empty() && rhs.front() == '[')) return false;
  if (!spec) {
    const auto hint = registry.nearest(path);
    throw ScenarioError(where, fmt::format("unknown parameter '{}'{}", path,
                                           hint ? fmt::format(" (did you mean '{}'?)", *hint) : std::string()));
  }
  // Every point shares the run settings, so that points differ by the model's
  // parameters alone and their windows are the same dates.
  if (spec->module() == "run")
    throw ScenarioError(where, fmt::format("'{}' is a run setting; a sweep varies the model's parameters (set run "
                                           "settings with a fixed --set PATH=VALUE, -r or --seed)",
                                           path));
  axis->path = path;
  axis->values.clear();
  if (range) {
    const auto parts = split(rhs, ':');
    if (parts.size() != 3) throw ScenarioError(where, "expected FROM:TO:STEP (three numbers)");
    const double from = number(parts[0], where, "FROM"), to = number(parts[1], where, "TO"),
                 step = number(parts[2], where, "STEP");
    if (step <= 0) throw ScenarioError(where, "STEP must be positive");
    if (to < from) throw ScenarioError(where, "TO must not be below FROM");
    // A small allowance so that 0.1 steps reach TO despite rounding.
    const double count = std::floor((to - from) / step + 1e-9) + 1;
    if (!std::isfinite(count) || count > static_cast<double>(kMaxPoints))
      throw ScenarioError(where, fmt::format("{:.3g} values on one axis; at most {}", count, kMaxPoints));
    const auto n = static_cast<size_t>(count);
    // Rounded to 12 significant digits so that 0.1 steps give 0.3, not 0.30000000000000004.
    for (size_t i = 0; i < n; ++i)
      axis->values.push_back(std::stod(fmt::format("{:.12g}", from + step * static_cast<double>(i))));
  } else {
    for (const auto& part : split(rhs, ',')) axis->values.push_back(number(part, where, "a listed value"));
  }
  // Every value must be one the parameter accepts, before anything runs.
  for (double v : axis->values) {
    Scenario probe;
    apply_override(probe, path + "=" + sweep_value_text(v), registry);
  }
  return true;
}

std::vector<SweepPoint> expand_sweep(const Scenario& base, const std::vector<SweepAxis>& axes,
                                     const ParamRegistry& registry) {
  size_t total = 1;
  for (const auto& a : axes) {
    total *= a.values.size();
    if (total > kMaxPoints)
      throw ScenarioError({"--set " + a.path, 0, 0}, fmt::format("the grid has more than {} points", kMaxPoints));
  }
  std::vector<SweepPoint> out;
  for (size_t k = 0; k < total; ++k) {
    SweepPoint p;
    p.scenario = base;
    p.scenario.name = fmt::format("{}-{:03d}", base.name, k);
    size_t rest = k;
    std::vector<size_t> index(axes.size());
    for (size_t a = axes.size(); a-- > 0;) {
      index[a] = rest % axes[a].values.size();
      rest /= axes[a].values.size();
    }
    for (size_t a = 0; a < axes.size(); ++a) {
      const double v = axes[a].values[index[a]];
      p.values.push_back(v);
      // apply_override checks the value against the parameter's type and range.
      apply_override(p.scenario, axes[a].path + "=" + sweep_value_text(v), registry);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace sgsim
