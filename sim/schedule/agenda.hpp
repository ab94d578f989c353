#pragma once
// The agenda: what is due on each simulated day. Hazards are constant between
// state changes, so a module draws an agent's next event ahead and files it here
// rather than rolling dice for every child every day (DESIGN.md §3 principle 5);
// a day's work is then proportional to what happens, not to the population.
#include <algorithm>
#include <array>
#include <compare>
#include <stdexcept>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/storage/columns.hpp"
#include "sim/storage/pod_vector.hpp"

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
    blocks_.clear();
    blocks_.resize((static_cast<size_t>(days_) + kBlockDays - 1) / kBlockDays);
    sorted_through_ = -1;
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
      return;
    }
    const Filed f{id, payload, static_cast<uint8_t>(kind.index)};
    const size_t block = static_cast<size_t>(day) / kBlockDays;
    if (static_cast<int64_t>(block) <= sorted_through_) {
      file_in_day(day, f);
    } else {
      // A day beyond the blocks sorted into days: into its block's list, whose
      // end is one of a few hundred (warm in the cache) rather than one of
      // thousands of days' lists (a cache miss each at national scale).
      blocks_[block].push_back({f, static_cast<uint8_t>(static_cast<size_t>(day) % kBlockDays)});
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
    for (const auto& b : blocks_) n += b.size();
    for (const auto& b : open_) n += b.size();
    return n;
  }
  // Checkpoints: the entries still to come (days before `from` are spent), day
  // by day in filing order, whether a day's entries are still in its block's
  // list or already in its own.
  void save(StateOut& ar, int32_t from) const {
    ar(days_, names_, beyond_horizon_, open_day_, open_);
    const size_t first = static_cast<size_t>(std::max(from, 0));
    for (size_t block = first / kBlockDays; block * kBlockDays < future_.size(); ++block) {
      const size_t start = block * kBlockDays, end = std::min(start + kBlockDays, future_.size());
      if (static_cast<int64_t>(block) <= sorted_through_) {
        for (size_t i = std::max(start, first); i < end; ++i) ar(future_[i]);
        continue;
      }
      std::array<Day, kBlockDays> days;
      for (const Ahead& a : blocks_[block]) days[a.offset].filed.push_back(a.entry);
      for (size_t i = std::max(start, first); i < end; ++i) ar(days[i - start]);
    }
  }
  void load(StateIn& ar, int32_t from) {
    int32_t days = 0;
    std::vector<std::string> names;
    ar(days, names, beyond_horizon_, open_day_, open_);
    if (days != days_ || names != names_) throw std::runtime_error("the agenda has other kinds or another horizon");
    if (open_.size() != names_.size()) throw std::runtime_error("the agenda's open day has other kinds");
    // The days before `from` are spent: their blocks count as sorted into days.
    for (auto& b : blocks_) b.clear();
    sorted_through_ = from > 0 ? static_cast<int64_t>((from - 1) / kBlockDays) : -1;
    for (size_t i = static_cast<size_t>(std::max(from, 0)); i < future_.size(); ++i) {
      Day d;
      ar(d);
      if (static_cast<int64_t>(i / kBlockDays) <= sorted_through_) {
        future_[i] = std::move(d);
      } else {
        future_[i] = Day{};
        for (const Filed& f : d.filed) blocks_[i / kBlockDays].push_back({f, static_cast<uint8_t>(i % kBlockDays)});
      }
    }
  }

 private:
  // The entries filed for a day not yet open, in filing order, and each one's
  // kind beside it (a byte each, rather than a list per day and kind: a long
  // run's empty lists would be one per day and kind, and a national run has a
  // World per authority).
  //
  // An entry and its kind are one packed 9-byte record, so that filing touches
  // one list rather than two. A checkpoint holds them as two lists, as before.
  //
  // Most entries are filed far ahead (a child's next harm, years away). Filing
  // each straight into its day's list touched the end of one of 3,652 lists, a
  // cache miss at national scale where every authority's lists together are far
  // larger than the cache (growing those lists was 4-5% of a national run in perf).
  // Entries for days beyond the current block go to their block's list instead
  // (29 list ends, used often enough to stay warm), and a block is sorted into
  // its days when its first day opens (sort_blocks_through).
#pragma pack(push, 1)
  struct Filed {
    AgentId id;
    uint32_t payload;
    uint8_t kind;
  };
#pragma pack(pop)
  static_assert(sizeof(Filed) == 9);
  // The lists grow with realloc (PodVector): a large authority's lists pass the
  // mmap threshold, where a std::vector growing by copying faulted in fresh pages
  // and unmapped the old ones at every step (docs/performance.md).
  struct Day {
    PodVector<Filed> filed;
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
  // Sort every block up to the day's into its days' lists: one pass counting
  // each day's entries, lists of just that size (a day's list is not copied as
  // it grows; room for an eighth more, filed while the block is near), a pass
  // copying in filing order. A day's list is then its entries in filing order,
  // whether they came through the block or were filed once it was sorted.
  void sort_blocks_through(int32_t day) {
    const auto last = static_cast<int64_t>(static_cast<size_t>(day) / kBlockDays);
    while (sorted_through_ < last) {
      const size_t block = static_cast<size_t>(++sorted_through_);
      PodVector<Ahead>& b = blocks_[block];
      std::array<size_t, kBlockDays> count{};
      for (const Ahead& a : b) ++count[a.offset];
      const size_t start = block * kBlockDays;
      for (size_t o = 0; o < kBlockDays && start + o < future_.size(); ++o)
        future_[start + o].filed.reserve(count[o] + count[o] / 8 + 4);
      for (const Ahead& a : b) future_[start + a.offset].filed.push_back(a.entry);
      b = PodVector<Ahead>();
    }
  }
  void file_in_day(int32_t day, const Filed& f) {
    // Lists grow by a quarter at a time (PodVector): the spare room of doubling,
    // over every World's days, was close to a gigabyte for England.
    future_[static_cast<size_t>(day)].filed.push_back(f);
  }
  void open(int32_t day) {
    if (day == open_day_) return;
    sort_blocks_through(day);
    for (auto& v : open_) v.clear();
    Day& d = future_[static_cast<size_t>(day)];
    for (const Filed& f : d.filed) open_[f.kind].push_back({f.id, f.payload});
    d = Day{};
    open_day_ = day;
  }

  // An entry filed for a day beyond the sorted blocks, with its day's place in
  // the block.
#pragma pack(push, 1)
  struct Ahead {
    Filed entry;
    uint8_t offset;
  };
#pragma pack(pop)
  static_assert(sizeof(Ahead) == 10);
  // Days per block: the lists of entries filed far ahead are one per block
  // (29 over a ten-year run) rather than one per day, and a block's days are
  // sorted out when its first day opens. A block's days must fit Ahead::offset.
  static constexpr size_t kBlockDays = 128;

  int32_t days_ = 0;
  std::vector<std::string> names_;
  std::vector<Day> future_;                         // per day, for the blocks sorted into days
  std::vector<PodVector<Ahead>> blocks_;            // per block not yet sorted into days
  int64_t sorted_through_ = -1;                     // the last block sorted into days
  int32_t open_day_ = -1;                           // the day whose entries are sorted into kinds
  std::vector<std::vector<AgendaEntry>> open_;      // that day's entries, by kind
  uint64_t beyond_horizon_ = 0;
};

}  // namespace sgsim
