#pragma once
// One replicate's state: the agent tables, the agenda of things due, the day's
// events and the daily metrics. Modules read and write it only from the phases
// they registered (see scheduler.hpp for the order).
#include <algorithm>
#include <array>
#include <vector>

#include "sim/calendar/calendar.hpp"
#include "sim/random/streams.hpp"
#include "sim/schedule/agenda.hpp"
#include "sim/schedule/events.hpp"
#include "sim/schedule/metrics.hpp"
#include "sim/schedule/nation.hpp"
#include "sim/storage/columns.hpp"

namespace sgsim {

struct World {
  World(const Calendar& cal, RandomStreams streams, double population_scale, bool keep_events)
      : calendar(cal), rng(streams), scale(population_scale), keep_event_log(keep_events) {}

  const Calendar& calendar;
  RandomStreams rng;
  double scale;  // fraction of the scenario's population simulated (--scale)
  int32_t today = 0;        // internal day: 0 is the first day simulated (burn-in included)
  int32_t record_from = 0;  // the internal day that is output day 0 (start_date)
  // In a national run, the authorities' shared services and which authority this
  // World is (sim/schedule/nation.hpp); nullptr in a run of one authority.
  Nation* nation = nullptr;
  uint16_t authority = 0;

  ColumnTable children{"children"};
  ColumnTable households{"households"};
  ColumnTable workers{"workers"};
  ColumnTable providers{"providers"};
  ColumnTable care_leavers{"care_leavers"};  // young people 18-25 who left care
  // A row for each child the care module has dealt with (looked after now or
  // before, or in care proceedings): about 2% of the child rows over ten years,
  // so care's state is kept here and a child row holds only the row number
  // (models/care/care.hpp).
  ColumnTable care_records{"care_records"};
  // A row for each child children's social care has had a referral or a status
  // for (about a third of the child rows over ten years): casework's state
  // (models/casework/casework.hpp), as care_records is care's.
  ColumnTable case_records{"case_records"};

  // Every agent table, in a fixed order (checkpoints, descriptions, day start).
  std::array<ColumnTable*, 7> tables() {
    return {&children, &households, &workers, &providers, &care_leavers, &care_records, &case_records};
  }
  std::array<const ColumnTable*, 7> tables() const {
    return {&children, &households, &workers, &providers, &care_leavers, &care_records, &case_records};
  }

  Agenda agenda;
  EventRegistry event_types;
  Metrics metrics;

  std::vector<Event> events_today;  // merged in a deterministic order
  bool keep_event_log;
  std::vector<Event> event_log;

  // Children simulated so far, day by day (for child-days per second).
  double child_days = 0.0;

  // Checkpoints: everything above that changes from day to day. The random
  // streams are counter-based (keyed by seed, replicate, agent and day), so they
  // carry no state; a branch's fork is re-applied by the Simulation.
  void save(StateOut& ar) const {
    ar(today, record_from, child_days);
    for (const ColumnTable* t : tables()) t->save(ar);
    agenda.save(ar, today);
    metrics.save(ar);
    ar(events_today, event_log, trace_log);
  }
  void load(StateIn& ar) {
    ar(today, record_from, child_days);
    for (ColumnTable* t : tables()) t->load(ar);
    agenda.load(ar, today);
    metrics.load(ar);
    ar(events_today, event_log, trace_log);
  }

  Draws draws(StreamId stream, AgentId agent) const { return rng.draws(stream, agent, today); }

  // A decision or step logged by a serial phase (a contact screened, a referral,
  // a change of status). Kept only when the run keeps its event log: no module
  // reads these back, so a run without --events does not pay for them.
  void log(AgentId child, EventKind kind, int32_t detail, AgencyId agency = {}) {
    if (keep_event_log) events_today.push_back(Event{today, child, kind.index, agency.index, detail});
  }

  // Tracing one child (sgsim trace): for the children in `traced_children`, or
  // every child with `trace_everyone`, serial phases record each decision with
  // what it rested on — the estimate, the threshold it was held against and the
  // workload then — and what each agency saw and did, beside the event log. A
  // module checks traced(c) first, so an untraced run pays one test.
  std::vector<AgentId> traced_children;  // sorted
  std::vector<AgentId> scripted_children;  // a vignette's children, in its order (traced too)
  bool trace_everyone = false;
  struct TraceRecord {
    int32_t day;
    AgentId child;
    uint16_t kind;    // an event kind (event_types)
    uint16_t agency;  // 0 none
    int32_t detail;   // the kind's code
    float estimate, threshold, workload;
    SGSIM_STATE(day, child, kind, agency, detail, estimate, threshold, workload)
  };
  std::vector<TraceRecord> trace_log;
  bool traced(AgentId c) const {
    return trace_everyone ||
           (!traced_children.empty() && std::binary_search(traced_children.begin(), traced_children.end(), c));
  }
  void trace(AgentId c, EventKind kind, int32_t detail, double estimate = 0, double threshold = 0, double workload = 0,
             AgencyId agency = {}) {
    if (traced(c))
      trace_log.push_back(TraceRecord{today, c, kind.index, agency.index, detail, static_cast<float>(estimate),
                                      static_cast<float>(threshold), static_cast<float>(workload)});
  }
};

// A module's columns in one of World's side tables (care_records,
// case_records), reached through a column of children (SideRows): `get` reads a
// child's value, `at` writes it and adds the child's row the first time.
template <ColumnTable World::*Side>
struct ChildRecords : SideRows {
  template <class T>
  T get(const World& w, Col<T> col, AgentId c) const {
    return SideRows::get(w.children, w.*Side, col, c);
  }
  template <class T>
  T& at(World& w, Col<T> col, AgentId c) const {
    return SideRows::at(w.children, w.*Side, col, c);
  }
};
using CareRecords = ChildRecords<&World::care_records>;
using CaseRecords = ChildRecords<&World::case_records>;

// A stream id from a stable name, so adding a stream in one module never shifts
// the numbers another module draws (FNV-1a, 32 bits).
constexpr StreamId stream_id(std::string_view name) {
  uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return h;
}

}  // namespace sgsim
