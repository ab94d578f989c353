// The run file: every dataset and attribute round-trips, summaries follow their
// documented definitions, and the completion flag is set.
#include <gtest/gtest.h>

#include <filesystem>

#include "sgsim/version.hpp"
#include "sim/output/h5.hpp"
#include "sim/output/run_file.hpp"

using namespace sgsim;
namespace fs = std::filesystem;

TEST(RunFile, SummariesAreWindowTotalsPerYearAndWindowMeans) {
  std::vector<double> s(10);
  for (size_t i = 0; i < 10; ++i) s[i] = static_cast<double>(i);
  // Last 4 days: 6+7+8+9 = 30.
  EXPECT_DOUBLE_EQ(summarise(s, MetricKind::flow, 4), 30 * 365.25 / 4);
  EXPECT_DOUBLE_EQ(summarise(s, MetricKind::stock, 4), 7.5);
  // A window longer than the run uses the whole run.
  EXPECT_DOUBLE_EQ(summarise(s, MetricKind::stock, 100), 4.5);
}

TEST(RunFile, EveryDatasetAndAttributeRoundTrips) {
  ScenarioResult r;
  r.name = "option_a";
  r.resolved = "name: option_a\nrun:\n  days: 3\n";
  r.run.start_date = "2024-04-01";
  r.run.days = 3;
  r.run.replicates = 2;
  r.run.seed = 77;
  r.run.measure_days = 2;
  r.metrics = {{"population", "children", "children 0-17", MetricKind::stock},
               {"harm_true", "events", "true harm", MetricKind::flow}};
  r.event_types.add_kind("harm", "a harm event");
  r.event_types.add_codes("harm_category", std::vector<std::string>{"neglect", "emotional", "physical", "sexual"});
  r.replicates.resize(2);
  r.replicates[0].series = {{100, 101, 102}, {1, 0, 2}};
  r.replicates[1].series = {{100, 99, 98}, {0, 3, 1}};
  r.replicates[1].events = {{2, 17, 0, 0, 3}};
  r.replicates[0].child_days = 303;
  r.replicates[1].child_days = 297;

  const fs::path dir = fs::temp_directory_path() / ("sgsim-runfile-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "out.h5").string();
  RunProvenance prov;
  prov.command_line = "sgsim run x.yaml -o out.h5";
  prov.started_at = "2026-11-23T10:00:00Z";
  prov.finished_at = "2026-11-23T10:00:05Z";
  prov.threads = 2;
  prov.scale = 0.5;
  write_run_file(path, {r}, prov);

  const H5File f = H5File::open_read(path);
  const H5Group root = f.root();
  EXPECT_EQ(root.attr_int("complete"), 1);
  EXPECT_EQ(root.attr_string("program_version"), kVersion);
  EXPECT_EQ(root.attr_string("git_revision"), kGitRevision);
  EXPECT_EQ(root.attr_string("command_line"), prov.command_line);
  EXPECT_EQ(root.attr_string("started_at"), prov.started_at);
  EXPECT_EQ(root.attr_string("finished_at"), prov.finished_at);
  EXPECT_EQ(root.attr_int("threads"), 2);
  EXPECT_EQ(root.attr_double("scale"), 0.5);
  EXPECT_EQ(root.attr_int("seed"), 77);
  EXPECT_EQ(root.attr_int("replicates"), 2);

  const H5Group g = root.open_group("scenarios/option_a");
  EXPECT_EQ(g.attr_string("resolved_scenario"), r.resolved);
  EXPECT_EQ(g.attr_string("start_date"), "2024-04-01");
  EXPECT_EQ(g.attr_int("days"), 3);
  EXPECT_EQ(g.attr_int("measure_days"), 2);

  std::vector<size_t> dims;
  EXPECT_EQ(g.read_doubles("timeseries/population", &dims), (std::vector<double>{100, 101, 102, 100, 99, 98}));
  EXPECT_EQ(dims, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(g.read_doubles("timeseries/harm_true"), (std::vector<double>{1, 0, 2, 0, 3, 1}));
  EXPECT_EQ(g.read_int32s("timeseries/day"), (std::vector<int32_t>{0, 1, 2}));
  EXPECT_FALSE(g.dataset_is_compressed("timeseries/population"));  // 48 bytes: stored whole (sim/output/h5.cpp)
  const H5Dataset pop = g.open_dataset("timeseries/population");
  EXPECT_EQ(pop.attr_string("kind"), "stock");
  EXPECT_EQ(pop.attr_string("unit"), "children");  // a stock: a count, not a rate
  EXPECT_EQ(g.open_dataset("timeseries/harm_true").attr_string("unit"), "events per day");
  EXPECT_EQ(g.open_dataset("summary/harm_true").attr_string("unit"), "events per year");

  EXPECT_EQ(g.read_doubles("summary/population"), (std::vector<double>{101.5, 98.5}));
  EXPECT_EQ(g.read_doubles("summary/harm_true"), (std::vector<double>{2 * 365.25 / 2, 4 * 365.25 / 2}));
  EXPECT_EQ(g.read_doubles("summary/child_days"), (std::vector<double>{303, 297}));

  const auto events = g.read_event_table("events");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], (EventRecord{1, 2, 17, 0, 0, 3}));
  EXPECT_EQ(g.read_strings("event_kinds"), std::vector<std::string>{"harm"});
  EXPECT_EQ(g.open_group("event_codes").read_strings("harm_category"),
            (std::vector<std::string>{"neglect", "emotional", "physical", "sexual"}));
  fs::remove_all(dir);
}
