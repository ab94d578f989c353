#include "models/model.hpp"

#include "models/family_risk/family_risk.hpp"
#include "models/population/population.hpp"

namespace sgsim::models {

ModuleList make_modules() {
  ModuleList m;
  auto population = std::make_unique<Population>();
  auto family_risk = std::make_unique<FamilyRisk>(*population);
  m.push_back(std::move(population));
  m.push_back(std::move(family_risk));
  return m;
}

}  // namespace sgsim::models
