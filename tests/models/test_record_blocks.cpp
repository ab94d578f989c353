// The agencies' record store (models/agencies/record_blocks.hpp): every
// owner's records stay findable, with their values, through blocks moving as
// they fill, owners dropping out and blocks being reused, and a checkpoint
// restores the store exactly. Checked against a plain map of (owner, key).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <sstream>

#include "models/agencies/record_blocks.hpp"
#include "sim/storage/state_archive.hpp"

using namespace sgsim;
using namespace sgsim::models;

namespace {
struct Held {
  float value = -1;
  int32_t day = 0;
  uint32_t tag = 0;
  SGSIM_STATE(value, day, tag)
};
using Store = RecordBlocks<Held>;

// Every owner's records against the reference: the same keys, the same values.
void expect_same(const Store& s, const std::vector<uint32_t>& first, const std::map<std::pair<uint32_t, size_t>, float>& ref) {
  size_t seen = 0;
  for (uint32_t o = 0; o < first.size(); ++o) {
    for (size_t k = 0; k < Store::kMaxRecords; ++k) {
      const Held* h = s.find(first[o], k);
      const auto it = ref.find({o, k});
      ASSERT_EQ(h != nullptr, it != ref.end()) << "owner " << o << " key " << k;
      if (h) {
        ASSERT_EQ(h->value, it->second) << "owner " << o << " key " << k;
        ++seen;
      }
    }
    ASSERT_EQ(s.block(first[o]).size(), ref.count({o, 0}) + ref.count({o, 1}) + ref.count({o, 2}) + ref.count({o, 3}) +
                                            ref.count({o, 4}) + ref.count({o, 5}) + ref.count({o, 6}) + ref.count({o, 7}));
  }
  ASSERT_EQ(seen, ref.size());
}
}  // namespace

TEST(RecordBlocks, EveryRecordIsFoundWithItsValueAsBlocksMoveAndAreReused) {
  std::mt19937_64 rng(20261207);
  constexpr uint32_t kOwners = 500;
  std::vector<uint32_t> first(kOwners, Store::kNone);
  std::map<std::pair<uint32_t, size_t>, float> ref;
  Store s;
  for (int step = 0; step < 40000; ++step) {
    const auto o = static_cast<uint32_t>(rng() % kOwners);
    const size_t k = rng() % Store::kMaxRecords;
    if (rng() % 20 == 0) {  // the owner leaves: all its records go
      s.drop(first[o]);
      for (size_t j = 0; j < Store::kMaxRecords; ++j) ref.erase({o, j});
      continue;
    }
    const auto value = static_cast<float>(step);
    if (Held* h = s.find(first[o], k)) {
      h->value = value;
    } else {
      Held& added = s.add(first[o], k);
      EXPECT_EQ(added.day, 0);  // a new record starts as Held{}
      added.value = value;
    }
    ref[{o, k}] = value;
    if (step % 5000 == 0) expect_same(s, first, ref);
  }
  expect_same(s, first, ref);
  EXPECT_GT(ref.size(), kOwners);  // owners hold several records: blocks of every size were used

  // Blocks given up are reused: every owner dropped and its records added again
  // needs no more room than the store already has.
  const size_t room = s.capacity();
  for (uint32_t o = 0; o < kOwners; ++o) s.drop(first[o]);
  for (const auto& [key, value] : ref) s.add(first[key.first], key.second).value = value;
  EXPECT_EQ(s.capacity(), room);
  expect_same(s, first, ref);
}

TEST(RecordBlocks, ACheckpointRestoresTheStoreAndItsFreeBlocks) {
  Store s;
  std::vector<uint32_t> first(3, Store::kNone);
  for (size_t k = 0; k < 5; ++k) s.add(first[0], k).value = static_cast<float>(k);
  s.add(first[1], 2).value = 20;
  s.add(first[2], 7).value = 70;
  s.drop(first[1]);
  std::stringstream buf;
  {
    StateOut out(buf);
    out(s);
  }
  Store back;
  StateIn in(buf);
  in(back);
  for (size_t k = 0; k < 5; ++k) EXPECT_EQ(back.find(first[0], k)->value, static_cast<float>(k));
  EXPECT_EQ(back.find(first[2], 7)->value, 70);
  EXPECT_EQ(back.find(first[2], 2), nullptr);
  // The free block of one comes back too: the next owner's first record takes it.
  uint32_t next = Store::kNone;
  const size_t room = back.capacity();
  back.add(next, 1);
  EXPECT_EQ(back.capacity(), room);
}
