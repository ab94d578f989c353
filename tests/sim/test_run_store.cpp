// One run in a file of its own (sim/output/run_store), the unit an MPI ensemble
// hands out: what is written is read back exactly; a file made by another
// command (another fingerprint) or none at all is not taken for the run; a
// damaged file is an error naming it; nothing half-written is left behind.
#include "sim/output/run_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sim/output/h5.hpp"

using namespace sgsim;
namespace fs = std::filesystem;

namespace {

StoredRun sample() {
  StoredRun s;
  s.result.series = {{1.5, 2.25, -0.0}, {1e-300, 3.0, 7.0}};
  s.result.events = {{-3, 17, 2, 1, 5}, {0, 4, 0, 0, -1}};
  s.result.children = {{4, -400, 1}, {17, 20, 0}};
  s.result.child_days = 123.0;
  s.result.seconds = 0.5;
  s.result.state_bytes = 4096;
  s.metrics = {{"harm_true", "events", "true harm", MetricKind::flow}, {"cin_open", "children", "open", MetricKind::stock}};
  s.event_types.add_kind("harm", "a harm event");
  s.event_types.add_agency("police", "the police");
  s.event_types.add_codes("harm_category", std::vector<std::string>{"neglect", "emotional"});
  return s;
}

}  // namespace

TEST(RunStore, WhatIsWrittenIsReadBackExactly) {
  const fs::path dir = fs::temp_directory_path() / "sgsim_run_store_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "run.h5").string();
  const StoredRun s = sample();
  write_stored_run(path, "abc-1", s);
  for (const auto& e : fs::directory_iterator(dir)) EXPECT_EQ(e.path().filename(), "run.h5") << "a temporary left";
  const auto back = read_stored_run(path, "abc-1");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->result.series, s.result.series);
  EXPECT_TRUE(std::signbit(back->result.series[0][2]));  // -0.0 stays -0.0: bit for bit
  ASSERT_EQ(back->result.events.size(), 2u);
  EXPECT_EQ(back->result.events[0].day, -3);
  EXPECT_EQ(back->result.events[0].child, 17u);
  EXPECT_EQ(back->result.events[0].detail, 5);
  EXPECT_EQ(back->result.events[1].detail, -1);
  ASSERT_EQ(back->result.children.size(), 2u);
  EXPECT_EQ(back->result.children[0].birth_day, -400);
  EXPECT_EQ(back->result.children[0].sex, 1);
  EXPECT_EQ(back->result.child_days, 123.0);
  EXPECT_EQ(back->result.state_bytes, 4096u);
  ASSERT_EQ(back->metrics.size(), 2u);
  EXPECT_EQ(back->metrics[1].name, "cin_open");
  EXPECT_EQ(back->metrics[1].kind, MetricKind::stock);
  EXPECT_EQ(back->event_types.kinds().size(), 1u);
  EXPECT_EQ(back->event_types.agencies().size(), 2u);  // "none" and police
  EXPECT_EQ(back->event_types.codes().front().second.size(), 2u);

  // Another command's file, or no file: not this run.
  EXPECT_FALSE(read_stored_run(path, "abc-2").has_value());
  EXPECT_FALSE(read_stored_run((dir / "none.h5").string(), "abc-1").has_value());

  // A damaged file: an error that names it.
  const std::string damaged = (dir / "damaged.h5").string();
  std::ofstream(damaged) << "not an HDF5 file";
  try {
    (void)read_stored_run(damaged, "abc-1");
    FAIL() << "no error";
  } catch (const H5Error& e) {
    EXPECT_NE(std::string(e.what()).find("damaged.h5"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}
