#pragma once
// Population: children 0–17 in households, who are born, age, move in and out of
// the area and leave the child population at 18 (DESIGN.md §2). Ages are not
// updated daily: a child's age follows from their birth day, and the one age
// event that changes who is in scope (the 18th birthday) is filed on the agenda.
#include "sim/schedule/module.hpp"

namespace sgsim::models {

// The child population is 0-17 by definition (Children Act 1989 s105): a child
// leaves it, and leaves care, on the 18th birthday.
inline constexpr int kAdultAge = 18;

// Columns other modules read. Filled in by Population::declare_state.
struct PopulationColumns {
  Col<int32_t> birth_day;     // children: simulated day of birth (negative before the start)
  Col<uint32_t> household;    // children: household id
  Col<uint32_t> next_sibling; // children: next child in the same household (UINT32_MAX ends)
  Col<uint8_t> sex;           // children: 0 female, 1 male
  Col<uint32_t> first_child;  // households: first child (UINT32_MAX if none)
  Col<uint16_t> child_count;  // households: children living there
  Col<uint8_t> deprivation;   // households: IMD decile, 1 = most deprived
};

class Population final : public Module {
 public:
  struct Params {
    int64_t children = 0;
    std::vector<double> household_children;  // weights of 1, 2, 3, 4 children
    std::vector<double> deprivation_deciles;  // weights of deciles 1..10
    double deprivation_skew = 0;              // skews the deciles towards 1 (>0) or 10 (<0)
    double births_per_10k = 0;
    double first_birth_share = 0;
    double in_migration_per_10k = 0;
    double out_migration_per_household = 0;
    double male_share = 0;
  };

  std::string_view name() const override { return "population"; }
  std::string_view summary() const override {
    return "children 0-17 in households: initial population, births, moves in and out, leaving at 18";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override;
  void plan_day(DayPlan&) override;
  void save(StateOut&) const override;
  void load(StateIn&) override;

  const PopulationColumns& columns() const { return cols_; }
  const Params& params() const { return p_; }

  // Age in whole years on `day`.
  static int age_years(const World& w, int32_t birth_day, int32_t day);
  // A vignette's family stays in the area for the whole run (the review follows it).
  void keep_in_area(AgentId household) { staying_.push_back(household); }

 private:
  AgentId add_household(World& w, Draws& d);
  AgentId add_child(World& w, AgentId household, int32_t birth_day, Draws& d);
  void remove_child(World& w, AgentId child);
  void remove_household(World& w, AgentId hh);
  void file_household_move(World& w, AgentId hh, Draws& d);
  void arrivals(World& w);
  double mean_household_children() const;
  void reserve_rows(World& w, double children) const;

  Params p_;
  PopulationColumns cols_;
  AgendaKind turns_18_, moves_away_;
  std::vector<AgentId> staying_;  // households that do not move away (a vignette's families)
  MetricId m_population_, m_households_, m_births_, m_turned_18_, m_moved_in_, m_moved_out_;
  IndexSet active_households_;
  std::vector<double> decile_weights_;  // deprivation_deciles after the skew (from parameters, in initialise)
};

}  // namespace sgsim::models
