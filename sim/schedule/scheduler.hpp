#pragma once
// Runs one simulated day: every phase in the order of `Phase`, and within a phase
// the modules' work in module order. Parallel child work is chunked by a fixed
// grain (not by thread count) and merged in chunk order: the same seed gives the
// same output on any number of threads (DESIGN.md §3 principles 1 and 4).
#include "sim/schedule/module.hpp"

namespace sgsim {

class Scheduler {
 public:
  Scheduler(const ModuleList& modules, World& world);
  void run_day(int32_t day);
  // The same day in parts, for a national run that interleaves authorities
  // (sim/run/national.hpp): begin_day, each phase in order, end_day.
  void begin_day(int32_t day);
  void run_phase(Phase phase);
  void end_day();

  static constexpr size_t kGrain = 512;  // ids per parallel chunk

 private:
  void run_parallel(const DayPlan::Item& item);
  World& world_;
  DayPlan plan_;
};

}  // namespace sgsim
