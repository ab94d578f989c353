#pragma once
// Agent tables (DESIGN.md §3 principle 3): named attributes ("columns") over
// rows addressed by a stable id that is never reused, so that random draws keyed
// by id stay attached to the same agent for the whole run.
//
// A table stores its rows one after another, each row holding every column of
// one agent (row-major), not one array per column. The daily loop visits agents
// scattered over the table — the child whose harm is due, the household whose
// stressor changes, the case under review — and reads a dozen of their columns:
// with an array per column each of those was a cache miss of its own (the hot
// instructions of a profile were loads of columns at scattered rows), where a
// row is one or two cache lines. A column is still addressed as before,
// `table[col][id]`, through a view that knows its offset in the row.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
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
  static constexpr size_t kMaxWidth = 8;
  struct ColumnBase {
    virtual ~ColumnBase() = default;
    virtual void save(StateOut&) const = 0;
    virtual void load(StateIn&) = 0;
    ColumnInfo info;
    std::byte* data = nullptr;  // this column's value in row 0
    size_t stride = 0;          // bytes from one row to the next
    const size_t* rows = nullptr;
    size_t width = 0, offset = 0;
    std::byte initial_bytes[kMaxWidth] = {};
  };

 public:
  // One column of a table: element `id` is that row's value. A view stays valid
  // while the table grows (the table moves it with its rows), so a reference to
  // it may be held across added rows; a reference to an element may not.
  template <class T>
  class Column;

  explicit ColumnTable(std::string name) : name_(std::move(name)) { lay_out(); }
  ColumnTable(const ColumnTable&) = delete;
  ColumnTable& operator=(const ColumnTable&) = delete;

  // Declare a column; every existing and future row starts at `initial`.
  template <class T>
  Col<T> add(std::string name, std::string unit, std::string meaning, T initial = T{}) {
    static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= kMaxWidth, "a column holds a small plain value");
    auto c = std::make_unique<Column<T>>();
    c->width = sizeof(T);
    c->info = {std::move(name), type_name<T>(), std::move(unit), std::move(meaning)};
    std::memcpy(c->initial_bytes, &initial, sizeof(T));
    columns_.push_back(std::move(c));
    lay_out();
    return Col<T>{static_cast<uint32_t>(columns_.size() - 1)};
  }

  template <class T>
  Column<T>& operator[](Col<T> c) {
    return static_cast<Column<T>&>(*columns_[c.index]);
  }
  template <class T>
  const Column<T>& operator[](Col<T> c) const {
    return static_cast<const Column<T>&>(*columns_[c.index]);
  }

  // The value every row of a column starts at (what a row not yet added would hold).
  template <class T>
  T initial(Col<T> c) const {
    T value;
    std::memcpy(&value, columns_[c.index]->initial_bytes, sizeof(T));
    return value;
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

  // Room for `n` rows, so that a table that grows a row at a time to about n
  // rows is allocated once instead of growing (at national scale a table that
  // grew by doubling would hold gigabytes it never used). Room not yet used
  // costs address space only: the pages are touched as rows arrive.
  void reserve(size_t n) {
    if (n > capacity_) reallocate(n);
  }

  // Append `n` rows (all active, every column at its initial value); returns the first id.
  AgentId add_rows(size_t n) {
    const AgentId first = static_cast<AgentId>(rows_);
    // Past the room reserved, the table grows by a quarter at once (not by
    // doubling, which leaves up to half of it spare: at national scale hundreds
    // of megabytes; tables such as case_records are never reserved, and a
    // population can outgrow its estimate).
    if (rows_ + n > capacity_) reallocate(std::max(rows_ + n, capacity_ + capacity_ / 4 + 16));
    for (size_t i = 0; i < n; ++i) std::memcpy(rows_data_.get() + (rows_ + i) * stride_, fresh_row_.data(), stride_);
    rows_ += n;
    active_count_ += n;
    for (size_t i = 0; i < n; ++i) arrivals_.push_back(first + static_cast<AgentId>(i));
    return first;
  }

  // A row leaves (a child turns 18, a household moves away); its id is kept.
  void deactivate(AgentId id) {
    std::byte& flag = row(id)[active_offset_];
    if (flag == std::byte{0}) return;
    flag = std::byte{0};
    --active_count_;
    departures_.push_back(id);
  }

  // Whether a row is present: a byte of the row itself, read with its columns.
  bool active(AgentId id) const { return row(id)[active_offset_] != std::byte{0}; }

  // Ask for a row ahead of its use. Loops over a day's agenda entries visit rows
  // scattered over the table; a row asked for a few entries ahead arrives while
  // the entries before it are worked on, instead of each one stalling in turn.
  void prefetch(AgentId id) const {
    if (id >= rows_) return;
    const std::byte* r = row(id);
    __builtin_prefetch(r);
    __builtin_prefetch(r + stride_ - 1);  // a row may straddle two cache lines
  }
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
  // Checkpoints: every row of every column, column by column, and which rows
  // are active. The columns themselves (names, types, order) come from the
  // modules' declare_state and must match: a checkpoint of another model is
  // refused before this is read.
  void save(StateOut& ar) const {
    std::vector<uint8_t> active(rows_);
    for (size_t i = 0; i < rows_; ++i) active[i] = this->active(static_cast<AgentId>(i));
    ar(rows_, active_count_, active, arrivals_, departures_, columns_.size());
    for (const auto& c : columns_) c->save(ar);
  }
  void load(StateIn& ar) {
    size_t rows = 0, columns = 0;
    std::vector<uint8_t> active;
    ar(rows, active_count_, active, arrivals_, departures_, columns);
    if (columns != columns_.size()) throw std::runtime_error("table " + name_ + " has another set of columns");
    if (active.size() != rows) throw std::runtime_error("table " + name_ + " has another number of rows");
    if (rows > capacity_) reallocate(rows);
    rows_ = rows;  // every column's values follow
    for (size_t i = 0; i < rows_; ++i) row(static_cast<AgentId>(i))[active_offset_] = std::byte{active[i]};
    for (auto& c : columns_) c->load(ar);
  }

  size_t bytes() const { return capacity_ * stride_; }

  template <class T>
  class Column : public ColumnBase {
   public:
    T& operator[](size_t id) { return *reinterpret_cast<T*>(this->data + id * this->stride); }
    const T& operator[](size_t id) const { return *reinterpret_cast<const T*>(this->data + id * this->stride); }
    size_t size() const { return *this->rows; }

   private:
    friend class ColumnTable;
    void save(StateOut& ar) const override {
      std::vector<T> values(size());
      for (size_t i = 0; i < values.size(); ++i) values[i] = (*this)[i];
      ar(this->info.name, values);
    }
    void load(StateIn& ar) override {
      std::string name;
      std::vector<T> values;
      ar(name, values);
      if (name != this->info.name) throw std::runtime_error("column " + this->info.name + " is " + name + " in the checkpoint");
      if (values.size() != size()) throw std::runtime_error("column " + this->info.name + " has another number of rows");
      for (size_t i = 0; i < values.size(); ++i) (*this)[i] = values[i];
    }
  };

 private:
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

  // Offsets in the row: widest columns first, so that each sits at a multiple
  // of its width with no padding between (widths are 1, 2, 4 or 8 bytes); the
  // row is padded to a multiple of the widest. A column declared when rows
  // exist moves every row to the new layout.
  void lay_out() {
    std::vector<size_t> order(columns_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return columns_[a]->width > columns_[b]->width; });
    std::vector<size_t> old_offset(columns_.size());
    for (size_t i = 0; i < columns_.size(); ++i) old_offset[i] = columns_[i]->offset;
    const size_t old_stride = stride_, old_active = active_offset_;
    size_t at = 0, widest = 1;
    for (size_t i : order) {
      columns_[i]->offset = at;
      at += columns_[i]->width;
      widest = std::max(widest, columns_[i]->width);
    }
    active_offset_ = at++;  // the row's present flag after the columns
    stride_ = (at + widest - 1) / widest * widest;
    fresh_row_.assign(stride_, std::byte{0});
    for (const auto& c : columns_) std::memcpy(fresh_row_.data() + c->offset, c->initial_bytes, c->width);
    fresh_row_[active_offset_] = std::byte{1};

    Rows old = std::move(rows_data_);
    if (capacity_ > 0) rows_data_ = allocate_rows(capacity_ * stride_);
    for (size_t r = 0; r < rows_; ++r) {
      std::byte* row = rows_data_.get() + r * stride_;
      const std::byte* was = old.get() + r * old_stride;
      std::memcpy(row, fresh_row_.data(), stride_);
      for (size_t i = 0; i + 1 < columns_.size(); ++i)  // the new column keeps its initial value
        std::memcpy(row + columns_[i]->offset, was + old_offset[i], columns_[i]->width);
      row[active_offset_] = was[old_active];
    }
    point_columns();
  }

  // The rows' block comes from malloc so that it can grow with realloc: a block
  // past the mmap threshold (every table of any size; sim/storage/allocator.hpp)
  // then grows by remapping its pages where they are, instead of being copied to
  // fresh pages that fault in one by one while the old ones are unmapped — at
  // national scale a few per cent of a run went on that copying and faulting
  // (docs/performance.md).
  struct FreeRows {
    void operator()(std::byte* p) const { std::free(p); }
  };
  using Rows = std::unique_ptr<std::byte[], FreeRows>;
  static Rows allocate_rows(size_t bytes) {
    auto* p = static_cast<std::byte*>(std::malloc(bytes));
    if (p == nullptr) throw std::bad_alloc();
    return Rows(p);
  }
  void reallocate(size_t capacity) {
    auto* p = static_cast<std::byte*>(std::realloc(rows_data_.get(), capacity * stride_));
    if (p == nullptr) throw std::bad_alloc();  // the old block is still the table's
    (void)rows_data_.release();
    rows_data_.reset(p);
    capacity_ = capacity;
    point_columns();
  }

  std::byte* row(AgentId id) { return rows_data_.get() + size_t{id} * stride_; }
  const std::byte* row(AgentId id) const { return rows_data_.get() + size_t{id} * stride_; }

  void point_columns() {
    for (auto& c : columns_) {
      c->data = rows_data_ ? rows_data_.get() + c->offset : nullptr;
      c->stride = stride_;
      c->rows = &rows_;
    }
  }

  std::string name_;
  size_t rows_ = 0;
  size_t capacity_ = 0;  // rows the block has room for
  size_t stride_ = 0;    // bytes a row
  size_t active_offset_ = 0;
  Rows rows_data_;
  std::vector<std::byte> fresh_row_;  // a row with every column at its initial value
  std::size_t active_count_ = 0;
  std::vector<std::unique_ptr<ColumnBase>> columns_;
  std::vector<AgentId> arrivals_, departures_;
};

// Visit `ids` in order, asking `first` for each one's row kPrefetchAhead ids
// before it is reached (ColumnTable::prefetch): the loops over a day's agenda
// entries or events, whose rows are scattered over a table far larger than the
// cache. Each `link` (a RowLink, or a module's own, given the id) asks for what
// the visited row names, half way there, by when the row that names it has had
// time to arrive.
//
// `ids` holds agent ids, agenda entries or anything else a function
// `agent_of` (found by argument-dependent lookup) gives the agent of: a day's
// events (sim/schedule/events.hpp), whose child's row is then visited.
inline constexpr size_t kPrefetchAhead = 8;
// The cache line this machine's prefetches fetch (x86-64), for stores that ask
// for more than one line of a block ahead.
inline constexpr size_t kCacheLineBytes = 64;

// A row of another table named in a column of the visited one (a child's
// household, a child's case record, a household's first child): asks for it.
struct RowLink {
  const ColumnTable::Column<uint32_t>& link;
  const ColumnTable& table;
  void operator()(AgentId id) const { table.prefetch(link[id]); }
};

template <class T>
AgentId row_of(const T& x) {
  if constexpr (std::is_convertible_v<T, AgentId>) return static_cast<AgentId>(x);
  else return agent_of(x);
}
template <class Ids, class Visit, class... Links>
void visit_linked_rows(const ColumnTable& first, const Ids& ids, Visit&& visit, const Links&... links) {
  const size_t n = ids.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) first.prefetch(row_of(ids[i + kPrefetchAhead]));
    if constexpr (sizeof...(links) > 0) {
      if (i + kPrefetchAhead / 2 < n) {
        const AgentId id = row_of(ids[i + kPrefetchAhead / 2]);
        if (id < first.rows()) (links(id), ...);
      }
    }
    visit(ids[i]);
  }
}
// The rows alone.
template <class Ids, class Visit>
void visit_rows(const ColumnTable& table, const Ids& ids, Visit&& visit) {
  visit_linked_rows(table, ids, std::forward<Visit>(visit));
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
