#pragma once
// The agenda: what is due on each simulated day. Hazards are constant between
// state changes, so a module draws an agent's next event ahead and files it here
// rather than rolling dice for every child every day (DESIGN.md §3 principle 5);
// a day's work is then proportional to what happens, not to the population.
#include <algorithm>
#include <compare>
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
    buckets_.assign(static_cast<size_t>(days_) * names_.size(), {});
  }

  // Kinds must all be registered before set_horizon().
  AgendaKind add_kind(std::string name) {
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
    buckets_[static_cast<size_t>(day) * names_.size() + kind.index].push_back({id, payload});
  }

  // Today's entries of one kind, in the order filed (deterministic: filing only
  // happens in serial phases or in the ordered merge of a parallel phase).
  std::vector<AgendaEntry>& due(int32_t day, AgendaKind kind) {
    return buckets_[static_cast<size_t>(day) * names_.size() + kind.index];
  }
  // Release a finished day's memory.
  void release(int32_t day) {
    for (size_t k = 0; k < names_.size(); ++k) {
      auto& b = buckets_[static_cast<size_t>(day) * names_.size() + k];
      std::vector<AgendaEntry>().swap(b);
    }
  }
  uint64_t beyond_horizon() const { return beyond_horizon_; }
  // Checkpoints: the entries still to come (days before `from` are spent).
  void save(StateOut& ar, int32_t from) const {
    ar(days_, names_, beyond_horizon_);
    for (size_t i = static_cast<size_t>(std::max(from, 0)) * names_.size(); i < buckets_.size(); ++i) ar(buckets_[i]);
  }
  void load(StateIn& ar, int32_t from) {
    int32_t days = 0;
    std::vector<std::string> names;
    ar(days, names, beyond_horizon_);
    if (days != days_ || names != names_) throw std::runtime_error("the agenda has other kinds or another horizon");
    for (size_t i = static_cast<size_t>(std::max(from, 0)) * names_.size(); i < buckets_.size(); ++i) ar(buckets_[i]);
  }
  size_t pending() const {
    size_t n = 0;
    for (const auto& b : buckets_) n += b.size();
    return n;
  }

 private:
  int32_t days_ = 0;
  std::vector<std::string> names_;
  std::vector<std::vector<AgendaEntry>> buckets_;
  uint64_t beyond_horizon_ = 0;
};

}  // namespace sgsim
