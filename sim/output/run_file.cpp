#include "sim/output/run_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "sgsim/version.hpp"
#include "sim/calendar/calendar.hpp"
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

  bool any_events = false;
  for (const auto& r : s.replicates) any_events |= !r.events.empty();
  if (any_events) {
    std::vector<EventRecord> rows;
    for (size_t r = 0; r < reps; ++r)
      for (const Event& e : s.replicates[r].events)
        rows.push_back({static_cast<int32_t>(r), e.day, e.child, e.kind, e.agency, e.detail});
    group.write_event_table("events", rows);
    std::vector<std::string> kinds, agencies;
    for (const auto& k : s.event_kinds) kinds.push_back(k.name);
    for (const auto& a : s.agencies) agencies.push_back(a.name);
    group.write_strings("event_kinds", kinds);
    group.write_strings("agencies", agencies);
  }
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
  H5Group all = root.create_group("scenarios");
  for (const auto& s : scenarios) {
    H5Group g = all.create_group(s.name);
    write_scenario(g, s);
  }
  root.set_attr("finished_at", prov.finished_at.empty() ? utc_now_iso() : prov.finished_at);
  root.set_attr("complete", int64_t{1});
  file.flush();
  file.close();
}

}  // namespace sgsim
