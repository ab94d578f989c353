#pragma once
// Running a scenario: resolve its parameters, build one model instance and one
// World per replicate, step the days, and collect the daily metrics. Replicates
// run side by side on the thread pool; each is a pure function of (scenario,
// seed, replicate), so results do not depend on the thread count.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "sim/calendar/calendar.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim {

// Engine-level settings, declared as parameters under "run." so that scenario
// files, --set and `sgsim describe` treat them like any other parameter.
struct RunSettings {
  std::string start_date;
  int64_t days = 0;
  int64_t replicates = 0;
  int64_t seed = 0;
  std::string holidays;
  int64_t measure_days = 0;
};
void declare_run_parameters(ParamDeclarer& d, RunSettings& s);

// The registry of every parameter: run settings, then each module's in module order.
// The modules are bound to it, so apply() stores values into them.
struct BoundModel {
  RunSettings run;
  ModuleList modules;
  ParamRegistry registry;
};
std::unique_ptr<BoundModel> bind_model(const ModelFactory& factory);

struct ReplicateResult {
  std::vector<std::vector<double>> series;  // [metric][day]
  std::vector<Event> events;                // when the event log is kept
  double child_days = 0;
  double seconds = 0;
  size_t state_bytes = 0;  // agent columns at the end of the run
};

struct ScenarioResult {
  std::string name;
  std::string resolved;  // the resolved scenario as YAML
  RunSettings run;
  std::vector<MetricInfo> metrics;
  std::vector<NamedCode> event_kinds, agencies;
  std::vector<ReplicateResult> replicates;
};

struct Progress {
  int64_t replicate = 0;  // the replicate reporting, and the day it has reached
  int64_t day = 0;
  int64_t replicates_done = 0, replicates = 0;
  int64_t days_done = 0, days_total = 0;  // over all replicates
  double child_days = 0;
};

struct RunOptions {
  double scale = 1.0;
  bool keep_event_log = false;
  const std::atomic<bool>* cancel = nullptr;            // checked once a simulated day
  std::function<void(const Progress&)> progress;        // may be called from several threads
};

class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("run interrupted") {}
};

ScenarioResult run_scenario(const Scenario& scenario, const ModelFactory& factory, const RunOptions& options);

// One replicate, exposed for tests and benchmarks.
ReplicateResult run_replicate(const Scenario& scenario, const ModelFactory& factory, uint32_t replicate,
                              const RunOptions& options, std::vector<MetricInfo>* metrics = nullptr,
                              std::vector<NamedCode>* event_kinds = nullptr,
                              std::vector<NamedCode>* agencies = nullptr);

}  // namespace sgsim
