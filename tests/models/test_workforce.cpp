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
