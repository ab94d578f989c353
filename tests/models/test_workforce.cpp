// Workforce: leaving follows its hazard, a zero hazard means no turnover, and a
// lower caseload cap with the same staff leaves more cases unallocated.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/models/model_fixture.hpp"

using namespace sgsim;
using namespace sgsim::testing;

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
