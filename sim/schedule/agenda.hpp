#pragma once
// The agenda: what is due on each simulated day. Hazards are constant between
// state changes, so a module draws an agent's next event ahead and files it here
// rather than rolling dice for every child every day (DESIGN.md §3 principle 5);
// a day's work is then proportional to what happens, not to the population.
#include <algorithm>
#include <compare>
#include <stdexcept>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/storage/columns.hpp"

namespace sgsim {

struct AgendaKind {
  uint16_t index = UINT16_MAX;
};

// An agent due for something, with an optional 32-bit payload saying what (e.g.
// which agency a contact comes from). Converts to the id, so loops that only need
// the agent can ignore the payload.
struct AgendaEntry {
  AgentId id;
  uint32_t payload = 0;
  operator AgentId() const { return id; }  // NOLINT(google-explicit-constructor)
  SGSIM_STATE(id, payload)
  friend auto operator<=>(const AgendaEntry&, const AgendaEntry&) = default;
};

class Agenda {
 public:
  Agenda() = default;
  void set_horizon(int32_t days) {
    days_ = days;
    future_.assign(static_cast<size_t>(days_), {});
    open_.assign(names_.size(), {});
    open_day_ = -1;
  }

  // Kinds must all be registered before set_horizon().
  AgendaKind add_kind(std::string name) {
    if (names_.size() > UINT8_MAX) throw std::logic_error("agenda: more than 256 kinds");
    names_.push_back(std::move(name));
    return AgendaKind{static_cast<uint16_t>(names_.size() - 1)};
  }
  const std::vector<std::string>& kinds() const { return names_; }

  // File `id` under `kind` for `day`. Days past the end of the run are dropped;
  // an entry is only a reminder, and the owning module checks on the day that it
  // is still current (state may have changed since it was filed).
  void file(int32_t day, AgendaKind kind, AgentId id, uint32_t payload = 0) {
    if (day < 0 || day >= days_) {
      ++beyond_horizon_;
      return;
    }
    if (day == open_day_) {
      open_[kind.index].push_back({id, payload});
    } else {
      Day& d = future_[static_cast<size_t>(day)];
      // Lists grow by a quarter at a time (grow_by_quarter): a day's list waits up
      // to ten years to be read, and what is filed ahead for millions of children
      // (next harm, age bands, exploitation's opportunities, many of them stale by
      // then) is about 6 entries a child, so doubling's spare room (40% of the
      // lists, measured at 1% of England) was close to a gigabyte for England.
      grow_by_quarter(d.filed);
      d.filed.push_back({id, payload, static_cast<uint8_t>(kind.index)});
    }
  }

  // Today's entries of one kind, in the order filed (deterministic: filing only
  // happens in serial phases or in the ordered merge of a parallel phase). The
  // first call for a day sorts that day's entries into kinds; entries filed for
  // the day after that go straight to their kind. One day is open at a time:
  // days are simulated in order, and opening the next sets the last one aside.
  std::vector<AgendaEntry>& due(int32_t day, AgendaKind kind) {
    open(day);
    return open_[kind.index];
  }
  // Release a finished day's memory.
  void release(int32_t day) {
    if (day == open_day_) {
      for (auto& v : open_) v.clear();
      open_day_ = -1;
    }
    future_[static_cast<size_t>(day)] = Day{};
  }
  uint64_t beyond_horizon() const { return beyond_horizon_; }
  size_t pending() const {
    size_t n = 0;
    for (const auto& b : future_) n += b.filed.size();
    for (const auto& b : open_) n += b.size();
    return n;
  }
  // Checkpoints: the entries still to come (days before `from` are spent).
  void save(StateOut& ar, int32_t from) const {
    ar(days_, names_, beyond_horizon_, open_day_, open_);
    for (size_t i = static_cast<size_t>(std::max(from, 0)); i < future_.size(); ++i) ar(future_[i]);
  }
  void load(StateIn& ar, int32_t from) {
    int32_t days = 0;
    std::vector<std::string> names;
    ar(days, names, beyond_horizon_, open_day_, open_);
    if (days != days_ || names != names_) throw std::runtime_error("the agenda has other kinds or another horizon");
    if (open_.size() != names_.size()) throw std::runtime_error("the agenda's open day has other kinds");
    for (size_t i = static_cast<size_t>(std::max(from, 0)); i < future_.size(); ++i) ar(future_[i]);
  }

 private:
  // The entries filed for a day not yet open, in filing order, and each one's
  // kind beside it (a byte each, rather than a list per day and kind: a long
  // run's empty lists would be one per day and kind, and a national run has a
  // World per authority).
  //
  // An entry and its kind are one packed 9-byte record, so that filing for a
  // far day touches one list (its end is a cache miss at national scale, where
  // the days' lists of all authorities are far larger than the cache) rather
  // than two. A checkpoint holds them as two lists, as before.
#pragma pack(push, 1)
  struct Filed {
    AgentId id;
    uint32_t payload;
    uint8_t kind;
  };
#pragma pack(pop)
  static_assert(sizeof(Filed) == 9);
  struct Day {
    std::vector<Filed> filed;
    template <class Archive>
    void save(Archive& ar) const {
      std::vector<AgendaEntry> entries(filed.size());
      std::vector<uint8_t> kinds(filed.size());
      for (size_t i = 0; i < filed.size(); ++i) {
        entries[i] = {filed[i].id, filed[i].payload};
        kinds[i] = filed[i].kind;
      }
      ar(entries, kinds);
    }
    template <class Archive>
    void load(Archive& ar) {
      std::vector<AgendaEntry> entries;
      std::vector<uint8_t> kinds;
      ar(entries, kinds);
      if (kinds.size() != entries.size()) throw std::runtime_error("the agenda's day has entries without kinds");
      filed.resize(entries.size());
      for (size_t i = 0; i < filed.size(); ++i) filed[i] = {entries[i].id, entries[i].payload, kinds[i]};
    }
  };
  void open(int32_t day) {
    if (day == open_day_) return;
    for (auto& v : open_) v.clear();
    Day& d = future_[static_cast<size_t>(day)];
    for (const Filed& f : d.filed) open_[f.kind].push_back({f.id, f.payload});
    d = Day{};
    open_day_ = day;
  }

  int32_t days_ = 0;
  std::vector<std::string> names_;
  std::vector<Day> future_;                         // per day
  int32_t open_day_ = -1;                           // the day whose entries are sorted into kinds
  std::vector<std::vector<AgendaEntry>> open_;      // that day's entries, by kind
  uint64_t beyond_horizon_ = 0;
};

}  // namespace sgsim
