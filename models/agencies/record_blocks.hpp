#pragma once
// Where the agencies keep their records of children: each child's records (one
// per agency that has recorded something about the child) lie side by side in
// a block, and a column of the child's row names the block's first record.
//
// Why blocks: a look-up reads one place. The records were a list linked through
// records scattered over the store, and a look-up walked 1.4 of them on average,
// each a cache miss at national scale (docs/performance.md). Blocks hold 1, 2,
// 4 or 8 records; a full block moves to one twice its size, and a block given up
// (a child who left, a block outgrown) is reused for the next block of its
// size. Most children are seen by one or two agencies if any, so a record costs
// its own size and a little spare room, and a child row 4 bytes; a hash map
// keyed by child and agency cost about 60 bytes a record (about 0.7 GB for
// England over ten years). No rule iterates over the records in store order:
// they are only looked up, added and dropped, so where they lie changes no result.
//
// `Record` has a `uint32_t tag`, which the store owns: the record's key (its
// agency) in the low kKeyBits and, in a block's first record, how many records
// the block holds.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/storage/columns.hpp"
#include "sim/storage/pod_vector.hpp"

namespace sgsim::models {

template <class Record>
class RecordBlocks {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;  // an owner with no records
  static constexpr uint32_t kKeyBits = 3;
  static constexpr size_t kMaxRecords = size_t{1} << kKeyBits;  // one per key
  static constexpr size_t kSizes = 4;                           // blocks of 1, 2, 4, 8
  static_assert(kMaxRecords == size_t{1} << (kSizes - 1));

  static size_t key(const Record& r) { return r.tag & ((1u << kKeyBits) - 1); }

  // The owner's records, `first` being the value of its column.
  std::span<Record> block(uint32_t first) {
    const std::span<const Record> b = std::as_const(*this).block(first);
    return {const_cast<Record*>(b.data()), b.size()};
  }
  std::span<const Record> block(uint32_t first) const {
    return first == kNone ? std::span<const Record>()
                          : std::span<const Record>(&records_[first], count(records_[first]));
  }
  Record* find(uint32_t first, size_t k) { return const_cast<Record*>(std::as_const(*this).find(first, k)); }
  const Record* find(uint32_t first, size_t k) const {
    for (const Record& r : block(first))
      if (key(r) == k) return &r;
    return nullptr;
  }

  // A new record with key `k` (Record{} otherwise), which the owner had not;
  // `first` is updated if the block moves. The reference lasts until the next
  // record is added (any owner's: the store may grow and move).
  Record& add(uint32_t& first, size_t k) {
    const uint32_t n = first == kNone ? 0 : count(records_[first]);
    if (n >= kMaxRecords) throw std::logic_error("record blocks: more records than keys");
    if (n == 0 || std::has_single_bit(n)) {  // a full block (or none): one twice the size
      const uint32_t moved = take(size_class(n + 1));
      if (n > 0) {
        std::copy_n(&records_[first], n, &records_[moved]);
        free_[size_class(n)].push_back(first);
      }
      first = moved;
    }
    Record& r = records_[first + n];
    r = Record{};
    r.tag = static_cast<uint32_t>(k);
    Record& head = records_[first];
    head.tag = static_cast<uint32_t>(key(head)) | (n + 1) << kKeyBits;
    return r;
  }

  // The owner's records go; its block is kept for reuse.
  void drop(uint32_t& first) {
    if (first == kNone) return;
    free_[size_class(count(records_[first]))].push_back(first);
    first = kNone;
  }

  // Ask for the block ahead of its use: its first two cache lines.
  void prefetch(uint32_t first) const {
    if (first == kNone) return;
    const auto* at = reinterpret_cast<const char*>(&records_[first]);
    __builtin_prefetch(at);
    __builtin_prefetch(at + kCacheLineBytes);
  }

  size_t capacity() const { return records_.size(); }  // records, spare room and free blocks included

  // Checkpoints: the store as it stands, free blocks included.
  template <class Archive>
  void serialize(Archive& ar) {
    ar(records_, free_);
  }

 private:
  static uint32_t count(const Record& head) { return head.tag >> kKeyBits; }
  // The smallest block that holds `n` records.
  static size_t size_class(uint32_t n) { return static_cast<size_t>(std::bit_width(std::bit_ceil(n) - 1)); }
  uint32_t take(size_t size_class) {
    std::vector<uint32_t>& spare = free_[size_class];
    if (!spare.empty()) {
      const uint32_t r = spare.back();
      spare.pop_back();
      return r;
    }
    const size_t n = size_t{1} << size_class;
    if (records_.size() + n >= kNone) throw std::length_error("record blocks: more records than a column can name");
    const auto r = static_cast<uint32_t>(records_.size());
    for (size_t i = 0; i < n; ++i) records_.emplace_back();
    return r;
  }

  PodVector<Record> records_;                    // every block, in use or free
  std::array<std::vector<uint32_t>, kSizes> free_;  // by size: blocks free for reuse, the last freed last
};

}  // namespace sgsim::models
