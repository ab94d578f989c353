// The engine's growing stores (sim/storage/): the sorted-vector set the
// placement markets keep their places with room in, and the realloc-grown
// vector behind the agencies' records and the agenda's lists. Both replace
// standard containers for speed alone, so each is checked against the one it
// replaced: the same elements in the same order, and the same checkpoint bytes.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <sstream>

#include "sim/storage/columns.hpp"
#include "sim/storage/flat_set.hpp"
#include "sim/storage/pod_vector.hpp"

using namespace sgsim;

namespace {
struct Packed {
  uint32_t id = 7;
  float value = 0.5f;
  uint8_t kind = 3;
  SGSIM_STATE(id, value, kind)
  bool operator==(const Packed&) const = default;
};
}  // namespace

// A market's search walks the places in the set's order and takes the first
// that fits, so any difference in order would change which place a child gets.
TEST(FlatSet, HoldsTheSameElementsInTheSameOrderAsStdSet) {
  std::mt19937_64 rng(20261207);
  std::uniform_int_distribution<uint32_t> id(0, 400);  // small range: repeats and absent erases
  std::uniform_int_distribution<int> km(0, 60);
  FlatSet<std::pair<float, uint32_t>> flat;
  std::set<std::pair<float, uint32_t>> reference;
  for (int step = 0; step < 20000; ++step) {
    const std::pair<float, uint32_t> x{static_cast<float>(km(rng)) * 0.5f, id(rng)};
    if (rng() % 3 == 0) {
      flat.erase(x);
      reference.erase(x);
    } else {
      flat.insert(x);
      reference.insert(x);
    }
    ASSERT_EQ(flat.size(), reference.size()) << step;
    ASSERT_EQ(flat.contains(x), reference.contains(x)) << step;
  }
  EXPECT_GT(reference.size(), 100u);
  EXPECT_TRUE(std::equal(flat.begin(), flat.end(), reference.begin(), reference.end()));
}

TEST(FlatSet, ACheckpointRestoresTheSameSet) {
  FlatSet<uint32_t> a;
  for (uint32_t x : {9u, 2u, 5u, 2u, 40u}) a.insert(x);
  std::stringstream buf;
  {
    StateOut out(buf);
    out(a);
  }
  FlatSet<uint32_t> b;
  b.insert(1);  // replaced, not added to
  StateIn in(buf);
  in(b);
  EXPECT_EQ(std::vector<uint32_t>(b.begin(), b.end()), (std::vector<uint32_t>{2, 5, 9, 40}));
}

// Large enough to pass the mmap threshold (128 KiB) many times over, so realloc
// grows it by remapping as well as by copying; every element stays as written.
TEST(PodVector, KeepsEveryElementThroughGrowthAsStdVectorDoes) {
  PodVector<Packed> v;
  std::vector<Packed> reference;
  for (uint32_t i = 0; i < 300000; ++i) {
    const Packed p{i, static_cast<float>(i) * 0.25f, static_cast<uint8_t>(i % 251)};
    if (i % 5 == 0) {
      v.emplace_back() = p;
    } else {
      v.push_back(p);
    }
    reference.push_back(p);
    ASSERT_GE(v.capacity(), v.size());
  }
  ASSERT_EQ(v.size(), reference.size());
  EXPECT_TRUE(std::equal(v.begin(), v.end(), reference.begin(), reference.end()));
  EXPECT_LE(v.capacity(), v.size() + v.size() / 4 + 4);  // a quarter at a time, not doubling

  PodVector<Packed> copy(v);
  copy[0].id = 99;
  EXPECT_EQ(v[0].id, 0u);  // a copy owns its own elements
  PodVector<Packed> moved(std::move(copy));
  EXPECT_EQ(moved.size(), reference.size());
  EXPECT_EQ(moved[0].id, 99u);
  moved = PodVector<Packed>();
  EXPECT_TRUE(moved.empty());

  v.resize(3);
  v.resize(5);  // the new ones value-initialised
  EXPECT_EQ(v[2], reference[2]);
  EXPECT_EQ(v[4], Packed{});
}

// Checkpoints written before the records moved to PodVector held a std::vector:
// the two write the same bytes, so either reads what the other wrote.
TEST(PodVector, WritesTheSameCheckpointBytesAsStdVector) {
  PodVector<Packed> v;
  std::vector<Packed> reference;
  for (uint32_t i = 0; i < 1000; ++i) {
    const Packed p{i * 3, static_cast<float>(i), static_cast<uint8_t>(i)};
    v.push_back(p);
    reference.push_back(p);
  }
  std::stringstream a, b;
  {
    StateOut out(a);
    out(v);
  }
  {
    StateOut out(b);
    out(reference);
  }
  EXPECT_EQ(a.str(), b.str());
  PodVector<Packed> back;
  back.push_back({});  // replaced, not added to
  StateIn in(b);
  in(back);
  ASSERT_EQ(back.size(), reference.size());
  EXPECT_TRUE(std::equal(back.begin(), back.end(), reference.begin(), reference.end()));
}

// A table's rows come from malloc and grow with realloc: a table of many rows
// (megabytes, past the mmap threshold) keeps every value and present flag.
TEST(Columns, ALargeTableKeepsItsRowsAsReallocGrowsIt) {
  ColumnTable t("children");
  auto day = t.add<int32_t>("day", "", "", -1);
  auto next = t.add<uint32_t>("next", "", "", UINT32_MAX);
  for (uint32_t i = 0; i < 200000; ++i) {
    const AgentId id = t.add_rows(1);
    t[day][id] = static_cast<int32_t>(i) * 2;
    t[next][id] = i + 1;
    if (i % 7 == 0) t.deactivate(id);
  }
  EXPECT_GT(t.bytes(), size_t{1} << 20);
  for (AgentId i = 0; i < 200000; ++i) {
    ASSERT_EQ(t[day][i], static_cast<int32_t>(i) * 2) << i;
    ASSERT_EQ(t[next][i], i + 1) << i;
    ASSERT_EQ(t.active(i), i % 7 != 0) << i;
  }
}
