// A national run (sim/run/national.hpp): one World per authority from a table,
// stepped together and sharing a national placement market and pool of secure
// beds (models/care/national_market.hpp). The table's errors name file, line and
// column; national series are the authorities' added up; results do not depend on
// threads; out-of-area places are real places in other authorities, at their
// distance; secure beds are one national pool that is never over-filled.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <string>

#include "sim/output/run_file.hpp"
#include "sim/run/checkpoint.hpp"
#include "sim/run/national.hpp"
#include "tests/models/model_fixture.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {

const std::string kData = std::string(SGSIM_SOURCE_DIR) + "/tests/data/authorities/";

Scenario national(std::vector<std::pair<std::string, ParamValue>> more = {}) {
  auto v = with(whole_system(20000, 365), {{"run.burn_in_days", int64_t{180}}});
  for (auto& m : more) v.push_back(m);
  Scenario sc = scenario(v);
  set_authorities(sc, kData + "four.csv");
  return sc;
}

ReplicateResult run(const Scenario& sc, std::vector<MetricInfo>* info = nullptr) {
  return run_replicate(sc, models::make_modules, 0, RunOptions{}, info);
}

size_t metric(const std::vector<MetricInfo>& info, const std::string& name) {
  for (size_t m = 0; m < info.size(); ++m)
    if (info[m].name == name) return m;
  throw std::logic_error("no metric " + name);
}

std::string table_error(const std::string& file) {
  auto model = bind_model(models::make_modules);
  try {
    load_authority_table(kData + file, model->registry);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(AuthorityTable, ReadsEveryRowAndItsParameters) {
  auto model = bind_model(models::make_modules);
  const AuthorityTable t = load_authority_table(kData + "four.csv", model->registry);
  ASSERT_EQ(t.authorities.size(), 4u);
  EXPECT_EQ(t.authorities[2].code, "T3");
  EXPECT_EQ(t.authorities[2].x_km, 500);
  EXPECT_EQ(t.authorities[0].measure("provision_weight", 0), 50);
  ASSERT_EQ(t.overrides[2].size(), 3u);
  EXPECT_EQ(t.overrides[2][0].first, "population.children");
  EXPECT_EQ(std::get<int64_t>(t.overrides[2][0].second), 15000);
  EXPECT_EQ(t.origins[2][0].line, 4);
}

TEST(AuthorityTable, BadTablesNameFileLineAndColumn) {
  EXPECT_EQ(table_error("unknown_column.csv"),
            kData + "unknown_column.csv:1:31: error: unknown parameter 'workforce.postz_per_10k'; did you mean "
                    "'workforce.posts_per_10k'?");
  EXPECT_NE(table_error("bad_value.csv").find("bad_value.csv:3:6: error: population.children:"), std::string::npos)
      << table_error("bad_value.csv");
  EXPECT_NE(table_error("short_row.csv").find("short_row.csv:3:"), std::string::npos);
  EXPECT_NE(table_error("short_row.csv").find("expected 3 fields"), std::string::npos);
  EXPECT_NE(table_error("no_children.csv").find("needs a 'population.children' column"), std::string::npos);
  EXPECT_NE(table_error("run_column.csv").find("run settings are the same for every authority"), std::string::npos);
  EXPECT_NE(table_error("duplicate_code.csv").find("duplicate_code.csv:3:1: error: code 'T1' appears twice"),
            std::string::npos)
      << table_error("duplicate_code.csv");
}

TEST(National, SeriesAreTheAuthoritiesAddedUp) {
  std::vector<MetricInfo> info;
  const ReplicateResult r = run(national(), &info);
  ASSERT_EQ(r.authorities.size(), 4u);
  ASSERT_EQ(r.authority_summaries.size(), 4u);
  for (const char* name : {"population", "referrals", "cla_open", "harm_true"}) {
    const size_t m = metric(info, name);
    double parts = 0;
    for (const auto& row : r.authority_summaries) parts += row[m];
    EXPECT_NEAR(summarise(r.series[m], info[m].kind, 365), parts, 1e-6 * std::max(1.0, parts)) << name;
  }
  EXPECT_NEAR(summarise(r.series[metric(info, "population")], MetricKind::stock, 365), 70000, 0.05 * 70000);
  // An average lies between the authorities' own.
  const size_t cl = metric(info, "caseload_mean");
  double lo = 1e9, hi = 0;
  for (const auto& row : r.authority_summaries) lo = std::min(lo, row[cl]), hi = std::max(hi, row[cl]);
  const double national_caseload = summarise(r.series[cl], MetricKind::stock, 365);
  EXPECT_GE(national_caseload, lo - 1e-9);
  EXPECT_LE(national_caseload, hi + 1e-9);
}

TEST(National, TheSameOnOneThreadAndOnTwo) {
  ReplicateResult one, two;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one = run(national());
  }
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    two = run(national());
  }
  EXPECT_EQ(one.series, two.series);
  EXPECT_EQ(one.authority_summaries, two.authority_summaries);
}

// T1 holds nearly all the market's places (provision_weight 50 against 0.01) and
// authorities keep none of their own of the market types: the other three place
// their children in T1, 300 km away, and T1 its own near home.
TEST(National, OutOfAreaPlacesAreInTheAuthorityThatHasThem) {
  std::vector<std::pair<std::string, ParamValue>> market;
  for (const char* t : {"ifa_foster", "private_home", "supported", "specialist_foster", "in_house_foster", "la_home"})
    market.push_back({std::string("care.placement.") + t + ".local_share", 0.0});
  std::vector<MetricInfo> info;
  const ReplicateResult r = run(national(market), &info);
  const size_t km = metric(info, "placement_distance_mean"), away = metric(info, "out_of_area"),
               cla = metric(info, "cla_open");
  const auto& t1 = r.authority_summaries[0];
  const auto& t2 = r.authority_summaries[1];
  ASSERT_GT(t2[cla], 20) << "enough children looked after in T2 to measure";
  EXPECT_GT(t2[away] / t2[cla], 0.5) << "most of T2's children are placed out of the area";
  EXPECT_GT(t2[km], 150) << "T2's placements are far away, most at T1 (300 km)";
  EXPECT_LT(t1[km], t2[km] / 2) << "T1's children are placed near home";
}

// Secure beds are one national pool: with about two beds in England and many
// applications, no more than the pool's beds are ever filled, and beds go to
// children of more than one authority.
TEST(National, SecureBedsAreOneNationalPoolNeverOverFilled) {
  std::vector<MetricInfo> info;
  const ReplicateResult r = run(
      national({{"care.placement.secure.places_per_10k", 0.3},  // 0.3 × 70,000 / 10,000 = 2.1 beds
                {"care.secure.granted", 1.0},
                {"care.secure.needs_threshold", 1.0}}),
      &info);
  const size_t secure = metric(info, "cla_secure"), admitted = metric(info, "secure_admissions");
  const double most = *std::max_element(r.series[secure].begin(), r.series[secure].end());
  EXPECT_LE(most, 3.0) << "at most floor(2.1) + 1 beds";
  EXPECT_GE(most, 1.0) << "the pool is used";
  int authorities_admitted = 0;
  for (const auto& row : r.authority_summaries) authorities_admitted += row[admitted] > 0;
  EXPECT_GE(authorities_admitted, 2) << "beds go to more than one authority's children";
}

// A national run stopped part-way and resumed from its last checkpoint is the
// uninterrupted run: every authority's state, the market's places and the
// national totals so far are all in the checkpoint.
TEST(National, StoppedAndResumedFromACheckpointIsTheUninterruptedRun) {
  const Scenario sc = national();
  const ReplicateResult whole = run(sc);
  const std::string path = ::testing::TempDir() + "national.ck";
  std::filesystem::remove(path);
  RunOptions o;
  o.checkpoint = CheckpointPlan{path, 50, "", "national-test", 0};
  std::atomic<bool> stop{false};
  o.cancel = &stop;
  o.progress = [&](const Progress& p) {
    if (p.day >= 100) stop = true;  // killed on output day 100; the last checkpoint is older
  };
  EXPECT_THROW(run_replicate(sc, models::make_modules, 0, o), Cancelled);
  ASSERT_TRUE(std::filesystem::exists(path));
  const int32_t from = read_checkpoint_header(path).day;
  EXPECT_LT(from, 180 + 100) << "resumes from before the stop";
  EXPECT_GT(from, 180) << "from a checkpoint after the start date";
  o.cancel = nullptr;
  int days_simulated = 0;
  o.progress = [&](const Progress&) { ++days_simulated; };
  const ReplicateResult resumed = run_replicate(sc, models::make_modules, 0, o);
  EXPECT_EQ(days_simulated, 180 + 365 - from) << "the resumed run starts at its checkpoint, not at day 0";
  EXPECT_EQ(whole.series, resumed.series);
  EXPECT_EQ(whole.authority_summaries, resumed.authority_summaries);
  // The check can fail: another replicate's run differs.
  EXPECT_NE(whole.series, run_replicate(sc, models::make_modules, 1, RunOptions{}).series);
  std::filesystem::remove(path);
}
