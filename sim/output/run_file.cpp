#include "sim/output/run_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "sgsim/version.hpp"
#include "sim/calendar/calendar.hpp"
#include "sim/experiment/headlines.hpp"
#include "sim/output/h5.hpp"

namespace sgsim {


double summarise(const std::vector<double>& series, MetricKind kind, int64_t window) {
  const size_t n = series.size();
  const size_t w = std::min<size_t>(n, static_cast<size_t>(std::max<int64_t>(window, 1)));
  if (w == 0) return 0.0;
  double sum = 0.0;
  for (size_t i = n - w; i < n; ++i) sum += series[i];
  return kind == MetricKind::flow ? sum * kDaysPerYear / static_cast<double>(w) : sum / static_cast<double>(w);
}

std::string utc_now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

static void write_scenario(H5Group& group, const ScenarioResult& s) {
  group.set_attr("resolved_scenario", s.resolved);
  group.set_attr("start_date", s.run.start_date);
  group.set_attr("days", s.run.days);
  group.set_attr("replicates", s.run.replicates);
  group.set_attr("seed", s.run.seed);
  group.set_attr("measure_days", std::min(s.run.measure_days, s.run.days));

  const size_t reps = s.replicates.size();
  const auto days = static_cast<size_t>(s.run.days);
  H5Group ts = group.create_group("timeseries");
  H5Group sum = group.create_group("summary");
  std::vector<int32_t> day_index(days);
  for (size_t d = 0; d < days; ++d) day_index[d] = static_cast<int32_t>(d);
  auto dd = ts.write_vector("day", std::span<const int32_t>(day_index));
  dd.set_attr("unit", "days since start_date");
  dd.set_attr("start_date", s.run.start_date);

  std::vector<double> matrix(reps * days), summary(reps);
  for (size_t m = 0; m < s.metrics.size(); ++m) {
    const MetricInfo& info = s.metrics[m];
    for (size_t r = 0; r < reps; ++r) {
      const auto& series = s.replicates[r].series[m];
      std::copy(series.begin(), series.end(), matrix.begin() + static_cast<ptrdiff_t>(r * days));
      summary[r] = summarise(series, info.kind, s.run.measure_days);
    }
    auto ds = ts.write_matrix(info.name, reps, days, matrix);
    // A flow is counted per day; a stock is a count at the end of the day.
    ds.set_attr("unit", info.kind == MetricKind::flow ? fmt::format("{} per day", info.unit) : info.unit);
    ds.set_attr("meaning", info.meaning);
    ds.set_attr("kind", info.kind == MetricKind::flow ? "flow" : "stock");
    auto ss = sum.write_vector(info.name, std::span<const double>(summary));
    ss.set_attr("unit", info.kind == MetricKind::flow ? fmt::format("{} per year", info.unit) : info.unit);
    ss.set_attr("meaning", info.meaning);
    ss.set_attr("statistic", info.kind == MetricKind::flow ? "total over the measurement window, per year"
                                                           : "mean over the measurement window");
  }

  std::vector<double> child_days(reps), seconds(reps);
  for (size_t r = 0; r < reps; ++r) child_days[r] = s.replicates[r].child_days, seconds[r] = s.replicates[r].seconds;
  sum.write_vector("child_days", std::span<const double>(child_days)).set_attr("unit", "child-days simulated");
  sum.write_vector("wall_seconds", std::span<const double>(seconds)).set_attr("unit", "seconds");

  // A national run: every authority's summary of every metric, [replicate][authority].
  if (reps > 0 && !s.replicates.front().authorities.empty()) {
    const auto& who = s.replicates.front().authorities;
    const size_t n = who.size();
    H5Group la = group.create_group("authorities");
    la.set_attr("meaning", "each local authority of a national run (docs/authorities.md); summaries over the "
                           "measurement window as in summary/, one row per replicate and one column per authority");
    std::vector<std::string> code, name, region;
    std::vector<double> x(n), y(n);
    for (size_t a = 0; a < n; ++a) {
      code.push_back(who[a].code), name.push_back(who[a].name), region.push_back(who[a].region);
      x[a] = who[a].x_km, y[a] = who[a].y_km;
    }
    la.write_strings("code", code);
    la.write_strings("name", name);
    la.write_strings("region", region);
    la.write_vector("x_km", std::span<const double>(x)).set_attr("unit", "km");
    la.write_vector("y_km", std::span<const double>(y)).set_attr("unit", "km");
    H5Group ls = la.create_group("summary");
    std::vector<double> cells(reps * n);
    for (size_t m = 0; m < s.metrics.size(); ++m) {
      const MetricInfo& info = s.metrics[m];
      for (size_t r = 0; r < reps; ++r)
        for (size_t a = 0; a < n; ++a) cells[r * n + a] = s.replicates[r].authority_summaries[a][m];
      auto ds = ls.write_matrix(info.name, reps, n, cells);
      ds.set_attr("unit", info.kind == MetricKind::flow ? fmt::format("{} per year", info.unit) : info.unit);
      ds.set_attr("meaning", info.meaning);
    }
  }

  bool any_events = false;
  for (const auto& r : s.replicates) any_events |= !r.events.empty();
  if (any_events) {
    std::vector<EventRecord> rows;
    for (size_t r = 0; r < reps; ++r)
      for (const Event& e : s.replicates[r].events)
        rows.push_back({static_cast<int32_t>(r), e.day, e.child, e.kind, e.agency, e.detail});
    group.write_event_table("events", rows);
    std::vector<std::string> kinds, agencies;
    for (const auto& k : s.event_types.kinds()) kinds.push_back(k.name);
    for (const auto& a : s.event_types.agencies()) agencies.push_back(a.name);
    group.write_strings("event_kinds", kinds);
    group.write_strings("agencies", agencies);
    H5Group codes = group.create_group("event_codes");
    for (const auto& [list, values] : s.event_types.codes()) codes.write_strings(list, values);
    H5Group who = group.create_group("event_children");
    std::vector<int32_t> rep, id, birth, sex;
    for (size_t r = 0; r < reps; ++r)
      for (const ChildRecord& c : s.replicates[r].children) {
        rep.push_back(static_cast<int32_t>(r));
        id.push_back(static_cast<int32_t>(c.child));
        birth.push_back(c.birth_day);
        sex.push_back(c.sex);
      }
    who.write_vector("replicate", std::span<const int32_t>(rep));
    who.write_vector("child", std::span<const int32_t>(id));
    who.write_vector("birth_day", std::span<const int32_t>(birth)).set_attr("unit", "days since start_date");
    who.write_vector("sex", std::span<const int32_t>(sex)).set_attr("meaning", "0 girl, 1 boy");
  }
}

static void write_headlines(H5Group& root, const std::vector<ScenarioResult>& scenarios) {
  const auto table = compare_headlines(scenarios);
  H5Group all = root.create_group("headlines");
  std::vector<std::string> order, names;
  for (const auto& s : scenarios) names.push_back(s.name);
  all.write_strings("scenarios", names);
  all.set_attr("baseline", scenarios.front().name);
  all.set_attr("confidence_level", kConfidenceLevel);
  all.set_attr("interval", "Student t over replicates; differences paired by replicate (docs/statistics.md)");
  for (const auto& c : table) {
    order.push_back(c.headline.name);
    H5Group g = all.create_group(c.headline.name);
    g.set_attr("label", c.headline.label);
    g.set_attr("metric", c.headline.metric);
    g.set_attr("denominator", c.headline.denominator);
    g.set_attr("factor", c.headline.factor);
    g.set_attr("unit", c.headline.unit);
    g.set_attr("higher_is_worse", int64_t{c.headline.higher_is_worse ? 1 : 0});
    auto column = [&](const char* name, auto get) {
      std::vector<double> v;
      for (size_t k = 0; k < scenarios.size(); ++k) v.push_back(get(k));
      g.write_vector(name, std::span<const double>(v));
    };
    column("n", [&](size_t k) { return static_cast<double>(c.level[k].n); });
    column("mean", [&](size_t k) { return c.level[k].mean; });
    column("sd", [&](size_t k) { return c.level[k].sd; });
    column("ci_low", [&](size_t k) { return c.level[k].ci_low; });
    column("ci_high", [&](size_t k) { return c.level[k].ci_high; });
    column("difference_n", [&](size_t k) { return static_cast<double>(c.difference[k].n); });
    column("difference", [&](size_t k) { return c.difference[k].mean; });
    column("difference_sd", [&](size_t k) { return c.difference[k].sd; });
    column("difference_ci_low", [&](size_t k) { return c.difference[k].ci_low; });
    column("difference_ci_high", [&](size_t k) { return c.difference[k].ci_high; });
    column("replicates_needed", [&](size_t k) { return static_cast<double>(c.replicates_needed[k]); });
  }
  std::string joined;
  for (const auto& n : order) joined += (joined.empty() ? "" : ",") + n;
  all.set_attr("order", joined);
}

static void write_sweep(H5Group& root, const ExperimentInfo& e, const std::vector<ScenarioResult>& scenarios) {
  H5Group g = root.create_group("sweep");
  g.write_strings("parameters", e.sweep_parameters);
  std::vector<std::string> names;
  for (const auto& s : scenarios) names.push_back(s.name);
  g.write_strings("points", names);
  std::vector<double> grid;
  for (const auto& row : e.sweep_values) grid.insert(grid.end(), row.begin(), row.end());
  g.write_matrix("values", e.sweep_values.size(), e.sweep_parameters.size(), grid)
      .set_attr("meaning", "row = point (scenario), column = parameter");
}

void write_run_file(const std::string& path, const std::vector<ScenarioResult>& scenarios, const RunProvenance& prov) {
  H5File file = H5File::create(path);
  H5Group root = file.root();
  // Incomplete until the very end: a reader that finds complete = 0 knows the run did not finish.
  root.set_attr("complete", int64_t{0});
  root.set_attr("program", "sgsim");
  root.set_attr("program_version", kVersion);
  root.set_attr("git_revision", kGitRevision);
  root.set_attr("command_line", prov.command_line);
  root.set_attr("started_at", prov.started_at);
  root.set_attr("threads", prov.threads);
  root.set_attr("scale", prov.scale);
  root.set_attr("schema", "sgsim-run/1 (docs/output.md)");
  if (!scenarios.empty()) {
    root.set_attr("seed", scenarios.front().run.seed);
    root.set_attr("replicates", scenarios.front().run.replicates);
  }
  root.set_attr("experiment", prov.experiment.kind);
  H5Group all = root.create_group("scenarios");
  for (size_t k = 0; k < scenarios.size(); ++k) {
    H5Group g = all.create_group(scenarios[k].name);
    if (k < prov.experiment.sources.size()) g.set_attr("source", prov.experiment.sources[k]);
    write_scenario(g, scenarios[k]);
  }
  if (!scenarios.empty()) write_headlines(root, scenarios);
  if (!prov.experiment.sweep_parameters.empty()) write_sweep(root, prov.experiment, scenarios);
  root.set_attr("finished_at", prov.finished_at.empty() ? utc_now_iso() : prov.finished_at);
  root.set_attr("complete", int64_t{1});
  file.flush();
  file.close();
}

}  // namespace sgsim
