#pragma once
// Finance: the cost ledger (DESIGN.md §2 "Money", EVIDENCE.md OC-1). Modules that
// spend money declare a daily cost metric and register it here; finance converts
// every unit cost from the price year of its source to the scenario's price year
// with one inflation rate, and adds the day's registered costs into `cost`. Unit
// costs are user inputs with national defaults: the seeds give none.
#include <vector>

#include "sim/schedule/module.hpp"

namespace sgsim::models {

class Finance final : public Module {
 public:
  struct Params {
    int64_t price_year = 0;
    double inflation = 0;
  };

  std::string_view name() const override { return "finance"; }
  std::string_view summary() const override {
    return "the daily cost ledger: unit costs brought to one price year; total spend by category";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override {}
  void plan_day(DayPlan&) override;
  void save(StateOut&) const override;
  void load(StateIn&) override;

  // An amount in `cost_year` prices, in the scenario's price year.
  double in_price_year(double amount, int64_t cost_year) const;
  // A daily cost metric that counts towards `cost` (declare_state only).
  void register_cost(MetricId m) { components_.push_back(m); }
  const Params& params() const { return p_; }

 private:
  Params p_;
  std::vector<MetricId> components_;
  MetricId m_cost_;
};

}  // namespace sgsim::models
