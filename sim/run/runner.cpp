#include "sim/run/runner.hpp"

#include <tbb/parallel_for.h>

#include <tbb/blocked_range.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "sim/run/checkpoint.hpp"
#include "sim/run/national.hpp"
#include "sim/schedule/scheduler.hpp"

namespace sgsim {

void declare_run_parameters(ParamDeclarer& d, RunSettings& s) {
  d.date(s.start_date, {"start_date", "2024-04-01", "first simulated day (the start of a reporting year by default)",
                        "DfE statistics report years to 31 March"});
  d.integer(s.days, {"days", "days", 1826, 1, 36525, "simulated days", Provenance::user, "five years by default"});
  d.integer(s.replicates, {"replicates", "runs", 4, 1, 100000, "independent replicates (overridden by -r)",
                           Provenance::user, "choose for the precision needed"});
  d.integer(s.seed, {"seed", "", 20240401, 0, 9007199254740991, "random seed (overridden by --seed)", Provenance::user,
                     "any value; the same seed gives the same output"});
  d.choice(s.holidays, {"holidays", "england_and_wales", {"england_and_wales", "none"},
                        "bank holidays removed from working days (statutory timescales count working days)",
                        Provenance::national, "gov.uk bank holidays"});
  d.integer(s.measure_days, {"measure_days", "days", 365, 1, 36525,
                             "length of the window at the end of the run over which summaries are taken",
                             Provenance::user, "DESIGN.md §8: calibration uses the last simulated year"});
  d.integer(s.burn_in_days, {"burn_in_days", "days", 0, 0, 36525,
                             "days simulated before start_date so that case stocks reach their level; left out of "
                             "every output", Provenance::user,
                             "DESIGN.md §8: stocks start at their levels or after a documented burn-in"});
}

std::unique_ptr<BoundModel> bind_model(const ModelFactory& factory) {
  auto m = std::make_unique<BoundModel>();
  ParamDeclarer run(m->registry, "run");
  declare_run_parameters(run, m->run);
  m->modules = factory();
  for (auto& mod : m->modules) {
    ParamDeclarer d(m->registry, std::string(mod->name()));
    mod->declare_parameters(d);
  }
  return m;
}

namespace {
// An authority's seed in a national run: the run's seed moved by a fixed odd
// constant per authority (the golden-ratio increment of SplitMix64), so every
// authority has streams of its own and the run is still one seed.
uint64_t authority_seed(uint64_t seed, Nation* nation, uint16_t authority) {
  constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;
  return nation ? seed + kGolden * (static_cast<uint64_t>(authority) + 1) : seed;
}
}  // namespace

Simulation::Simulation(const Scenario& scenario, const ModelFactory& factory, uint32_t replicate,
                       const RunOptions& options, Nation* nation, uint16_t authority, bool staged)
    : model_(bind_model(factory)), branch_(options.branch), started_(std::chrono::steady_clock::now()) {
  model_->registry.apply(scenario.overrides);
  const RunSettings& rs = model_->run;
  // The internal day 0 is the first burn-in day; outputs start at start_date.
  const Date start = *parse_iso_date(rs.start_date);
  calendar_ = std::make_unique<Calendar>(Date{start.serial - static_cast<int32_t>(rs.burn_in_days)}, days(),
                                         *parse_holiday_rule(rs.holidays));
  world_ = std::make_unique<World>(
      *calendar_, RandomStreams(authority_seed(static_cast<uint64_t>(rs.seed), nation, authority), replicate),
      options.scale, options.keep_event_log);
  world_->nation = nation;
  world_->authority = authority;
  world_->record_from = static_cast<int32_t>(rs.burn_in_days);
  world_->traced_children = options.traced_children;
  std::sort(world_->traced_children.begin(), world_->traced_children.end());
  world_->trace_everyone = options.trace_everyone;
  for (auto& m : model_->modules) m->declare_state(*world_);
  world_->agenda.set_horizon(days());
  world_->metrics.set_days(static_cast<int32_t>(rs.days));
  if (!staged)
    for (Stage s : {Stage::before_national, Stage::national, Stage::after_national}) initialise(s);
}

void Simulation::initialise(Stage stage) {
  const ModuleList& ms = model_->modules;
  auto national = [&](size_t i) { return world_->nation != nullptr && ms[i]->initialises_national_services(); };
  auto more = [&] { return initialised_ < ms.size(); };
  switch (stage) {
    case Stage::before_national:
      while (more() && !national(initialised_)) ms[initialised_++]->initialise(*world_);
      return;
    case Stage::national:
      while (more() && national(initialised_)) ms[initialised_++]->initialise(*world_);
      return;
    case Stage::after_national:
      for (; more(); ++initialised_) {
        // Two runs of such modules apart would need a stage each.
        if (national(initialised_)) throw std::logic_error("modules that use national services must be adjacent");
        ms[initialised_]->initialise(*world_);
      }
      break;
  }
  scheduler_ = std::make_unique<Scheduler>(model_->modules, *world_);
  // The registry (every parameter's path, unit, meaning and source: about 0.4 MB)
  // is needed again only to apply a branch's changes; a national run holds a
  // Simulation for each of its authorities, so the others let it go.
  if (!branch_) model_->registry = ParamRegistry{};
}

Simulation::~Simulation() = default;

void Simulation::step() {
  begin_day();
  for (Phase phase : kPhases) run_phase(phase);
  end_day();
}

void Simulation::run_phase(Phase phase) { scheduler_->run_phase(phase); }

void Simulation::end_day() {
  scheduler_->end_day();
  ++day_;
}

void Simulation::begin_day() {
  if (branch_ && day_ == branch_->day) {
    model_->registry.apply(branch_->changes);
    // Only the modules whose parameters changed re-derive (so a branch that
    // changes nothing is the run itself).
    for (auto& m : model_->modules)
      for (const auto& [path, value] : branch_->changes)
        if (path.compare(0, m->name().size() + 1, std::string(m->name()) + ".") == 0) {
          m->parameters_changed(*world_);
          break;
        }
    world_->rng.fork(day_, branch_->continuation);
  }
  scheduler_->begin_day(day_);
}

namespace {
// Written after each module's state: reading it back proves the module read
// exactly what it wrote.
constexpr uint64_t kModuleEnd = 0x73677369'6d2d6d64ull;
}  // namespace

void Simulation::save(StateOut& ar) const {
  ar(day_);
  world_->save(ar);
  for (const auto& m : model_->modules) {
    ar(std::string(m->name()));
    m->save(ar);
    ar(kModuleEnd);
  }
}

void Simulation::load(StateIn& ar) {
  ar(day_);
  world_->load(ar);
  for (auto& m : model_->modules) {
    std::string name;
    ar(name);
    if (name != m->name())
      throw std::runtime_error("the checkpoint holds module '" + name + "' where this model has '" +
                               std::string(m->name()) + "'");
    m->load(ar);
    uint64_t end = 0;
    ar(end);
    if (end != kModuleEnd) throw std::runtime_error("module " + name + "'s state did not read back as written");
  }
  // A branch already taken would need its parameter changes re-applied without
  // the draws parameters_changed() makes on the branch day; branches are for
  // traces, which never checkpoint, so the case is refused rather than guessed.
  if (branch_ && day_ > branch_->day)
    throw std::logic_error("a checkpoint taken after a branch day cannot be resumed");
}

ReplicateResult Simulation::finish() {
  ReplicateResult r;
  World& w = *world_;
  for (size_t i = 0; i < w.metrics.size(); ++i) r.series.push_back(w.metrics.series(i));
  r.events = std::move(w.event_log);
  if (!r.events.empty()) {
    std::vector<AgentId> ids;
    for (const Event& e : r.events) ids.push_back(e.child);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const auto birth = w.children.find<int32_t>("birth_day");
    const auto sex = w.children.find<uint8_t>("sex");
    for (AgentId c : ids)
      if (c < w.children.rows()) r.children.push_back({c, w.children[birth][c] - w.record_from, w.children[sex][c]});
  }
  r.child_days = w.child_days;
  r.state_bytes = w.children.bytes() + w.households.bytes();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return r;
}

std::vector<ModuleDescription> describe_modules(const ModelFactory& factory) {
  auto model = bind_model(factory);
  const Calendar calendar(make_date(2024, 4, 1), 1, HolidayRule::none);
  World world(calendar, RandomStreams(0, 0), 1.0, false);
  const auto tables = world.tables();
  std::vector<ModuleDescription> out;
  for (auto& m : model->modules) {
    ModuleDescription d;
    d.name = std::string(m->name());
    d.summary = std::string(m->summary());
    std::vector<size_t> before;
    for (auto* t : tables) before.push_back(t->describe().size());
    const size_t metrics_before = world.metrics.size();
    m->declare_state(world);
    for (size_t i = 0; i < tables.size(); ++i) {
      const auto cols = tables[i]->describe();
      for (size_t c = before[i]; c < cols.size(); ++c) d.columns.emplace_back(tables[i]->name(), cols[c]);
    }
    for (size_t k = metrics_before; k < world.metrics.size(); ++k) d.metrics.push_back(world.metrics.info()[k]);
    DayPlan plan;
    m->plan_day(plan);
    for (Phase ph : kPhases)
      for (const auto& item : plan.items())
        if (item.phase == ph) d.work.emplace_back(ph, item.name + (item.kernel ? " (parallel over children due)" : ""));
    out.push_back(std::move(d));
  }
  return out;
}

ReplicateResult run_replicate(const Scenario& scenario, const ModelFactory& factory, uint32_t replicate,
                              const RunOptions& options, std::vector<MetricInfo>* metrics,
                              EventRegistry* event_types) {
  if (options.cancel && options.cancel->load(std::memory_order_relaxed)) throw Cancelled();
  if (!scenario.authorities.empty())
    return run_national_replicate(scenario, factory, replicate, options, metrics, event_types);
  Simulation sim(scenario, factory, replicate, options);  // builds the population: seconds at national scale
  const CheckpointPlan* ck = options.checkpoint ? &*options.checkpoint : nullptr;
  if (ck && std::filesystem::exists(ck->path) && read_checkpoint_header(ck->path).fingerprint == ck->fingerprint)
    load_checkpoint(ck->path, sim);  // this run was under way: carry on from its last checkpoint
  while (!sim.done()) {
    if (options.cancel && options.cancel->load(std::memory_order_relaxed)) throw Cancelled();
    const int32_t day = sim.day();
    sim.step();
    if (ck && ck->every > 0 && sim.day() % ck->every == 0 && !sim.done())
      write_checkpoint(ck->path, {"", ck->command, ck->fingerprint, ck->scenario, replicate, sim.day()}, sim);
    if (options.progress) {
      Progress p;
      p.replicate = replicate;
      p.day = day - static_cast<int64_t>(sim.world().record_from);
      p.days_done = 1;
      p.child_days = static_cast<double>(sim.world().children.active_count());
      options.progress(p);
    }
  }
  if (metrics) *metrics = sim.world().metrics.info();
  if (event_types) *event_types = sim.world().event_types;
  return sim.finish();
}

ScenarioResult run_scenario(const Scenario& scenario, const ModelFactory& factory, const RunOptions& options) {
  return std::move(run_scenarios({scenario}, factory, options).front());
}

std::vector<ScenarioResult> empty_results(const std::vector<Scenario>& scenarios, const ModelFactory& factory) {
  std::vector<ScenarioResult> out(scenarios.size());
  for (size_t s = 0; s < scenarios.size(); ++s) {
    auto model = bind_model(factory);
    model->registry.apply(scenarios[s].overrides);
    out[s].name = scenarios[s].name;
    out[s].resolved = resolved_yaml(scenarios[s], model->registry);
    out[s].run = model->run;
    out[s].replicates.resize(static_cast<size_t>(model->run.replicates));
  }
  return out;
}

std::vector<ScenarioResult> run_scenarios(const std::vector<Scenario>& scenarios, const ModelFactory& factory,
                                          const RunOptions& options) {
  std::vector<ScenarioResult> out = empty_results(scenarios, factory);
  struct Task {
    size_t scenario;
    uint32_t replicate;
  };
  std::vector<Task> tasks;
  Progress total;
  for (size_t s = 0; s < scenarios.size(); ++s) {
    const int64_t n = out[s].run.replicates;
    for (int64_t r = 0; r < n; ++r) tasks.push_back({s, static_cast<uint32_t>(r)});
    total.replicates += n;
    total.days_total += n * (out[s].run.days + out[s].run.burn_in_days);
  }

  // Progress is aggregated here so the callback sees whole-run totals.
  std::mutex mu;
  RunOptions per = options;
  if (options.progress) {
    per.progress = [&](const Progress& p) {
      std::lock_guard lock(mu);
      total.days_done += p.days_done;
      total.child_days += p.child_days;
      total.replicates_done += p.replicates_done;
      if (p.days_done > 0) {  // a day report, not a "replicate finished" one
        total.replicate = p.replicate;
        total.day = p.day;
      }
      options.progress(total);
    };
  }
  // Grain 1: each task is a whole replicate, seconds to minutes of work.
  tbb::parallel_for(tbb::blocked_range<size_t>(0, tasks.size(), 1), [&](const tbb::blocked_range<size_t>& range) {
    for (size_t i = range.begin(); i != range.end(); ++i) {
      const auto [s, r] = tasks[i];
      ScenarioResult& res = out[s];
      res.replicates[r] = run_replicate(scenarios[s], factory, r, per, r == 0 ? &res.metrics : nullptr,
                                        r == 0 ? &res.event_types : nullptr);
      if (per.progress) {
        Progress p;
        p.replicates_done = 1;
        per.progress(p);
      }
    }
  });
  return out;
}

}  // namespace sgsim
