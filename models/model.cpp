#include "models/model.hpp"

#include "models/agencies/agencies.hpp"
#include "models/care/care.hpp"
#include "models/casework/casework.hpp"
#include "models/child_protection/child_protection.hpp"
#include "models/exploitation/exploitation.hpp"
#include "models/family_risk/family_risk.hpp"
#include "models/finance/finance.hpp"
#include "models/front_door/front_door.hpp"
#include "models/population/population.hpp"
#include "models/vignette/vignette.hpp"
#include "models/workforce/workforce.hpp"

namespace sgsim::models {

// Module order is the order of each phase's work: in the agencies phase the
// workforce moves first (leavers, allocation), then casework (reviews, closures),
// then agencies record today's events and make contacts, then the front door
// screens and completes assessments, then child protection's enquiries,
// conferences and reviews, then care (entries, placements, reviews, exits), then
// missing and exploitation (episodes, stages, recognition, groups, panels). In
// the accounting phase finance comes last, so every cost of the day is in.
ModuleList make_modules() {
  auto finance = std::make_unique<Finance>();
  auto population = std::make_unique<Population>();
  auto family_risk = std::make_unique<FamilyRisk>(*population);
  auto workforce = std::make_unique<Workforce>(*finance);
  auto casework = std::make_unique<Casework>(*family_risk, *workforce, *population);
  auto agencies = std::make_unique<Agencies>(*casework, *population, *family_risk);
  auto care = std::make_unique<Care>(*casework, *family_risk, *population, *finance);
  Care& care_ref = *care;
  casework->set_care_hook([&care_ref](World& w, AgentId c, double judged) { return care_ref.consider_s20(w, c, judged); });
  auto child_protection = std::make_unique<ChildProtection>(*casework, *agencies, *care);
  auto front_door = std::make_unique<FrontDoor>(*casework, *agencies, *child_protection);
  auto exploitation = std::make_unique<Exploitation>(*care, *casework, *agencies, *family_risk, *population, *finance);
  Exploitation& exploitation_ref = *exploitation;
  care->set_exploitation_risk([&exploitation_ref](AgentId c) { return exploitation_ref.recognised(c); });
  care->set_placement_hook([&exploitation_ref](World& w, AgentId c) { exploitation_ref.placement_changed(w, c); });
  // A vignette's children are chosen and their families set after family risk has
  // set up every household, and before anything else looks at them.
  auto vignette = std::make_unique<Vignette>(*population, *family_risk, *agencies, *child_protection, *exploitation);
  ModuleList m;
  m.push_back(std::move(population));
  m.push_back(std::move(family_risk));
  m.push_back(std::move(vignette));
  m.push_back(std::move(workforce));
  m.push_back(std::move(casework));
  m.push_back(std::move(agencies));
  m.push_back(std::move(front_door));
  m.push_back(std::move(child_protection));
  m.push_back(std::move(care));
  m.push_back(std::move(exploitation));
  m.push_back(std::move(finance));
  return m;
}

}  // namespace sgsim::models
