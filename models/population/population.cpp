#include "models/population/population.hpp"

#include <algorithm>

#include <cmath>

namespace sgsim::models {
namespace {
constexpr StreamId kInit = stream_id("population.initial");
constexpr StreamId kBirths = stream_id("population.births");
constexpr StreamId kInMigration = stream_id("population.in_migration");
constexpr StreamId kMoves = stream_id("population.moves_away");
constexpr StreamId kChild = stream_id("population.child");
constexpr uint32_t kNone = UINT32_MAX;
// Area-level draws (daily counts) use this agent id, which no child or household has.
constexpr uint64_t kAreaAgent = UINT64_MAX;
}  // namespace

void Population::declare_parameters(ParamDeclarer& d) {
  d.integer(p_.children, {"children", "children", 12'000'000, 100, 20'000'000,
                          "children aged 0-17 in the area at the start (before --scale)", Provenance::national,
                          "ONS mid-2024 population estimates: about 12.0 million aged 0-17 in England (DESIGN.md §8)"});
  d.real_list(p_.household_children,
              {"household_children", "share of families", {0.44, 0.40, 0.12, 0.04}, 0.0, 1.0,
               "families with 1, 2, 3 and 4 dependent children (weights, normalised)", Provenance::national,
               "ONS Families and households in the UK 2023: 44% one child, 40% two, 16% three or more (3+ split 12/4 "
               "here, a placeholder)"});
  d.real_list(p_.deprivation_deciles,
              {"deprivation_deciles", "share of households", std::vector<double>(10, 0.1), 0.0, 1.0,
               "households by Index of Multiple Deprivation decile, 1 = most deprived (weights, normalised)",
               Provenance::placeholder,
               "IMD 2019 deciles hold equal numbers of neighbourhoods; a local baseline sets its own skew"});
  d.real(p_.deprivation_skew,
         {"deprivation_skew", "log weight ratio", 0.0, -3.0, 3.0,
          "skews households towards the most deprived deciles (> 0) or the least (< 0): decile d's weight is "
          "multiplied by exp(skew * (5.5 - d) / 4.5), so at skew 1 decile 1 weighs e^2 times decile 10",
          Provenance::placeholder,
          "one number per authority for a national table (docs/authorities.md); English Indices of Deprivation "
          "2019 local authority summaries: authorities' shares of neighbourhoods in the most deprived decile run "
          "from none to about half"});
  d.real(p_.births_per_10k, {"births_per_10k", "births per 10,000 children per year", 470, 0, 2000,
                             "live births in the area", Provenance::national,
                             "ONS Births in England and Wales 2023: about 563,600 live births in England, i.e. "
                             "about 470 per 10,000 children 0-17"});
  d.real(p_.first_birth_share, {"first_birth_share", "share of births", 0.40, 0, 1,
                                "births that start a new household (a first child) rather than join one",
                                Provenance::national,
                                "ONS Births by parents' characteristics: about 40% of live births are first births"});
  d.real(p_.in_migration_per_10k,
         {"in_migration_per_10k", "children per 10,000 children per year", 185, 0, 2000,
          "children arriving with households that move into the area", Provenance::placeholder,
          "set so the population holds near its start: births 470 + in 185 = turning 18 ~555 + moving out ~100 "
          "per 10,000 a year"});
  d.real(p_.out_migration_per_household,
         {"out_migration_per_household", "per household per year", 0.010, 0, 1,
          "hazard that a household with children moves out of the area", Provenance::placeholder,
          "placeholder pending ONS internal and international migration by age"});
  d.real(p_.male_share, {"male_share", "share of children", 0.512, 0, 1, "children who are boys",
                         Provenance::national, "ONS sex ratio at birth in England: about 105 boys per 100 girls"});
}

void Population::declare_state(World& w) {
  auto& c = w.children;
  cols_.birth_day = c.add<int32_t>("birth_day", "simulated day", "day of birth (negative: before the run)");
  cols_.household = c.add<uint32_t>("household", "id", "household the child lives in", kNone);
  cols_.next_sibling = c.add<uint32_t>("next_sibling", "id", "next child in the same household", kNone);
  cols_.sex = c.add<uint8_t>("sex", "code", "0 girl, 1 boy");
  auto& h = w.households;
  cols_.first_child = h.add<uint32_t>("first_child", "id", "first child of the household", kNone);
  cols_.child_count = h.add<uint16_t>("child_count", "children", "children aged 0-17 living there");
  cols_.deprivation = h.add<uint8_t>("deprivation", "decile", "IMD decile, 1 = most deprived", 5);

  turns_18_ = w.agenda.add_kind("population.turns_18");
  moves_away_ = w.agenda.add_kind("population.household_moves_away");

  m_population_ = w.metrics.add("population", "children", "children 0-17 in the simulated area", MetricKind::stock);
  m_households_ = w.metrics.add("households", "households", "households with children in the area", MetricKind::stock);
  m_births_ = w.metrics.add("births", "children", "live births", MetricKind::flow);
  m_turned_18_ = w.metrics.add("turned_18", "children", "children reaching 18 (leaving the child population)", MetricKind::flow);
  m_moved_in_ = w.metrics.add("moved_in", "children", "children arriving with households moving in", MetricKind::flow);
  m_moved_out_ = w.metrics.add("moved_out", "children", "children leaving with households moving out", MetricKind::flow);
}

int Population::age_years(const World& w, int32_t birth_day, int32_t day) {
  return w.calendar.whole_years_between(birth_day, day);
}

double Population::mean_household_children() const {
  double total = 0, weighted = 0;
  for (size_t i = 0; i < p_.household_children.size(); ++i) {
    total += p_.household_children[i];
    weighted += p_.household_children[i] * static_cast<double>(i + 1);
  }
  return total > 0 ? weighted / total : 1.0;
}

void Population::file_household_move(World& w, AgentId hh, Draws& d) {
  w.agenda.file(w.today + static_cast<int32_t>(d.days_until(p_.out_migration_per_household / kDaysPerYear)), moves_away_, hh);
}

AgentId Population::add_household(World& w, Draws& d) {
  const AgentId hh = w.households.add_rows(1);
  w.households[cols_.deprivation][hh] = static_cast<uint8_t>(1 + d.categorical(decile_weights_));
  active_households_.insert(hh);
  file_household_move(w, hh, d);
  return hh;
}

AgentId Population::add_child(World& w, AgentId hh, int32_t birth_day, Draws& d) {
  const AgentId c = w.children.add_rows(1);
  w.children[cols_.birth_day][c] = birth_day;
  w.children[cols_.household][c] = hh;
  w.children[cols_.sex][c] = d.bernoulli(p_.male_share) ? 1 : 0;
  w.children[cols_.next_sibling][c] = w.households[cols_.first_child][hh];
  w.households[cols_.first_child][hh] = c;
  ++w.households[cols_.child_count][hh];
  const int32_t adult_day = w.calendar.anniversary(birth_day, kAdultAge);
  w.agenda.file(std::max(adult_day, w.today), turns_18_, c);
  return c;
}

void Population::remove_child(World& w, AgentId c) {
  const AgentId hh = w.children[cols_.household][c];
  auto& next = w.children[cols_.next_sibling];
  auto* link = &w.households[cols_.first_child][hh];
  while (*link != kNone && *link != c) link = &next[*link];
  if (*link == c) *link = next[c];
  --w.households[cols_.child_count][hh];
  w.children.deactivate(c);
  // A household with no children left is out of scope (births start new ones).
  if (w.households[cols_.child_count][hh] == 0) remove_household(w, hh);
}

void Population::remove_household(World& w, AgentId hh) {
  active_households_.erase(hh);
  w.households.deactivate(hh);
}

// Rows are never reused (a child's id keys its draws), so the tables end the run
// holding every child and household that was ever in the area: the starting
// population plus every birth and arrival. Room for that many is made at once,
// so the columns are not doubled as they grow (DESIGN.md §9 memory goal).
void Population::reserve_rows(World& w, double children) const {
  constexpr double kMargin = 1.05;  // storage only: a run that outgrows it reallocates, nothing changes
  const double years = static_cast<double>(w.calendar.days()) / kDaysPerYear;
  const double births = p_.births_per_10k / 1e4 * children * years;
  const double movers = p_.in_migration_per_10k / 1e4 * children * years;
  const double households = children / mean_household_children() + births * p_.first_birth_share +
                            movers / mean_household_children();
  w.children.reserve(static_cast<size_t>(kMargin * (children + births + movers)) + 64);
  w.households.reserve(static_cast<size_t>(kMargin * households) + 64);
}

void Population::initialise(World& w) {
  decile_weights_ = p_.deprivation_deciles;
  for (size_t k = 0; k < decile_weights_.size(); ++k)  // decile d = k + 1
    decile_weights_[k] *= std::exp(p_.deprivation_skew * (4.5 - static_cast<double>(k)) / 4.5);
  const auto target = static_cast<size_t>(std::llround(static_cast<double>(p_.children) * w.scale));
  reserve_rows(w, static_cast<double>(target));
  // Ages are uniform over 0-17: single-year cohorts in England differ by a few per cent.
  const double max_age_days = kAdultAge * kDaysPerYear;
  size_t made = 0;
  for (uint64_t h = 0; made < target; ++h) {
    Draws d = w.rng.draws(kInit, h, 0);
    const size_t n = std::min(target - made, 1 + d.categorical(p_.household_children));
    const AgentId hh = add_household(w, d);
    for (size_t i = 0; i < n; ++i) {
      const auto birth = static_cast<int32_t>(-std::floor(d.uniform() * max_age_days));
      add_child(w, hh, birth, d);
    }
    made += n;
  }
}

void Population::arrivals(World& w) {
  const double kids = static_cast<double>(w.children.active_count());
  // Births: a daily Poisson count, then each birth's own draws keyed by the new child's id.
  Draws area = w.rng.draws(kBirths, kAreaAgent, w.today);
  const int64_t births = area.poisson(p_.births_per_10k / 1e4 * kids / kDaysPerYear);
  for (int64_t b = 0; b < births; ++b) {
    const auto next_id = static_cast<AgentId>(w.children.rows());
    Draws d = w.rng.draws(kChild, next_id, w.today);
    AgentId hh;
    if (active_households_.size() == 0 || d.bernoulli(p_.first_birth_share)) {
      hh = add_household(w, d);
    } else {
      hh = active_households_.ids()[d.below(active_households_.size())];
    }
    add_child(w, hh, w.today, d);
  }
  w.metrics.add_to(m_births_, static_cast<double>(births));

  // Households moving in, with children of any age.
  Draws mig = w.rng.draws(kInMigration, kAreaAgent, w.today);
  const int64_t arriving = mig.poisson(p_.in_migration_per_10k / 1e4 * kids / kDaysPerYear / mean_household_children());
  for (int64_t a = 0; a < arriving; ++a) {
    const auto hh_id = static_cast<AgentId>(w.households.rows());
    Draws d = w.rng.draws(kInMigration, hh_id, w.today);
    const AgentId hh = add_household(w, d);
    const size_t n = 1 + d.categorical(p_.household_children);
    for (size_t i = 0; i < n; ++i)
      add_child(w, hh, w.today - static_cast<int32_t>(std::floor(d.uniform() * kAdultAge * kDaysPerYear)), d);
    w.metrics.add_to(m_moved_in_, static_cast<double>(n));
  }

  for (AgentId c : w.agenda.due(w.today, turns_18_)) {
    if (!w.children.active(c)) continue;
    remove_child(w, c);
    w.metrics.add_to(m_turned_18_, 1);
  }
  for (AgentId hh : w.agenda.due(w.today, moves_away_)) {
    if (!w.households.active(hh) || std::find(staying_.begin(), staying_.end(), hh) != staying_.end()) continue;
    auto& next = w.children[cols_.next_sibling];
    std::vector<AgentId> leaving;
    for (AgentId c = w.households[cols_.first_child][hh]; c != kNone; c = next[c]) leaving.push_back(c);
    for (AgentId c : leaving) remove_child(w, c);
    w.metrics.add_to(m_moved_out_, static_cast<double>(leaving.size()));
  }
}

void Population::plan_day(DayPlan& plan) {
  plan.serial(Phase::arrivals, "population.arrivals", [this](World& w) { arrivals(w); });
  plan.serial(Phase::accounting, "population.stocks", [this](World& w) {
    w.metrics.set(m_population_, static_cast<double>(w.children.active_count()));
    w.metrics.set(m_households_, static_cast<double>(w.households.active_count()));
  });
}

// Checkpoints: the households present (the rest is in the World's tables) and the
// families a vignette keeps in the area.
void Population::save(StateOut& ar) const { ar(active_households_, staying_); }
void Population::load(StateIn& ar) { ar(active_households_, staying_); }

}  // namespace sgsim::models
