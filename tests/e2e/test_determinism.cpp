// Determinism: the same scenario and seed give bit-identical output on 1 and 2
// threads (DESIGN.md §3 principle 1), through the whole path to the HDF5 file.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "models/model.hpp"
#include "sim/output/h5.hpp"
#include "sim/output/run_file.hpp"
#include "sim/run/runner.hpp"

using namespace sgsim;
namespace fs = std::filesystem;

namespace {
std::string run_to_file(int threads, const fs::path& dir) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
  auto model = bind_model(models::make_modules);
  Scenario sc = load_scenario(std::string(SGSIM_SOURCE_DIR) + "/scenarios/england.yaml", model->registry);
  apply_override(sc, "run.days=400", model->registry);
  apply_override(sc, "run.replicates=3", model->registry);
  // Raise the harm rate so the parallel child phase has many chunks to merge.
  apply_override(sc, "family_risk.harm.base_rate=0.5", model->registry);
  RunOptions opt;
  opt.scale = 0.004;
  opt.keep_event_log = true;
  const ScenarioResult r = run_scenario(sc, models::make_modules, opt);
  const std::string path = (dir / fmt::format("j{}.h5", threads)).string();
  RunProvenance prov;
  prov.threads = threads;
  write_run_file(path, {r}, prov);
  return path;
}
}  // namespace

TEST(Determinism, OneAndTwoThreadsGiveBitIdenticalDatasets) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("sgsim-det-{}", ::getpid());
  fs::create_directories(dir);
  const std::string a = run_to_file(1, dir), b = run_to_file(2, dir);
  const H5File fa = H5File::open_read(a), fb = H5File::open_read(b);
  const H5Group ta = fa.root().open_group("scenarios/england/timeseries");
  const H5Group tb = fb.root().open_group("scenarios/england/timeseries");
  ASSERT_EQ(ta.list(), tb.list());
  size_t checked = 0;
  for (const auto& name : ta.list()) {
    if (name == "day") continue;
    std::vector<size_t> da, db;
    const auto xa = ta.read_doubles(name, &da), xb = tb.read_doubles(name, &db);
    ASSERT_EQ(da, db) << name;
    ASSERT_EQ(0, std::memcmp(xa.data(), xb.data(), xa.size() * sizeof(double))) << name;
    ++checked;
  }
  EXPECT_GT(checked, 10u);
  const auto ea = fa.root().open_group("scenarios/england").read_event_table("events");
  const auto eb = fb.root().open_group("scenarios/england").read_event_table("events");
  ASSERT_GT(ea.size(), 5000u);
  EXPECT_EQ(ea, eb);
  // Replicates differ from each other (the replicate is part of the key).
  const auto harm = ta.read_doubles("harm_true");
  const size_t days = 400;
  EXPECT_NE(std::vector<double>(harm.begin(), harm.begin() + days),
            std::vector<double>(harm.begin() + days, harm.begin() + 2 * days));
  fs::remove_all(dir);
}

// A burn-in is the same simulation with its first days left out of the outputs: a
// run from 2024-04-01 with 200 burn-in days equals, day for day, the last 300 days
// of a run of 500 days that starts 200 days earlier.
TEST(Determinism, BurnInIsTheSameRunWithItsStartLeftOut) {
  auto model = bind_model(models::make_modules);
  Scenario with_burn_in = load_scenario(std::string(SGSIM_SOURCE_DIR) + "/scenarios/england.yaml", model->registry);
  Scenario from_earlier = with_burn_in;
  apply_override(with_burn_in, "run.burn_in_days=200", model->registry);
  apply_override(with_burn_in, "run.days=300", model->registry);
  apply_override(from_earlier, "run.start_date=" + format_iso(Date{make_date(2024, 4, 1).serial - 200}),
                 model->registry);
  apply_override(from_earlier, "run.days=500", model->registry);
  apply_override(from_earlier, "run.burn_in_days=0", model->registry);  // whatever england.yaml sets
  RunOptions opt;
  opt.scale = 0.002;
  const ReplicateResult a = run_replicate(with_burn_in, models::make_modules, 0, opt);
  const ReplicateResult b = run_replicate(from_earlier, models::make_modules, 0, opt);
  ASSERT_EQ(a.series.size(), b.series.size());
  for (size_t m = 0; m < a.series.size(); ++m) {
    ASSERT_EQ(a.series[m].size(), 300u);
    EXPECT_EQ(a.series[m], std::vector<double>(b.series[m].begin() + 200, b.series[m].end())) << m;
  }
}
