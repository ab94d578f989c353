#pragma once
// Column storage for agents (DESIGN.md §3 principle 3): one contiguous array per
// attribute, rows addressed by a stable id that is never reused, so that random
// draws keyed by id stay attached to the same agent for the whole run.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/storage/state_archive.hpp"

namespace sgsim {

using AgentId = uint32_t;

template <class T>
struct Col {
  uint32_t index = UINT32_MAX;
};

struct ColumnInfo {
  std::string name, type, unit, meaning;
};

class ColumnTable {
 public:
  explicit ColumnTable(std::string name) : name_(std::move(name)) {}

  // Declare a column; every existing and future row starts at `initial`.
  template <class T>
  Col<T> add(std::string name, std::string unit, std::string meaning, T initial = T{}) {
    auto c = std::make_unique<Column<T>>();
    c->initial = initial;
    c->data.reserve(reserved_);
    c->data.assign(rows_, initial);
    c->info = {std::move(name), type_name<T>(), std::move(unit), std::move(meaning)};
    columns_.push_back(std::move(c));
    return Col<T>{static_cast<uint32_t>(columns_.size() - 1)};
  }

  template <class T>
  std::vector<T>& operator[](Col<T> c) {
    return static_cast<Column<T>*>(columns_[c.index].get())->data;
  }
  template <class T>
  const std::vector<T>& operator[](Col<T> c) const {
    return static_cast<const Column<T>*>(columns_[c.index].get())->data;
  }

  // The value every row of a column starts at (what a row not yet added would hold).
  template <class T>
  T initial(Col<T> c) const {
    return static_cast<const Column<T>*>(columns_[c.index].get())->initial;
  }

  // A column by name (for tests, traces and per-child output; rules hold handles).
  template <class T>
  Col<T> find(const std::string& name) const {
    for (size_t i = 0; i < columns_.size(); ++i)
      if (columns_[i]->info.name == name) {
        if (columns_[i]->info.type != type_name<T>()) throw std::logic_error("column " + name + " has another type");
        return Col<T>{static_cast<uint32_t>(i)};
      }
    throw std::logic_error("no column " + name + " in " + name_);
  }

  // Room for `n` rows in every column, so that a table that grows a row at a
  // time to about n rows is allocated once instead of doubling (a doubled
  // column holds up to twice the rows it needs; at national scale that is
  // gigabytes). Columns declared later get the same room.
  void reserve(size_t n) {
    reserved_ = std::max(reserved_, n);
    for (auto& c : columns_) c->reserve(reserved_);
    active_.reserve(reserved_);
  }

  // Append `n` rows (all active, every column at its initial value); returns the first id.
  AgentId add_rows(size_t n) {
    const AgentId first = static_cast<AgentId>(rows_);
    // Past the room reserved, every column grows by a quarter at once rather
    // than each doubling (as grow_by_quarter; tables such as case_records are
    // never reserved, and a population can outgrow its estimate).
    if (rows_ + n > reserved_) reserve(std::max(rows_ + n, reserved_ + reserved_ / 4 + 16));
    rows_ += n;
    for (auto& c : columns_) c->resize(rows_);
    active_.resize(rows_, 1);
    active_count_ += n;
    for (size_t i = 0; i < n; ++i) arrivals_.push_back(first + static_cast<AgentId>(i));
    return first;
  }

  // A row leaves (a child turns 18, a household moves away); its id is kept.
  void deactivate(AgentId id) {
    if (!active_[id]) return;
    active_[id] = 0;
    --active_count_;
    departures_.push_back(id);
  }

  bool active(AgentId id) const { return active_[id] != 0; }
  size_t rows() const { return rows_; }
  size_t active_count() const { return active_count_; }
  const std::string& name() const { return name_; }

  // Rows that arrived or left since the last begin_day(), in order, so that
  // modules can set up or tear down their own state for them.
  const std::vector<AgentId>& arrivals() const { return arrivals_; }
  const std::vector<AgentId>& departures() const { return departures_; }
  void begin_day() {
    arrivals_.clear();
    departures_.clear();
  }

  std::vector<ColumnInfo> describe() const {
    std::vector<ColumnInfo> out;
    for (const auto& c : columns_) out.push_back(c->info);
    return out;
  }
  // Checkpoints: every row of every column, and which rows are active. The
  // columns themselves (names, types, order) come from the modules' declare_state
  // and must match: a checkpoint of another model is refused before this is read.
  void save(StateOut& ar) const {
    ar(rows_, active_count_, active_, arrivals_, departures_, columns_.size());
    for (const auto& c : columns_) c->save(ar);
  }
  void load(StateIn& ar) {
    size_t columns = 0;
    ar(rows_, active_count_, active_, arrivals_, departures_, columns);
    if (columns != columns_.size()) throw std::runtime_error("table " + name_ + " has another set of columns");
    for (auto& c : columns_) c->load(ar);
  }

  size_t bytes() const {
    size_t b = active_.capacity();
    for (const auto& c : columns_) b += c->bytes();
    return b;
  }

 private:
  struct ColumnBase {
    virtual ~ColumnBase() = default;
    virtual void resize(size_t n) = 0;
    virtual void reserve(size_t n) = 0;
    virtual size_t bytes() const = 0;
    virtual void save(StateOut&) const = 0;
    virtual void load(StateIn&) = 0;
    ColumnInfo info;
  };
  template <class T>
  struct Column : ColumnBase {
    std::vector<T> data;
    T initial{};
    void resize(size_t n) override { data.resize(n, initial); }
    void reserve(size_t n) override { data.reserve(n); }
    size_t bytes() const override { return data.capacity() * sizeof(T); }
    void save(StateOut& ar) const override { ar(info.name, data); }
    void load(StateIn& ar) override {
      std::string name;
      ar(name, data);
      if (name != info.name) throw std::runtime_error("column " + info.name + " is " + name + " in the checkpoint");
    }
  };
  template <class T>
  static std::string type_name() {
    if constexpr (std::is_same_v<T, float>) return "float32";
    else if constexpr (std::is_same_v<T, double>) return "float64";
    else if constexpr (std::is_same_v<T, uint8_t>) return "uint8";
    else if constexpr (std::is_same_v<T, int16_t>) return "int16";
    else if constexpr (std::is_same_v<T, int32_t>) return "int32";
    else if constexpr (std::is_same_v<T, uint32_t>) return "uint32";
    else if constexpr (std::is_same_v<T, uint16_t>) return "uint16";
    else return "other";
  }

  std::string name_;
  size_t rows_ = 0;
  size_t reserved_ = 0;
  size_t active_count_ = 0;
  std::vector<std::unique_ptr<ColumnBase>> columns_;
  std::vector<uint8_t> active_;
  std::vector<AgentId> arrivals_, departures_;
};

// Room for one more in a vector that lives long and grows to millions, by a
// quarter at a time rather than by doubling (which leaves up to half of it
// spare, on average a quarter: at national scale hundreds of megabytes). The
// extra copying is a few bytes an element.
template <class T>
void grow_by_quarter(std::vector<T>& v) {
  if (v.size() == v.capacity()) v.reserve(v.capacity() + v.capacity() / 4 + 4);
}

// A module's state for the few rows of a large table that it deals with (the
// children ever looked after, or ever referred), kept as rows of a small table
// of its own: the large table holds only the small table's row number, 4 bytes
// a row instead of every column. `get` reads a value (the column's initial
// value for a row with none); `at` is for writing and adds the row the first
// time. A reference from `at` lasts until the next row is added.
struct SideRows {
  static constexpr AgentId kNone = UINT32_MAX;
  Col<uint32_t> index;  // of the large table: the row of the small one, or kNone

  template <class T>
  T get(const ColumnTable& owner, const ColumnTable& side, Col<T> col, AgentId id) const {
    const AgentId r = owner[index][id];
    return r == kNone ? side.initial(col) : side[col][r];
  }
  template <class T>
  T& at(ColumnTable& owner, ColumnTable& side, Col<T> col, AgentId id) const {
    AgentId& r = owner[index][id];
    if (r == kNone) r = side.add_rows(1);
    return side[col][r];
  }
};

// Where each member of an id set sits in its list. Dense: a vector over every id
// up to the largest inserted, 4 bytes a row of the table, for sets that hold much
// of it. Sparse: a hash map, so memory follows the members, not the table, for
// sets that hold a small share of a large one (at national scale a position
// vector per set was 4 to 8 bytes for each of some 20 million child rows).
struct DensePositions {
  static constexpr uint32_t kAbsent = UINT32_MAX;
  uint32_t get(AgentId id) const { return id < at.size() ? at[id] : kAbsent; }
  void set(AgentId id, uint32_t p) {
    if (id >= at.size()) at.resize(static_cast<size_t>(id) + 1, kAbsent);
    at[id] = p;
  }
  void drop(AgentId id) { at[id] = kAbsent; }
  void clear() { at.clear(); }
  std::vector<uint32_t> at;
};
struct SparsePositions {
  static constexpr uint32_t kAbsent = UINT32_MAX;
  uint32_t get(AgentId id) const {
    auto it = at.find(id);
    return it == at.end() ? kAbsent : it->second;
  }
  void set(AgentId id, uint32_t p) { at[id] = p; }
  void drop(AgentId id) { at.erase(id); }
  void clear() { at.clear(); }
  std::unordered_map<AgentId, uint32_t> at;
};

// A set of ids with O(1) insert, erase and membership, iterated densely: the
// "active cases" lists that let a phase visit only children with something open.
// Erasing moves the last member into the gap, so the order depends only on the
// sequence of inserts and erases, whichever positions are kept.
template <class Positions>
class BasicIndexSet {
 public:
  bool contains(AgentId id) const { return pos_.get(id) != Positions::kAbsent; }
  void insert(AgentId id) {
    if (contains(id)) return;
    pos_.set(id, static_cast<uint32_t>(ids_.size()));
    ids_.push_back(id);
  }
  void erase(AgentId id) {
    const uint32_t p = pos_.get(id);
    if (p == Positions::kAbsent) return;
    const AgentId last = ids_.back();
    ids_[p] = last;
    pos_.set(last, p);
    ids_.pop_back();
    pos_.drop(id);
  }
  size_t size() const { return ids_.size(); }
  const std::vector<AgentId>& ids() const { return ids_; }
  // Checkpoints: the members in order; positions follow from it.
  void save(StateOut& ar) const { ar(ids_); }
  void load(StateIn& ar) {
    ar(ids_);
    pos_.clear();
    for (uint32_t p = 0; p < ids_.size(); ++p) pos_.set(ids_[p], p);
  }

 private:
  std::vector<AgentId> ids_;
  Positions pos_;
};
using IndexSet = BasicIndexSet<DensePositions>;
using SparseIndexSet = BasicIndexSet<SparsePositions>;

}  // namespace sgsim
