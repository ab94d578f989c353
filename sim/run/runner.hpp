#pragma once
// Running a scenario: resolve its parameters, build one model instance and one
// World per replicate, step the days, and collect the daily metrics. Replicates
// run side by side on the thread pool; each is a pure function of (scenario,
// seed, replicate), so results do not depend on the thread count.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
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
  int64_t burn_in_days = 0;
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

// What each module declares besides parameters, for `sgsim describe` and the docs:
// the state columns it adds, the metrics it reports and its work in each phase.
struct ModuleDescription {
  std::string name, summary;
  std::vector<std::pair<std::string, ColumnInfo>> columns;  // (table, column)
  std::vector<MetricInfo> metrics;
  std::vector<std::pair<Phase, std::string>> work;
};
std::vector<ModuleDescription> describe_modules(const ModelFactory& factory);

// Who a child in the event log is: what the SSDA903 and CIN census exports need
// beyond the events (a child's id is never reused, so it names one child).
struct ChildRecord {
  AgentId child = 0;
  int32_t birth_day = 0;  // days from start_date (negative: before it)
  uint8_t sex = 0;        // 0 girl, 1 boy
};

struct ReplicateResult {
  std::vector<std::vector<double>> series;  // [metric][day]
  std::vector<Event> events;                // when the event log is kept
  std::vector<ChildRecord> children;        // every child in the event log, by id
  // A national run (sim/run/national.hpp): the authorities, and each one's
  // summary of every metric over the measurement window, [authority][metric],
  // beside the national series above.
  std::vector<AuthorityInfo> authorities;
  std::vector<std::vector<double>> authority_summaries;
  double child_days = 0;
  double seconds = 0;
  size_t state_bytes = 0;  // agent columns at the end of the run
};

struct ScenarioResult {
  std::string name;
  std::string resolved;  // the resolved scenario as YAML
  RunSettings run;
  std::vector<MetricInfo> metrics;
  EventRegistry event_types;  // event kinds, agencies and code lists, for the event log
  std::vector<ReplicateResult> replicates;
};

struct Progress {
  int64_t replicate = 0;  // the replicate reporting, and the day it has reached
  int64_t day = 0;
  int64_t replicates_done = 0, replicates = 0;
  int64_t days_done = 0, days_total = 0;  // over all replicates
  double child_days = 0;
};

// A change made part-way through a run (a trainer's "what if", sgsim trace
// --branch): on internal day `day`, before anything happens that day, the
// parameters in `changes` take their new values and the random streams fork to
// `continuation` (0 keeps the run's own draws). Everything before that day is the
// unbranched run's, bit for bit.
struct Branch {
  int32_t day = 0;
  uint32_t continuation = 0;
  std::vector<std::pair<std::string, ParamValue>> changes;
};

// Checkpoints for one run (sim/run/checkpoint.hpp): every `every` simulated
// days its whole state goes to `path`; if `path` already holds this run's state
// (same fingerprint), the run starts from there instead of day 0.
struct CheckpointPlan {
  std::string path;
  int32_t every = 0;        // simulated days between checkpoints
  std::string command;      // stored in the file so that --resume can rebuild the command
  std::string fingerprint;  // names the run (set per run by the ensemble code)
  uint64_t scenario = 0;
};

struct RunOptions {
  std::optional<Branch> branch;
  std::vector<AgentId> traced_children;  // World::trace records these children's decisions
  bool trace_everyone = false;
  double scale = 1.0;
  bool keep_event_log = false;
  std::optional<CheckpointPlan> checkpoint;
  const std::atomic<bool>* cancel = nullptr;            // checked once a simulated day
  std::function<void(const Progress&)> progress;        // may be called from several threads
};

class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("run interrupted") {}
};

class Scheduler;

// One replicate, stepped a day at a time: what run_replicate drives, and what tests,
// traces and checkpoints use to look inside a run.
class Simulation {
 public:
  // `nation`: this Simulation is authority `authority` of a national run
  // (sim/run/national.hpp); its random streams are its own.
  // `staged`: the modules are not initialised yet; the caller runs the three
  // stages of initialise() (a national run does, to build its authorities side
  // by side).
  Simulation(const Scenario& scenario, const ModelFactory& factory, uint32_t replicate, const RunOptions& options,
             Nation* nation = nullptr, uint16_t authority = 0, bool staged = false);
  ~Simulation();
  // Initialising the modules in stages: first every module before the first one
  // that uses the Nation's shared services (Module::initialises_national_services),
  // then those, then the rest. Authorities of a national run may run the first and
  // last stages side by side; the middle one must run authority by authority in
  // table order, as a national run built one authority after another would.
  enum class Stage { before_national, national, after_national };
  void initialise(Stage stage);
  bool done() const { return day_ >= days(); }
  void step();  // simulate day `day()` and move on
  // The same day in parts (a national run interleaves its authorities' phases).
  void begin_day();
  void run_phase(Phase phase);
  void end_day();
  int32_t day() const { return day_; }
  // Days simulated in all: the burn-in, whose outputs are left out, then run.days.
  int32_t days() const { return static_cast<int32_t>(model_->run.burn_in_days + model_->run.days); }
  World& world() { return *world_; }
  const ModuleList& modules() const { return model_->modules; }
  template <class M>
  M& module() {
    for (auto& m : model_->modules)
      if (auto* p = dynamic_cast<M*>(m.get())) return *p;
    throw std::logic_error("no such module in the model");
  }
  ReplicateResult finish();  // after the last day

  // Checkpoints: the whole state between two days — the World, then each
  // module's own, each framed by its name so that a checkpoint of another model
  // is refused by name. load() expects a Simulation built from the same
  // scenario, seed, replicate and options (the checkpoint file checks that).
  void save(StateOut& ar) const;
  void load(StateIn& ar);

 private:
  std::unique_ptr<BoundModel> model_;
  std::unique_ptr<Calendar> calendar_;
  std::unique_ptr<World> world_;
  std::unique_ptr<Scheduler> scheduler_;
  std::optional<Branch> branch_;
  int32_t day_ = 0;
  size_t initialised_ = 0;  // modules initialised so far
  std::chrono::steady_clock::time_point started_;
};

ScenarioResult run_scenario(const Scenario& scenario, const ModelFactory& factory, const RunOptions& options);

// Each scenario's result before any replicate has run: name, resolved text, run
// settings, and room for its replicates (what run_scenarios and an MPI ensemble
// fill in).
std::vector<ScenarioResult> empty_results(const std::vector<Scenario>& scenarios, const ModelFactory& factory);

// Several scenarios with the same seeds (common random numbers: replicate r of
// every scenario draws from the same streams). Every (scenario, replicate) pair
// is one task on the thread pool, so a comparison keeps both cores busy however
// its replicates divide between scenarios; each task is a pure function of
// (scenario, seed, replicate), so the results do not depend on the thread count.
std::vector<ScenarioResult> run_scenarios(const std::vector<Scenario>& scenarios, const ModelFactory& factory,
                                          const RunOptions& options);

// One replicate, exposed for tests and benchmarks.
ReplicateResult run_replicate(const Scenario& scenario, const ModelFactory& factory, uint32_t replicate,
                              const RunOptions& options, std::vector<MetricInfo>* metrics = nullptr,
                              EventRegistry* event_types = nullptr);

}  // namespace sgsim
