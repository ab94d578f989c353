#include "models/care/placements.hpp"

#include "models/care/national_market.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace sgsim::models {
namespace {
constexpr StreamId kSupply = stream_id("care.supply");
constexpr StreamId kLastResort = stream_id("care.last_resort");
constexpr StreamId kKinship = stream_id("care.kinship_location");  // combined with the caller's stream
constexpr AgentId kSupplyAgent = 0xFFFFFFF0u;

// National defaults per placement type. Costs are the published figures in the
// year they were published; finance brings them to the scenario's price year.
struct Defaults {
  PlacementTypeParams p;
  Provenance cost_provenance;
  const char* cost_source;
};

// clang-format off
const std::array<Defaults, kPlacementTypes> kDefaults = {{
  // kinship: allowance and support; no provider rows
  {{260, 2024, 1, 0, 17, 2.0, 0.15, 14, 0.3, 0, 0.85, 1, 25, 0, 0, 0, 1, {}},
   Provenance::national, "DfE national minimum fostering allowance 2024-25 (about £180-£315 a week by age) plus support"},
  {{650, 2017, 3, 0, 17, 1.6, 0.25, 28, 0.1, 19.12, 0.9, 1.5, 25, 0.3, 0.1, 0, 1, {0.10, 0.70, 0.18, 0.02}},
   Provenance::national, "PSSRU Unit Costs 2017: foster care, all-in, about £650 a week (DESIGN.md §8)"},
  {{1000, 2017, 4, 5, 17, 4.0, 0.2, 28, 0.08, 1.0, 0.8, 1, 40, 0.3, 1.0, 0, 1, {0.10, 0.70, 0.18, 0.02}},
   Provenance::placeholder, "order of a specialist or treatment foster placement; no national figure"},
  {{820, 2020, 5, 0, 17, 1.8, 0.25, 28, 0.1, 34.91, 0.55, 1.5, 30, 0.3, 0.15, 0, 0.9, {0.16, 0.70, 0.12, 0.02}},
   Provenance::national, "CMA children's social care market study (2022): independent fostering about £820 a week in 2020"},
  {{5800, 2023, 6, 8, 17, 10.0, 0.5, 7, 0.2, 1.6, 0.9, 4, 50, 0.3, 0.5, 0, 1, {0.18, 0.62, 0.17, 0.03}},
   Provenance::placeholder, "own homes cost about the private price per place; paid for every place, used or not"},
  {{6100, 2023, 7, 8, 17, 10.0, 0.5, 7, 0.2, 12.11, 0.35, 4, 80, 0.3, 0.5, 0, 0.85, {0.18, 0.62, 0.17, 0.03}},
   Provenance::national, "NAO (2025) and CMA: a children's home place about £6,100 a week in 2023-24 (DESIGN.md §8)"},
  {{1500, 2023, 2, 16, 17, 3.0, 0.35, 14, 0.4, 22, 0.5, 6, 40, 0.1, 0.05, 0, 1, {0.0, 0.70, 0.25, 0.05}},
   Provenance::placeholder, "supported accommodation, order of published local rates (2023-24)"},
  {{8400, 2023, 0, 10, 17, 100.0, 0.0, 0, 0.02, 0.11, 0.0, 8, 150, 1.0, 1.0, 0, 1, {0.30, 0.50, 0.20, 0.0}},
   Provenance::placeholder, "a secure welfare bed about £1,200 a night (2023-24 parliamentary answers)"},
  {{0, 2024, 0, 0, 17, 100.0, 0.2, 0, 0.6, 0, 1.0, 1, 0, 0, 0, 0, 1, {}},
   Provenance::user, "no placement fee: the cost is the social work (staff cost)"},
  {{1500, 2023, 0, 0, 17, 100.0, 0.0, 0, 0.3, 0, 0.8, 1, 25, 0, 0, 0, 1, {}},
   Provenance::placeholder, "bridging foster care at an enhanced rate; no national figure"},
  {{8000, 2023, 0, 12, 17, 100.0, 0.5, 7, 0.6, 0, 0.3, 1, 60, 0, 0, 0, 1, {}},
   Provenance::placeholder, "unregistered placements, often above £8,000 a week (NAO 2025 reports cases far higher)"},
}};
// clang-format on

// The supplies fitted to the placement mix (the others are small and set by hand).
bool fitted_supply(PlacementType t) {
  return t == PlacementType::in_house_foster || t == PlacementType::ifa_foster || t == PlacementType::private_home ||
         t == PlacementType::supported;
}

const char* const kBreakdownSource =
    "EVIDENCE.md PL-3 (breakdown under aggression and missing, 002_5db1e8f627105674.txt ¶36), PL-12 (supported "
    "settings evict, 004_cfad9db42d4b51c9.txt ¶4.3.19); rates are placeholders for sensitivity";
}  // namespace

void PlacementMarket::declare_parameters(ParamDeclarer& d) {
  for (size_t i = 0; i < kPlacementTypes; ++i) {
    const auto t = static_cast<PlacementType>(i);
    const std::string k = "placement." + std::string(kPlacementTypeNames[i]) + ".";
    const std::string nm(kPlacementTypeNames[i]);
    PlacementTypeParams& p = types_[i];
    const PlacementTypeParams& def = kDefaults[i].p;
    const bool own_home = t == PlacementType::la_home;
    d.real(p.weekly_cost, {k + "weekly_cost", own_home ? "£ per place-week" : "£ per child-week", def.weekly_cost, 0, 50000,
                           own_home ? "running cost of each place in the authority's own homes, occupied or not"
                                    : "spot price of a week in a " + nm + " placement",
                           kDefaults[i].cost_provenance, kDefaults[i].cost_source});
    d.integer(p.cost_year, {k + "cost_year", "year", def.cost_year, 2000, 2100, "price year of the weekly cost",
                            kDefaults[i].cost_provenance, kDefaults[i].cost_source});
    d.integer(p.rank, {k + "rank", "order", def.rank, 0, 20,
                       "matching preference (1 is tried first; 0: matching never chooses it)", Provenance::user,
                       "a local placement policy; default follows the sufficiency duty's order (kin, in-house, agency, "
                       "residential)"});
    d.integer(p.min_age, {k + "min_age", "years", def.min_age, 0, 17, "youngest child the setting takes", Provenance::national,
                          t == PlacementType::supported ? "supported accommodation is for 16 and 17 year olds (2023 regulations)"
                                                        : "usual registration; local variation"});
    d.integer(p.max_age, {k + "max_age", "years", def.max_age, 0, 17, "oldest child the setting takes", Provenance::national,
                          "children are looked after until 18"});
    // Agency foster carers' limit decides the split between agency foster care and
    // children's homes (agency places are not all used), so it is fitted to that split.
    const bool fitted_needs = t == PlacementType::ifa_foster;
    d.real(p.max_needs, {k + "max_needs", "needs points", def.max_needs, 0, 100,
                         "highest needs score (behaviour, complexity) the setting can meet",
                         fitted_needs ? Provenance::fitted : Provenance::placeholder,
                         fitted_needs ? "fitted to the agency foster and children's home shares of DESIGN.md §8 "
                                        "(docs/calibration.md); EVIDENCE.md §2.4: mainstream carers give notice under "
                                        "aggression"
                                      : "EVIDENCE.md §2.4: mainstream carers give notice under aggression; specialist "
                                        "and residential settings take more complex children"});
    d.real(p.breakdown_rate, {k + "breakdown_rate", "per placement-year", def.breakdown_rate, 0, 50,
                              "hazard that the placement breaks down, for a child of needs 1", Provenance::placeholder,
                              kBreakdownSource});
    d.real(p.notice_days, {k + "notice_days", "days", def.notice_days, 0, 365,
                           "notice the carer or provider gives before the child must move", Provenance::seed,
                           "7 days' notice from a provider (000_0a3acfabeaeb94cf.txt §3.51; 003_ea48d82efd16a722.txt "
                           "L1943; EVIDENCE.md PL-3); fostering notice is a placeholder"});
    d.real(p.harm_ratio, {k + "harm_ratio", "rate ratio", def.harm_ratio, 0, 10,
                          "true harm hazard while placed here, relative to the hazard at home", Provenance::placeholder,
                          "direction: EVIDENCE.md PL-7 (secure stops harm), PL-8 (unassessed kin fragile), PL-12 "
                          "(supported settings have low safeguarding capacity)"});
    if (has_providers(t) || t == PlacementType::kinship || t == PlacementType::emergency || t == PlacementType::unregulated) {
      d.real(p.local_share, {k + "local_share", "share", def.local_share, 0, 1,
                             "share of places (or of carers found) inside the authority's area", Provenance::placeholder,
                             "DfE 2024: about 4 in 10 looked-after children are placed outside their authority"});
      d.real(p.distance_away_km, {k + "distance_away_km", "km", def.distance_away_km, 0, 1000,
                                  "mean distance beyond the area boundary of places outside the area",
                                  Provenance::placeholder, "EVIDENCE.md PL-2: Child S about 80 miles away (002_5db1e8f627105674.txt ¶151)"});
    }
    if (!has_providers(t)) continue;
    d.real(p.places_per_10k, {k + "places_per_10k", "places per 10,000 children", def.places_per_10k, 0, 500,
                              t == PlacementType::secure ? "secure welfare beds in the national pool, per 10,000 children in England"
                                                         : "places available to the authority",
                              t == PlacementType::secure ? Provenance::national
                              : fitted_supply(t)         ? Provenance::fitted
                                                         : Provenance::placeholder,
                              t == PlacementType::secure ? "about 130 secure welfare beds in England for 12 million children"
                              : fitted_supply(t)         ? "fitted to the placement mix of DESIGN.md §8 (docs/calibration.md)"
                                                         : "a small share of the supply; no national figure"});
    d.real(p.places_each, {k + "places_each", "places", def.places_each, 1, 50, "mean places per provider (household, home)",
                           Provenance::national, "Ofsted fostering and children's homes data: about 1.5 children per "
                                                 "fostering household, about 4 places per home"});
    d.real(p.disability_share, {k + "disability_share", "share", def.disability_share, 0, 1,
                                "providers able to meet a disabled child's needs", Provenance::placeholder, "no national figure"});
    d.real(p.exploitation_share, {k + "exploitation_share", "share", def.exploitation_share, 0, 1,
                                  "providers able to care for a child at risk of exploitation",
                                  Provenance::placeholder,
                                  "specialist carers scarce (002_5db1e8f627105674.txt ¶43; 004_cfad9db42d4b51c9.txt ¶5.2.11); "
                                  "foster shares set with the placement mix once children flagged by the exploitation "
                                  "module need such carers (docs/calibration.md)"});
    d.real(p.block_share, {k + "block_share", "share", def.block_share, 0, 1,
                           "places bought on a block contract: paid for whether used or not, at the block price",
                           Provenance::user, "a commissioning choice (CMA 2022)"});
    d.real(p.block_price, {k + "block_price", "share of spot price", def.block_price, 0, 2,
                           "block price as a share of the spot price", Provenance::placeholder,
                           "block contracts trade a lower price for paying for empty places (CMA 2022)"});
    d.real_list(p.grades, {k + "grades", "shares", def.grades, 0, 1,
                           "providers graded outstanding, good, requires improvement, inadequate", Provenance::national,
                           "Ofsted children's social care statistics, 31 March 2024 (secure and supported: placeholders)"});
  }
  d.real(policy_.distance_limit_km, {"matching.distance_limit_km", "km", 32, 0, 1000,
                                     "first search only places this near the child's home area (32 km is 20 miles)",
                                     Provenance::national, "the sufficiency duty's preference for placements within 20 miles"});
  d.real(policy_.area_radius_km, {"matching.area_radius_km", "km", 15, 1, 500,
                                  "places inside the area lie up to this far from the child's home",
                                  Provenance::placeholder, "a typical English authority"});
  d.boolean(policy_.allow_out_of_area, {"matching.allow_out_of_area", true,
                                        "when nothing fits nearby, search without the distance limit",
                                        Provenance::seed, "out-of-area placements for lack of choice (EVIDENCE.md PL-1)"});
  d.boolean(policy_.avoid_inadequate, {"matching.avoid_inadequate", true,
                                       "first searches skip providers graded inadequate", Provenance::user, "policy"});
  d.boolean(policy_.accept_inadequate, {"matching.accept_inadequate", true,
                                        "when nothing else fits, accept a provider graded inadequate",
                                        Provenance::seed, "000_0a3acfabeaeb94cf.txt §3.46 (EVIDENCE.md PL-6)"});
  d.boolean(policy_.keep_siblings, {"matching.keep_siblings_together", true,
                                    "siblings entering together are placed together where one provider has room",
                                    Provenance::national, "Children Act 1989 s22C(8)(c)"});
  d.choice(last_resort_text_, {"matching.last_resort", "emergency", {"emergency", "unregulated"},
                               "when nothing fits at all: a wait in an emergency placement, or an unregistered setting",
                               Provenance::seed,
                               "three crisis carers in days (003_ea48d82efd16a722.txt L1627; EVIDENCE.md PL-9); unregistered "
                               "and B&B settings (004_cfad9db42d4b51c9.txt L203-L205)"});
  d.real(policy_.grade_breakdown_ri, {"matching.breakdown_ratio_requires_improvement", "rate ratio", 1.2, 0, 10,
                                      "breakdown hazard in a provider graded requires improvement", Provenance::placeholder,
                                      "direction only"});
  d.real(policy_.grade_breakdown_inadequate, {"matching.breakdown_ratio_inadequate", "rate ratio", 1.5, 0, 10,
                                              "breakdown hazard in a provider graded inadequate", Provenance::placeholder,
                                              "000_0a3acfabeaeb94cf.txt §3.46-§3.51: the inadequate placement later gave notice"});
  d.real(policy_.grade_harm_inadequate, {"matching.harm_ratio_inadequate", "rate ratio", 2.0, 0, 10,
                                         "harm hazard in a provider graded inadequate", Provenance::placeholder,
                                         "003_ea48d82efd16a722.txt L1930: provider 'not keeping her safe'"});
}

void PlacementMarket::declare_state(World& w) {
  auto& p = w.providers;
  type_ = p.add<uint8_t>("type", "code", "placement type (models/care/placement_types.hpp order)");
  places_ = p.add<uint16_t>("places", "places", "places");
  occupied_ = p.add<uint16_t>("occupied", "places", "places taken");
  away_ = p.add<uint8_t>("out_of_area", "flag", "1 = outside the authority's area");
  distance_ = p.add<float>("distance_km", "km", "distance from the children's home area");
  grade_ = p.add<uint8_t>("grade", "code", "Ofsted grade, 1 outstanding … 4 inadequate");
  disability_ = p.add<uint8_t>("meets_disability", "flag", "can meet a disabled child's needs");
  exploitation_ = p.add<uint8_t>("meets_exploitation", "flag", "can care for a child at risk of exploitation");
  block_ = p.add<uint8_t>("block", "flag", "places bought on a block contract");
  closing_ = p.add<uint8_t>("closing", "flag", "takes no new children");
  open_day_ = p.add<int32_t>("open_day", "simulated day", "first day it takes children");
}

AgentId PlacementMarket::add_provider(World& w, PlacementType t, uint16_t places, bool away, Draws& d, int32_t open_day) {
  const PlacementTypeParams& tp = params(t);
  const AgentId p = w.providers.add_rows(1);
  w.providers[type_][p] = static_cast<uint8_t>(t);
  w.providers[places_][p] = places;
  w.providers[away_][p] = away;
  w.providers[distance_][p] = static_cast<float>(distance(d, tp, away));
  w.providers[grade_][p] = static_cast<uint8_t>(1 + d.categorical(tp.grades));
  w.providers[disability_][p] = d.bernoulli(tp.disability_share);
  w.providers[exploitation_][p] = d.bernoulli(tp.exploitation_share);
  w.providers[block_][p] = d.bernoulli(tp.block_share);
  w.providers[open_day_][p] = open_day;
  index(w, p);
  return p;
}

// The matching policy's last resort and the order of preference (again in a branch).
void PlacementMarket::parameters_changed() {
  policy_.last_resort = last_resort_text_ == "unregulated" ? LastResort::unregulated : LastResort::emergency;
  ranked_.clear();
  for (size_t i = 0; i < kPlacementTypes; ++i)
    if (types_[i].rank > 0) ranked_.push_back(static_cast<PlacementType>(i));
  std::stable_sort(ranked_.begin(), ranked_.end(),
                   [this](PlacementType a, PlacementType b) { return params(a).rank < params(b).rank; });
}

void PlacementMarket::initialise(World& w) {
  parameters_changed();
  if (w.nation) {
    // A national run: this authority's own share of each type stays here; the
    // rest is the national market, built once by the first authority to ask.
    national_ = &w.nation->service<NationalMarket>("care.national_market",
                                                   [&] { return std::make_unique<NationalMarket>(w, *this); });
    home_ = w.authority;
  }
  // Supply is per 10,000 children of the simulated population (so --scale keeps rates).
  const double kids = static_cast<double>(w.children.active_count());
  Draws d = w.rng.draws(kSupply, kSupplyAgent, 0);
  for (size_t i = 0; i < kPlacementTypes; ++i) {
    const auto t = static_cast<PlacementType>(i);
    if (!has_providers(t)) continue;
    const PlacementTypeParams& tp = types_[i];
    const double expected = tp.places_per_10k / 1e4 * kids * (national_ ? tp.local_share : 1.0);
    // Whole providers; fractional expectations are rounded at random so small
    // areas get the right supply on average (a secure bed is a national resource).
    double places = 0;
    const double target = std::floor(expected) + (d.bernoulli(expected - std::floor(expected)) ? 1 : 0);
    while (places < target) {
      // Providers of places_each on average: a household of 1 or 2, a home of about 4.
      const double lo = std::floor(tp.places_each);
      auto n = static_cast<uint16_t>(lo + (d.bernoulli(tp.places_each - lo) ? 1 : 0));
      n = static_cast<uint16_t>(std::min<double>(n, target - places));
      add_provider(w, t, n, national_ ? false : !d.bernoulli(tp.local_share), d, 0);
      places += n;
    }
  }
}

double PlacementMarket::daily_price(PlacementType t) const {
  const PlacementTypeParams& tp = params(t);
  return finance_.in_price_year(tp.weekly_cost, tp.cost_year) / 7.0;
}

bool PlacementMarket::eligible(PlacementType t, const PlacementNeed& n) const {
  const PlacementTypeParams& tp = params(t);
  if (n.age < tp.min_age || n.age > tp.max_age || n.needs > tp.max_needs) return false;
  if (t == PlacementType::kinship) return n.kin_available;
  return has_providers(t);
}

bool PlacementMarket::fits(const World& w, AgentId p, const PlacementNeed& n, bool allow_inadequate) const {
  if (p == n.avoid || w.providers[closing_][p] || w.providers[open_day_][p] > w.today) return false;
  if (w.providers[places_][p] - w.providers[occupied_][p] < n.group) return false;
  if (n.disabled && !w.providers[disability_][p]) return false;
  if (n.exploitation && !w.providers[exploitation_][p]) return false;
  return allow_inadequate || w.providers[grade_][p] != kInadequate;
}

std::optional<Match> PlacementMarket::find(World& w, const PlacementNeed& need, StreamId stream, AgentId child) {
  // Widening searches: near and good enough; then anywhere (out of area); then
  // accepting an inadequate provider (PL-1, PL-6).
  struct Pass {
    double limit;
    bool inadequate;
  };
  std::array<Pass, 3> passes{};
  size_t n = 0;
  passes[n++] = {policy_.distance_limit_km, !policy_.avoid_inadequate};
  if (policy_.allow_out_of_area) passes[n++] = {kAnyDistance, !policy_.avoid_inadequate};
  if (policy_.accept_inadequate && policy_.avoid_inadequate)
    passes[n++] = {policy_.allow_out_of_area ? kAnyDistance : policy_.distance_limit_km, true};
  for (size_t i = 0; i < n; ++i) {
    const Pass& pass = passes[i];
    for (PlacementType t : ranked_) {
      if (!eligible(t, need)) continue;
      if (t == PlacementType::kinship) {
        // Relatives live where they live: the child's own draw says where.
        Draws d = w.rng.draws(stream ^ kKinship, child, w.today);
        const bool away = !d.bernoulli(params(t).local_share);
        const double km = distance(d, params(t), away);
        if (km <= pass.limit) return Match{t, kNoProvider, away, static_cast<float>(km)};
        continue;
      }
      if (auto m = find_type(w, t, need, pass.limit, pass.inadequate)) return m;
    }
  }
  return std::nullopt;
}

std::optional<Match> PlacementMarket::find_type(World& w, PlacementType t, const PlacementNeed& need, double max_km,
                                                bool allow_inadequate) const {
  for (const Rooms& rooms : rooms_[static_cast<size_t>(t)])
    for (const auto& [km, p] : rooms) {
      if (km > max_km) break;
      if (fits(w, p, need, allow_inadequate))
        return Match{t, p, w.providers[away_][p] != 0, w.providers[distance_][p]};
    }
  // Nothing of the authority's own: the national market, nearest first.
  if (national_) return national_->find(*w.nation, home_, t, need, max_km, allow_inadequate);
  return std::nullopt;
}

bool PlacementMarket::external(AgentId p) { return NationalMarket::external(p); }
bool PlacementMarket::searches_wait() const { return national_ && national_->deferring(); }

PlacementType PlacementMarket::type(const World& w, AgentId p) const {
  return external(p) ? national_->type(p) : static_cast<PlacementType>(w.providers[type_][p]);
}
uint8_t PlacementMarket::grade(const World& w, AgentId p) const {
  return external(p) ? national_->grade(p) : w.providers[grade_][p];
}
bool PlacementMarket::meets_exploitation(const World& w, AgentId p) const {
  return external(p) ? national_->meets_exploitation(p) : w.providers[exploitation_][p] != 0;
}

Match PlacementMarket::last_resort(World& w, AgentId child, StreamId stream) const {
  const PlacementType t = policy_.last_resort == LastResort::unregulated ? PlacementType::unregulated : PlacementType::emergency;
  const PlacementTypeParams& tp = params(t);
  Draws d = w.rng.draws(stream ^ kLastResort, child, w.today);
  const bool away = !d.bernoulli(tp.local_share);
  return Match{t, kNoProvider, away, static_cast<float>(distance(d, tp, away))};
}

double PlacementMarket::distance(Draws& d, const PlacementTypeParams& tp, bool away) const {
  return away ? policy_.area_radius_km + d.exponential(1.0 / std::max(tp.distance_away_km, 1e-9))
              : policy_.area_radius_km * d.uniform();
}

void PlacementMarket::index(const World& w, AgentId p) {
  auto& rooms = rooms_[w.providers[type_][p]][w.providers[block_][p] ? 0 : 1];
  const std::pair<float, AgentId> key{w.providers[distance_][p], p};
  const bool room = w.providers.active(p) && !w.providers[closing_][p] && w.providers[occupied_][p] < w.providers[places_][p];
  if (room) rooms.insert(key);
  else rooms.erase(key);
}

void PlacementMarket::occupy(World& w, AgentId p) {
  if (external(p)) return national_->occupy(p);
  if (w.providers[occupied_][p] >= w.providers[places_][p]) throw std::logic_error("placement: provider over-filled");
  ++w.providers[occupied_][p];
  index(w, p);
}

void PlacementMarket::vacate(World& w, AgentId p) {
  if (external(p)) return national_->vacate(home_, p);
  if (w.providers[occupied_][p] == 0) throw std::logic_error("placement: vacating an empty provider");
  --w.providers[occupied_][p];
  index(w, p);
  // A closing provider leaves once its last child has moved on.
  if (w.providers[closing_][p] && w.providers[occupied_][p] == 0) w.providers.deactivate(p);
}

void PlacementMarket::close_provider(World& w, AgentId p) {
  w.providers[closing_][p] = 1;
  index(w, p);
  if (w.providers[occupied_][p] == 0) w.providers.deactivate(p);
}

std::array<double, kPlacementTypes> PlacementMarket::daily_prices() const {
  std::array<double, kPlacementTypes> price{};
  for (size_t i = 0; i < kPlacementTypes; ++i) price[i] = daily_price(static_cast<PlacementType>(i));
  return price;
}

std::array<double, kPlacementTypes> PlacementMarket::provider_costs(const World& w,
                                                                    const std::array<double, kPlacementTypes>& price) const {
  std::array<double, kPlacementTypes> cost{};
  for (AgentId p = 0; p < w.providers.rows(); ++p) {
    if (!w.providers.active(p) || w.providers[open_day_][p] > w.today) continue;
    const size_t t = w.providers[type_][p];
    const PlacementTypeParams& tp = types_[t];
    if (static_cast<PlacementType>(t) == PlacementType::la_home)
      cost[t] += price[t] * w.providers[places_][p];  // own homes: every place, used or not
    else if (w.providers[block_][p])
      cost[t] += price[t] * tp.block_price * w.providers[places_][p];
    else
      cost[t] += price[t] * w.providers[occupied_][p];
  }
  return cost;
}

double PlacementMarket::breakdown_factor(const World& w, AgentId p) const {
  if (p == kNoProvider) return 1.0;
  const uint8_t g = grade(w, p);
  return g == kInadequate ? policy_.grade_breakdown_inadequate : g == kRequiresImprovement ? policy_.grade_breakdown_ri : 1.0;
}

double PlacementMarket::harm_factor(const World& w, AgentId p) const {
  if (p == kNoProvider) return 1.0;
  return grade(w, p) == kInadequate ? policy_.grade_harm_inadequate : 1.0;
}

}  // namespace sgsim::models
