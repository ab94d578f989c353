#pragma once
// The run file: one HDF5 file per run set (DESIGN.md §5, schema in docs/output.md).
//   /                       provenance attributes, complete = 1 only when finished
//   /scenarios/<name>/      resolved scenario text and its attributes
//     timeseries/<metric>   [replicate × day] daily values
//     summary/<metric>      [replicate] over the measurement window
//     events                optional event log (compound table)
//     event_children/       who the children in the event log are (id, birth day, sex)
//   /headlines/<name>/      each headline outcome of every scenario against the first:
//                           means, paired differences and their 95% intervals
//   /sweep/                 a sweep's parameters and the value of each at every point
#include <string>
#include <vector>

#include "sim/run/runner.hpp"

namespace sgsim {

// What kind of run set a file holds, for readers and the report.
struct ExperimentInfo {
  std::string kind = "run";  // run, compare (the first scenario is the baseline) or sweep
  std::vector<std::string> sources;  // per scenario: the file it came from
  // A sweep: the parameters varied and, per scenario, the value of each.
  std::vector<std::string> sweep_parameters;
  std::vector<std::vector<double>> sweep_values;
};

struct RunProvenance {
  std::string command_line;
  std::string started_at, finished_at;  // ISO 8601 UTC
  int64_t threads = 1;
  double scale = 1.0;
  ExperimentInfo experiment;
};

// Summary of one metric over the last `window` days of a replicate: flows as a
// total per year, stocks as the mean.
double summarise(const std::vector<double>& series, MetricKind kind, int64_t window);

// Write a finished run set to `path` (which must not exist: the caller writes to a
// temporary name and renames it once this returns).
void write_run_file(const std::string& path, const std::vector<ScenarioResult>& scenarios, const RunProvenance& prov);

std::string utc_now_iso();

}  // namespace sgsim
