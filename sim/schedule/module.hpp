#pragma once
// The module interface (after Starsim: parameters, states, a step, results).
// A module declares its parameters, its state columns, metrics and event kinds,
// sets up its initial state, and registers work in the day's phases. Adding a
// policy lever is adding a parameter and the rule that reads it — nowhere else.
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/params/registry.hpp"
#include "sim/schedule/world.hpp"

namespace sgsim {

// The fixed order of a simulated day (documented in docs/ODD.md §"Process overview"):
enum class Phase {
  arrivals,    // who is in the area: births, moves in and out, 18th birthdays
  households,  // household-level changes (carer stressors) that alter children's hazards
  children,    // child-level events due today, in parallel
  agencies,    // capacity-limited agency work, in a fixed order (queues, allocation, matching)
  accounting,  // stocks, costs and the day's metrics
};
inline constexpr Phase kPhases[] = {Phase::arrivals, Phase::households, Phase::children, Phase::agencies,
                                    Phase::accounting};
std::string_view to_string(Phase);

// What a parallel child kernel may do besides writing its own children's columns:
// emit events, file agenda entries and count metrics. Each chunk has its own
// Emitter; the scheduler merges them in chunk order, so the result does not
// depend on which thread ran which chunk.
class Emitter {
 public:
  explicit Emitter(int32_t day) : day_(day) {}
  void event(AgentId child, EventKind kind, AgencyId agency, int32_t detail) {
    events_.push_back({day_, child, kind.index, agency.index, detail});
  }
  void file(int32_t day, AgendaKind kind, AgentId id, uint32_t payload = 0) { filed_.push_back({day, kind, {id, payload}}); }
  void count(MetricId m, double v = 1.0) {
    if (m.index >= counts_.size()) counts_.resize(m.index + 1u, 0.0);
    counts_[m.index] += v;
  }
  int32_t day() const { return day_; }

 private:
  friend class Scheduler;
  struct Filed {
    int32_t day;
    AgendaKind kind;
    AgendaEntry entry;
  };
  int32_t day_;
  std::vector<Event> events_;
  std::vector<Filed> filed_;
  std::vector<double> counts_;
};

using SerialWork = std::function<void(World&)>;
// Runs over a chunk of today's due ids; may write only those ids' rows.
using ChildKernel = std::function<void(World&, std::span<const AgendaEntry>, Emitter&)>;

class DayPlan {
 public:
  void serial(Phase phase, std::string name, SerialWork work) {
    items_.push_back({phase, std::move(name), std::move(work), {}, {}});
  }
  // Work on the children due today under `kind`, in parallel chunks.
  void children_due(Phase phase, std::string name, AgendaKind kind, ChildKernel kernel) {
    items_.push_back({phase, std::move(name), {}, kind, std::move(kernel)});
  }

  struct Item {
    Phase phase;
    std::string name;
    SerialWork serial;
    AgendaKind due;
    ChildKernel kernel;
  };
  const std::vector<Item>& items() const { return items_; }

 private:
  std::vector<Item> items_;
};

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string_view name() const = 0;     // also the parameter prefix
  virtual std::string_view summary() const = 0;  // one line for `sgsim describe`
  virtual void declare_parameters(ParamDeclarer&) = 0;
  virtual void declare_state(World&) = 0;  // columns, agenda kinds, event kinds, metrics
  virtual void initialise(World&) = 0;     // day-0 state, after parameters are bound
  // Whether initialise() uses or changes the Nation's shared services in a
  // national run. A national run builds its authorities side by side but
  // initialises such a module authority by authority in table order
  // (Simulation::initialise), so that the shared services come out the same.
  virtual bool initialises_national_services() const { return false; }
  // Parameters were changed during the run (a branch, Simulation): re-derive
  // anything initialise() computed from them. Fields bound to parameters are
  // already updated; rules that read them daily need nothing.
  virtual void parameters_changed(World&) {}
  virtual void plan_day(DayPlan&) = 0;
  // Checkpoints (sgsim run --checkpoint): write, and read back in the same
  // order, every piece of state the module keeps outside the World that changes
  // after initialise() — queues, maps, pools, per-worker lists, running totals.
  // What initialise() derives from parameters alone need not be written: a
  // resumed run is set up as a fresh one and then loaded. A module with no such
  // state writes nothing and says why. Missing a field breaks the split-run test
  // (tests/sim/test_checkpoint.cpp), not silently the run.
  virtual void save(StateOut&) const = 0;
  virtual void load(StateIn&) = 0;
};

using ModuleList = std::vector<std::unique_ptr<Module>>;
using ModelFactory = std::function<ModuleList()>;

}  // namespace sgsim
