#include "models/finance/finance.hpp"

#include <cmath>

namespace sgsim::models {

void Finance::declare_parameters(ParamDeclarer& d) {
  d.integer(p_.price_year, {"price_year", "year", 2024, 2000, 2100,
                            "every cost in the output is in this financial year's prices", Provenance::user,
                            "the scenario author's choice; DESIGN.md §5 (costs in the scenario's price year)"});
  d.real(p_.inflation, {"inflation", "per year", 0.035, -0.1, 0.5,
                        "yearly rise in unit costs used to move a cost from its source year to the price year",
                        Provenance::national,
                        "about the average rise in the GDP deflator and in children's services unit costs 2017-2024 "
                        "(HM Treasury GDP deflators; PSSRU Unit Costs)"});
}

void Finance::declare_state(World& w) {
  m_cost_ = w.metrics.add("cost", "£", "total spend that day in the price year: placements, staff, commissioning, "
                                        "edge-of-care and leaving-care support (the cost_* metrics)",
                          MetricKind::flow);
}

double Finance::in_price_year(double amount, int64_t cost_year) const {
  return amount * std::pow(1.0 + p_.inflation, static_cast<double>(p_.price_year - cost_year));
}

void Finance::plan_day(DayPlan& plan) {
  // Finance is declared last, so every other module's accounting is done.
  plan.serial(Phase::accounting, "finance.ledger", [this](World& w) {
    double total = 0;
    for (MetricId m : components_) total += w.metrics.today(m);
    w.metrics.set(m_cost_, total);
  });
}

// Checkpoints: none of its own — costs are the day's metrics, which the World keeps.
void Finance::save(StateOut&) const {}
void Finance::load(StateIn&) {}

}  // namespace sgsim::models
