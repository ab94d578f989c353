// Workforce: leaving follows its hazard, a zero hazard means no turnover, and a
// lower caseload cap with the same staff leaves more cases unallocated.
#include <gtest/gtest.h>

#include <cmath>

#include "models/workforce/by_load.hpp"
#include "tests/models/model_fixture.hpp"

using namespace sgsim;
using namespace sgsim::testing;

// Moving a worker to a new load in place must leave the list exactly as taking
// the old entry out and putting the new one in would: allocation picks the
// first worker, so the order is the run's.
TEST(WorkersByLoad, UpdateInPlaceIsEraseThenInsert) {
  models::WorkersByLoad moved, rebuilt;
  std::vector<double> load(60, 0.0);
  for (uint32_t id = 0; id < load.size(); ++id) {
    moved.insert({0.0, id});
    rebuilt.insert({0.0, id});
  }
  uint64_t x = 12345;  // a fixed sequence of workers and changes (an LCG)
  const auto next = [&x] { return (x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  for (int step = 0; step < 20000; ++step) {
    const auto id = static_cast<uint32_t>(next() % load.size());
    // Whole and fractional case weights, up and down, and no change at all.
    const double change = static_cast<double>(static_cast<int64_t>(next() % 7) - 3) * (next() % 2 ? 1.0 : 0.25);
    const double to = std::max(0.0, load[id] + change);
    moved.update({load[id], id}, {to, id});
    rebuilt.erase({load[id], id});
    rebuilt.insert({to, id});
    load[id] = to;
    ASSERT_TRUE(std::equal(moved.begin(), moved.end(), rebuilt.begin(), rebuilt.end())) << "step " << step;
  }
  EXPECT_TRUE(std::is_sorted(moved.begin(), moved.end()));
  EXPECT_EQ(moved.size(), load.size());
}

TEST(Workforce, ZeroLeavingHazardGivesZeroTurnover) {
  const auto s = run_series(scenario(with(whole_system(40000, 730), {{"workforce.turnover", 0.0},
                                                                     {"workforce.agency_turnover", 0.0}})),
                            {"worker_leavers", "social_workers", "agency_workers", "vacancies"});
  EXPECT_EQ(total(s.at("worker_leavers")), 0);
  EXPECT_EQ(s.at("agency_workers").back(), 0);  // no vacancy ever arose to be covered
  EXPECT_EQ(s.at("vacancies").back(), 0);
  EXPECT_GT(s.at("social_workers").back(), 0);
}

// With posts far above need, no worker is over the cap, so each leaves at the base
// hazard h per year: leavers over the run ≈ Σ_days workers × h / 365.25. Leaving is
// a sum of independent daily Bernoulli draws: sd ≤ sqrt(expected); tolerance 5 sd.
TEST(Workforce, LeaversMatchTheLeavingHazard) {
  const double h = 2.0;
  const auto s = run_series(scenario(with(whole_system(40000, 730), {{"workforce.posts_per_10k", 150.0},
                                                                     {"workforce.turnover", h},
                                                                     {"workforce.agency_turnover", h}})),
                            {"worker_leavers", "social_workers"});
  double expected = 0;
  const auto& workers = s.at("social_workers");
  for (size_t d = 1; d < workers.size(); ++d) expected += workers[d - 1] * h / 365.25;
  ASSERT_GT(expected, 1000);
  EXPECT_NEAR(total(s.at("worker_leavers")) - s.at("worker_leavers")[0], expected, 5 * std::sqrt(expected));
}

TEST(Workforce, CuttingTheCaseloadCapWithFixedStaffLengthensTheQueue) {
  auto unallocated = [](int64_t cap) {
    const auto s = run_series(scenario(with(whole_system(40000, 730), {{"workforce.caseload_cap", cap}})),
                              {"unallocated_cases"});
    return total(s.at("unallocated_cases"));
  };
  const double cap20 = unallocated(20), cap8 = unallocated(8);
  EXPECT_GT(cap8, cap20 + 1000);  // case-days waiting for a worker
}

// Team managers alternate between permanent spells (mean 365.25/rate days) and
// interim spells (mean interim_days); each change brings an interim manager with
// probability q. The long-run share of teams led by an interim is then
// qI / (qI + (1-q)P) and changes per team-year are 365.25 / (qI + (1-q)P).
// With one worker per team there are ~300 teams; spells of ~160 days over 2,000
// days give ~12 independent looks per team, ~3,600 in all, so the share's sd is
// about sqrt(0.25/3600) ≈ 0.008; tolerance 0.04 (5 sd). Changes are a renewal
// count of ~13,000: tolerance 5%.
TEST(Workforce, ManagerChangesFollowTheirRates) {
  const double rate = 2.0, q = 0.5, interim_days = 150;
  const auto s = run_series(scenario(with(whole_system(40000, 2000), {{"workforce.posts_per_10k", 75.0},
                                                                      {"workforce.manager.team_size", 1.0},
                                                                      {"workforce.manager.change_rate", rate},
                                                                      {"workforce.manager.interim_share", q},
                                                                      {"workforce.manager.interim_days", interim_days}})),
                            {"manager_changes", "teams_interim_manager", "teams"});
  const double P = 365.25 / rate, cycle = q * interim_days + (1 - q) * P;
  const auto& interim = s.at("teams_interim_manager");
  const double teams = s.at("teams").back();
  ASSERT_GT(teams, 250);
  double share = 0;
  const size_t settle = 365;  // every team starts with a permanent manager
  for (size_t d = settle; d < interim.size(); ++d) share += interim[d] / teams;
  share /= static_cast<double>(interim.size() - settle);
  EXPECT_NEAR(share, q * interim_days / cycle, 0.04);
  const double years = static_cast<double>(interim.size()) / 365.25;
  EXPECT_NEAR(total(s.at("manager_changes")) / (teams * years), 365.25 / cycle, 0.05 * 365.25 / cycle);
}

TEST(Workforce, ZeroManagerChangeRateKeepsEveryManagerPermanent) {
  const auto s = run_series(scenario(with(whole_system(40000, 730), {{"workforce.manager.change_rate", 0.0}})),
                            {"manager_changes", "teams_interim_manager"});
  EXPECT_EQ(total(s.at("manager_changes")), 0);
  EXPECT_EQ(total(s.at("teams_interim_manager")), 0);
}

TEST(Workforce, NoAgencyCoverMeansNoAgencyWorkers) {
  const auto s = run_series(scenario(with(whole_system(40000, 730), {{"workforce.turnover", 1.0},
                                                                     {"workforce.agency_fill_share", 0.0}})),
                            {"agency_workers", "worker_leavers"});
  EXPECT_GT(total(s.at("worker_leavers")), 50);
  EXPECT_EQ(total(s.at("agency_workers")), 0);
}

// Agency workers cover a post only until the permanent appointment arrives, so the
// agency share settles instead of creeping up as posts pass to agency cover one by
// one. Leaving at h = 0.5 a year and appointment after a mean of R = 90 days put a
// share p = x/(1+x), x = hR/365.25, of posts in recruitment; cover arrives after a
// mean of F = 21 days, so it holds a share R/(R+F) of that time (exponential
// waits). Expected agency share ≈ p·R/(R+F) ≈ 9%, less a little because agency
// workers leave too. About 900 posts: the yearly mean share has a standard error
// near 1 point; tolerance 2.5 points, and the last of four years stays within a
// third of the second year's.
TEST(Workforce, AgencyShareSettlesBecauseCoverEndsWithThePermanentAppointment) {
  const auto s = run_series(scenario(with(whole_system(40000, 1461), {{"workforce.posts_per_10k", 225.0},
                                                                      {"workforce.turnover", 0.5},
                                                                      {"workforce.agency_turnover", 0.5},
                                                                      {"workforce.agency_fill_share", 1.0},
                                                                      {"workforce.recruitment_days", 90.0}})),
                            {"agency_workers", "social_workers"});
  auto share = [&](size_t year) {
    double a = 0, n = 0;
    for (size_t d = year * 365; d < (year + 1) * 365; ++d) {
      a += s.at("agency_workers")[d];
      n += s.at("social_workers")[d];
    }
    return a / n;
  };
  const double second = share(1), last = share(3);
  const double x = 0.5 * 90 / 365.25, p = x / (1 + x), expected = p * 90 / (90 + 21);
  EXPECT_NEAR(second, expected, 0.025);
  EXPECT_NEAR(last, second, second / 3);
}
