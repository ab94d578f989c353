#pragma once
// The placement market: providers with places, a weekly cost, a distance from the
// child's home area, an Ofsted grade and the needs they can meet; and the matching
// policy that chooses among them (EVIDENCE.md PL-1 scarcity drives distance and
// acceptance of unsuitable placements, 000_0a3acfabeaeb94cf.txt §4.6,
// 002_5db1e8f627105674.txt ¶39, ¶43; PL-6 an inadequate placement kept for lack of
// choice, 000_0a3acfabeaeb94cf.txt §3.46). Places that are not rows in the
// providers table — kinship carers, parents, emergency and unregistered settings —
// are found per child.
#include <array>
#include <limits>
#include <optional>

#include "models/care/placement_types.hpp"
#include "models/finance/finance.hpp"
#include "sim/schedule/module.hpp"
#include "sim/storage/flat_set.hpp"

namespace sgsim::models {

class NationalMarket;

// Ofsted grades, 1 outstanding … 4 inadequate.
inline constexpr uint8_t kRequiresImprovement = 3;
inline constexpr uint8_t kInadequate = 4;

struct PlacementTypeParams {
  double weekly_cost = 0;       // £ per child-week (spot price) or per place-week (own homes)
  int64_t cost_year = 0;        // price year of weekly_cost
  int64_t rank = 0;             // matching preference, 1 first; 0 never chosen by matching
  int64_t min_age = 0, max_age = 17;
  double max_needs = 0;         // highest needs score the setting can meet
  double breakdown_rate = 0;    // per placement-year at needs 1
  double notice_days = 0;       // provider notice before a child must move
  double harm_ratio = 1;        // true harm hazard relative to the child's home
  // Types with providers only:
  double places_per_10k = 0, local_share = 0, places_each = 1, distance_away_km = 0;
  double disability_share = 0, exploitation_share = 0, block_share = 0, block_price = 1;
  std::vector<double> grades;  // shares outstanding, good, requires improvement, inadequate
};

// What a child needs from a placement.
struct PlacementNeed {
  int age = 0;
  double needs = 1;
  bool disabled = false, exploitation = false;
  bool kin_available = false;  // a relative or friend has been assessed and can care
  uint16_t group = 1;  // siblings to place together
  AgentId avoid = UINT32_MAX;  // the provider that gave notice is not asked again
};

struct Match {
  PlacementType type;
  AgentId provider;  // kNoProvider for types without provider rows
  bool away = false;
  float distance = 0;
};

class PlacementMarket {
 public:
  static constexpr AgentId kNoProvider = UINT32_MAX;
  // A search limit that admits every distance (out-of-area searches, secure beds).
  static constexpr double kAnyDistance = std::numeric_limits<double>::infinity();
  enum class LastResort { emergency, unregulated };
  struct Policy {
    double distance_limit_km = 0, area_radius_km = 0;
    bool allow_out_of_area = true, accept_inadequate = true, keep_siblings = true, avoid_inadequate = true;
    LastResort last_resort = LastResort::emergency;
    double grade_breakdown_ri = 1, grade_breakdown_inadequate = 1, grade_harm_inadequate = 1;
  };

  explicit PlacementMarket(const Finance& finance) : finance_(finance) {}

  void declare_parameters(ParamDeclarer&);
  void declare_state(World&);
  // The starting supply, scaled to the simulated population.
  void initialise(World&);
  void parameters_changed();
  // Checkpoints: the rooms index (it follows occupancy, openings and closures).
  // The types' parameters, the policy and ranked_ come from the scenario.
  void save(StateOut& ar) const { ar(rooms_); }
  void load(StateIn& ar) { ar(rooms_); }

  // The best placement the policy allows for `need`, or nothing (a last resort is the caller's).
  std::optional<Match> find(World& w, const PlacementNeed& need, StreamId stream, AgentId child);
  // The nearest open place of one type that meets the need within `max_km`
  // (a secure bed: any distance, any grade).
  std::optional<Match> find_type(World& w, PlacementType t, const PlacementNeed& need, double max_km,
                                 bool allow_inadequate) const;
  // A last-resort placement (emergency or unregistered), never refused.
  Match last_resort(World& w, AgentId child, StreamId stream) const;
  // Take or give back a place.
  void occupy(World& w, AgentId provider);
  void vacate(World& w, AgentId provider);
  // A new provider row (a home opens, a foster household is approved).
  AgentId add_provider(World& w, PlacementType t, uint16_t places, bool away, Draws& d, int32_t open_day);
  // A provider stops taking children (a home closes, a carer deregisters); its
  // children stay until they move on.
  void close_provider(World& w, AgentId provider);

  PlacementType type(const World& w, AgentId p) const;
  uint8_t grade(const World& w, AgentId p) const;
  bool meets_exploitation(const World& w, AgentId p) const;
  // A place in the national market of a national run (national_market.hpp), not a
  // row of this authority's providers table.
  static bool external(AgentId p);
  NationalMarket* national() const { return national_; }
  // In a national run, while authorities run side by side, a search waits for the
  // market's daily work (national_market.hpp): the caller keeps it until then.
  bool searches_wait() const;
  uint16_t places(const World& w, AgentId p) const { return w.providers[places_][p]; }
  uint16_t occupied(const World& w, AgentId p) const { return w.providers[occupied_][p]; }
  bool open(const World& w, AgentId p) const { return w.providers.active(p) && w.providers[open_day_][p] <= w.today; }
  bool closing(const World& w, AgentId p) const { return w.providers[closing_][p] != 0; }
  // £ per child-day (spot) in the price year.
  double daily_price(PlacementType t) const;
  // Every type's daily price, once for the day's accounting.
  std::array<double, kPlacementTypes> daily_prices() const;
  // Today's cost of provider rows: places paid whether used or not (own homes,
  // block contracts) and occupied spot places, by placement type.
  std::array<double, kPlacementTypes> provider_costs(const World& w,
                                                     const std::array<double, kPlacementTypes>& price) const;
  // Multipliers from the provider's grade.
  double breakdown_factor(const World& w, AgentId p) const;
  double harm_factor(const World& w, AgentId p) const;

  const PlacementTypeParams& params(PlacementType t) const { return types_[static_cast<size_t>(t)]; }
  const Policy& policy() const { return policy_; }

 private:
  bool fits(const World& w, AgentId p, const PlacementNeed& need, bool allow_inadequate) const;
  void index(const World& w, AgentId p);  // keep the rooms index in step with occupancy
  bool eligible(PlacementType t, const PlacementNeed& need) const;
  // Distance from the home area of a place inside the area (uniform within the
  // radius) or outside it (the radius plus an exponential with the type's mean).
  double distance(Draws& d, const PlacementTypeParams& tp, bool away) const;

  const Finance& finance_;
  NationalMarket* national_ = nullptr;  // a national run's market (shared by every authority)
  uint16_t home_ = 0;                   // this authority, in a national run
  std::array<PlacementTypeParams, kPlacementTypes> types_;
  Policy policy_;
  std::string last_resort_text_;
  Col<uint8_t> type_, away_, grade_, disability_, exploitation_, block_, closing_;
  Col<uint16_t> places_, occupied_;
  Col<float> distance_;
  Col<int32_t> open_day_;
  // Providers with a free place, nearest first, per type; block-contract places
  // (paid for whether used or not) are searched before spot places. Sorted
  // vectors (FlatSet): walked on every search, changed when a place fills or frees.
  using Rooms = FlatSet<std::pair<float, AgentId>>;
  std::array<std::array<Rooms, 2>, kPlacementTypes> rooms_;  // [type][0 block, 1 spot]
  std::vector<PlacementType> ranked_;  // matching order
};

}  // namespace sgsim::models
