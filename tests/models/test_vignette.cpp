// Case-review vignettes (models/vignette): the scripted child is the simulated
// child the vignette describes, their family and exploiters are as scripted on
// their days, what agencies saw reaches them, and the child stays in the area
// and is traced. A slot left empty changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "models/exploitation/exploitation.hpp"
#include "models/population/population.hpp"
#include "tests/models/model_fixture.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {

using Settings = std::vector<std::pair<std::string, ParamValue>>;

Settings lena_like() {
  return with(whole_system(20000, 400), {{"run.burn_in_days", int64_t{200}},
                                         {"vignette.child_1.present", true},
                                         {"vignette.child_1.age", 14.5},
                                         {"vignette.child_1.sex", std::string("girl")},
                                         {"vignette.child_1.deprivation_decile", int64_t{2}},
                                         {"vignette.child_1.household.domestic_abuse", true},
                                         {"vignette.child_1.household.parental_substance_misuse", true},
                                         {"vignette.child_1.household.carer_capacity", 0.2},
                                         {"vignette.child_1.concerns.school", std::vector<double>{-100, 10}},
                                         {"vignette.child_1.concerns.police", std::vector<double>{50}},
                                         {"vignette.child_1.exploitation.targeted", true},
                                         {"vignette.child_1.exploitation.targeted_day", 30.0},
                                         {"vignette.child_1.exploitation.stage", std::string("exploited")},
                                         {"vignette.child_1.exploitation.type", std::string("criminal")},
                                         {"vignette.child_1.missing_propensity", 5.0},
                                         {"vignette.child_2.present", true},
                                         {"vignette.child_2.age", 15.0},
                                         {"vignette.child_2.sex", std::string("boy")},
                                         {"vignette.child_2.friend_of", int64_t{1}}});
}

size_t kind(const World& w, const std::string& name) {
  for (size_t k = 0; k < w.event_types.kinds().size(); ++k)
    if (w.event_types.kinds()[k].name == name) return k;
  throw std::logic_error("no event kind " + name);
}

}  // namespace

TEST(Vignette, TheScriptedChildIsTheChildDescribedAndStaysInTheArea) {
  RunOptions o;
  o.keep_event_log = true;
  Simulation sim(scenario(lena_like()), models::make_modules, 0, o);
  World& w = sim.world();
  ASSERT_EQ(w.scripted_children.size(), 2u);
  const AgentId c = w.scripted_children[0], friend_ = w.scripted_children[1];
  EXPECT_TRUE(w.traced(c));
  EXPECT_TRUE(w.traced(friend_));
  const auto birth = w.children.find<int32_t>("birth_day");
  const auto sex = w.children.find<uint8_t>("sex");
  const auto household = w.children.find<uint32_t>("household");
  const auto decile = w.households.find<uint8_t>("deprivation");
  // Age at start_date within a month of 14.5 years (20,000 children: thousands of
  // girls in the decile, a birthday every few days), sex and decile as scripted.
  EXPECT_NEAR((w.record_from - w.children[birth][c]) / kDaysPerYear, 14.5, 30 / kDaysPerYear);
  EXPECT_EQ(w.children[sex][c], 0);
  EXPECT_EQ(w.children[sex][friend_], 1);
  const AgentId hh = w.children[household][c];
  EXPECT_EQ(w.households[decile][hh], 2);
  EXPECT_EQ(w.households[w.households.find<uint8_t>("domestic_abuse")][hh], 1);
  EXPECT_EQ(w.households[w.households.find<uint8_t>("parental_substance_misuse")][hh], 1);
  EXPECT_NEAR(w.households[w.households.find<float>("carer_capacity")][hh], 0.2, 1e-6);
  EXPECT_NEAR(w.children[w.children.find<float>("missing_propensity")][c], 5.0, 1e-6);
  while (!sim.done()) {
    sim.step();
    ASSERT_TRUE(w.children.active(c)) << "the scripted child left on day " << w.today;
  }
  // Exploited from day 30 (criminal: stage 3 + 4 × type 1 = 7), and the agencies'
  // concerns reached them on their days (a traced contact decision each).
  const size_t stage = kind(w, "exploitation_stage");
  bool exploited = false;
  for (const Event& e : w.event_log)
    if (e.child == c && e.kind == stage && e.detail == 7) {
      EXPECT_EQ(e.day, 30);
      exploited = true;
    }
  EXPECT_TRUE(exploited);
  // The friends name each other.
  EXPECT_EQ(w.children[w.children.find<uint32_t>("friend_1")][c], friend_);
  EXPECT_EQ(w.children[w.children.find<uint32_t>("friend_1")][friend_], c);
  std::vector<int32_t> seen;
  const size_t decision = kind(w, "agency_contact_decision");
  for (const auto& t : w.trace_log)
    if (t.child == c && t.kind == decision) seen.push_back(t.day - w.record_from);
  for (int32_t day : {-100, 10, 50}) EXPECT_NE(std::find(seen.begin(), seen.end(), day), seen.end()) << day;
}

// Concerns dated before the simulation starts cannot happen: a clear error.
TEST(Vignette, AConcernBeforeTheSimulationStartsIsAnError) {
  Settings s = lena_like();
  s.push_back({"vignette.child_1.concerns.gp", std::vector<double>{-500}});
  try {
    Simulation sim(scenario(s), models::make_modules, 0, RunOptions{});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("vignette.child_1.concerns.gp"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("burn_in_days"), std::string::npos) << e.what();
  }
}

// Several children exploited by the same men (004 ¶2.7): a slot naming another's
// group is targeted by that one group, not a new one. And a child protection
// plan the review dates starts on its day.
TEST(Vignette, SharedExploitersAndADatedPlan) {
  Settings s = with(whole_system(20000, 30), {{"vignette.child_1.present", true},
                                              {"vignette.child_1.age", 14.0},
                                              {"vignette.child_1.exploitation.targeted", true},
                                              {"vignette.child_1.exploitation.targeted_day", 5.0},
                                              {"vignette.child_1.exploitation.group_activity", 7.5},
                                              {"vignette.child_1.protection_plan", true},
                                              {"vignette.child_1.protection_plan_day", 3.0},
                                              {"vignette.child_2.present", true},
                                              {"vignette.child_2.age", 15.0},
                                              {"vignette.child_2.exploitation.targeted", true},
                                              {"vignette.child_2.exploitation.targeted_day", 8.0},
                                              {"vignette.child_2.exploitation.same_group_as", int64_t{1}},
                                              {"vignette.child_3.present", true},
                                              {"vignette.child_3.age", 13.0},
                                              {"vignette.child_3.exploitation.targeted", true},
                                              {"vignette.child_3.exploitation.targeted_day", 8.0},
                                              {"vignette.child_3.exploitation.group_activity", 7.5}});
  RunOptions o;
  o.keep_event_log = true;
  Simulation sim(scenario(s), models::make_modules, 0, o);
  World& w = sim.world();
  while (!sim.done() && w.today < w.record_from + 10) sim.step();
  const auto& groups = sim.module<models::Exploitation>().groups();
  // Child 1 and 2 share one group of activity 7.5; child 3 has a group of its own
  // with the same activity: two such groups, one with two victims.
  std::vector<int32_t> victims;
  for (const auto& g : groups)
    if (g.activity == 7.5) victims.push_back(g.victims);
  std::sort(victims.begin(), victims.end());
  EXPECT_EQ(victims, (std::vector<int32_t>{1, 2}));
  const AgentId c = w.scripted_children[0];
  bool plan = false;
  const size_t status = kind(w, "status");
  for (const Event& e : w.event_log)
    if (e.child == c && e.kind == status && e.detail == 5) {
      EXPECT_EQ(e.day, 3);
      plan = true;
    }
  EXPECT_TRUE(plan);
}
