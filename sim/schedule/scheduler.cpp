#include "sim/schedule/scheduler.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>

namespace sgsim {

std::string_view to_string(Phase p) {
  switch (p) {
    case Phase::arrivals: return "arrivals";
    case Phase::households: return "households";
    case Phase::children: return "children";
    case Phase::agencies: return "agencies";
    case Phase::accounting: return "accounting";
  }
  return "?";
}

Scheduler::Scheduler(const ModuleList& modules, World& world) : world_(world) {
  for (const auto& m : modules) m->plan_day(plan_);
}

void Scheduler::run_parallel(const DayPlan::Item& item) {
  auto& due = world_.agenda.due(world_.today, item.due);
  // An id may have been filed twice for the same day (rescheduled after a state
  // change); each child must be handled once, by one thread. Child kernels act on
  // the child, so entries are made unique by id (payloads are for serial work).
  std::sort(due.begin(), due.end());
  due.erase(std::unique(due.begin(), due.end(), [](const AgendaEntry& a, const AgendaEntry& b) { return a.id == b.id; }),
            due.end());
  if (due.empty()) return;

  const size_t chunks = (due.size() + kGrain - 1) / kGrain;
  std::vector<Emitter> out(chunks, Emitter(world_.today));
  auto run_chunk = [&](size_t c) {
    const size_t begin = c * kGrain, end = std::min(due.size(), begin + kGrain);
    item.kernel(world_, std::span<const AgendaEntry>(due.data() + begin, end - begin), out[c]);
  };
  if (chunks == 1) {
    run_chunk(0);
  } else {
    tbb::parallel_for(size_t{0}, chunks, run_chunk);
  }
  for (auto& e : out) {
    world_.events_today.insert(world_.events_today.end(), e.events_.begin(), e.events_.end());
    for (const auto& f : e.filed_) world_.agenda.file(f.day, f.kind, f.entry.id, f.entry.payload);
    for (size_t m = 0; m < e.counts_.size(); ++m)
      if (e.counts_[m] != 0.0) world_.metrics.add_to(MetricId{static_cast<uint16_t>(m)}, e.counts_[m]);
  }
}

void Scheduler::run_day(int32_t day) {
  begin_day(day);
  for (Phase phase : kPhases) run_phase(phase);
  end_day();
}

void Scheduler::begin_day(int32_t day) {
  world_.today = day;
  for (ColumnTable* t : world_.tables()) t->begin_day();
}

void Scheduler::run_phase(Phase phase) {
  for (const auto& item : plan_.items()) {
    if (item.phase != phase) continue;
    if (item.kernel) run_parallel(item);
    else item.serial(world_);
  }
}

void Scheduler::end_day() {
  const int32_t day = world_.today;
  world_.child_days += static_cast<double>(world_.children.active_count());
  const int32_t output_day = day - world_.record_from;
  world_.metrics.close_day(output_day);
  // The burn-in's events are kept too (negative days), so that every child in the
  // system at start_date has its history in the log: the SSDA903 and CIN census
  // exports need each episode from its start.
  if (world_.keep_event_log)
    for (Event e : world_.events_today) {
      e.day = output_day;  // the log counts days from start_date
      world_.event_log.push_back(e);
    }
  // Cleared after the day rather than before it, so that what modules log while
  // they initialise (the first day's children in care) is kept as day 0's.
  world_.events_today.clear();
  world_.agenda.release(day);
}

}  // namespace sgsim
