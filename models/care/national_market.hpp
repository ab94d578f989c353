#pragma once
// The national placement market of a national run (sim/run/national.hpp): the
// places that authorities buy from one another's areas — independent fostering
// agencies, private children's homes, supported accommodation, specialist foster
// carers, and every secure children's home bed — as real places located in
// authorities, each with its host, grade and what needs it meets. An authority's
// own places (its share `local_share` of each type) stay in its World; when none
// fits, it searches this market nearest first: places in its own area, then in
// the nearest authorities, out to the matching policy's distance limit and then
// beyond it (EVIDENCE.md PL-1: scarcity drives distance, 000_0a3acfabeaeb94cf.txt
// §4.6, 002_5db1e8f627105674.txt ¶39, ¶43).
//
// Authorities run their day side by side, so the market changes only in its own
// daily work after every agencies phase: the places given up that day are freed
// first, then each authority's placement searches of the day are made (Care
// keeps them until then), authority by authority in table order, so a place one
// authority takes is gone for the next (competition for the same homes) and the
// result does not depend on threads. Secure beds are one national pool with one
// waiting list, first come first served across England (EVIDENCE.md: secure
// welfare beds nationally scarce; 000_0a3acfabeaeb94cf.txt §3.41).
#include <optional>
#include <vector>

#include "models/care/placements.hpp"

namespace sgsim::models {

class Care;

class NationalMarket {
 public:
  // Bit set in a provider id that names a place in this market, not a row of
  // the buyer's own providers table.
  static constexpr AgentId kExternal = 0x8000'0000u;
  static bool external(AgentId p) { return p != PlacementMarket::kNoProvider && (p & kExternal) != 0; }

  // Built once, by the first authority that asks (authority 0, while it
  // initialises): the market share of each type's national supply, placed in
  // authorities in proportion to children × provision_weight (docs/authorities.md).
  NationalMarket(const World& first, const PlacementMarket& market);

  // The nearest place of type `t` with room that meets `need` for a child of
  // authority `buyer` within `max_km`.
  std::optional<Match> find(const Nation& nation, uint16_t buyer, PlacementType t, const PlacementNeed& need,
                            double max_km, bool allow_inadequate) const;
  void occupy(AgentId p);
  // A place given up by a child of authority `from`. While authorities run side
  // by side (Nation::concurrent) it is noted and freed in the day's national work.
  void vacate(uint16_t from, AgentId p);
  bool deferring() const { return nation_->concurrent(); }
  uint8_t grade(AgentId p) const { return places_[index(p)].grade; }
  bool meets_exploitation(AgentId p) const { return places_[index(p)].exploitation; }
  PlacementType type(AgentId p) const { return places_[index(p)].type; }

  // Each authority's Care registers. Once a day, after every agencies phase:
  // places given up are freed, each authority's searches are made in table
  // order, then secure beds go to the longest waiting.
  void register_care(uint16_t authority, Care* care, World* world);
  void settle_day();
  void admit_to_secure();

  // Checkpoints: every place and how full it is (the rooms index is rebuilt; the
  // authorities' Care modules register again as they are built).
  void save(StateOut& ar) const;
  void load(StateIn& ar);


 private:
  struct Place {
    uint16_t host = 0;
    PlacementType type{};
    uint8_t grade = 2;
    bool disability = false, exploitation = false;
    uint16_t places = 0, occupied = 0;
    float within_km = 0;  // from the host area's centre
    SGSIM_STATE(host, type, grade, disability, exploitation, places, occupied, within_km)
  };
  static size_t index(AgentId p) { return p & ~kExternal; }
  void reindex(size_t i);
  void free_place(AgentId p);
  // A host authority and its centre's distance from the buyer's (0 for its own).
  struct Host {
    uint16_t id;
    double km;
  };
  const std::vector<Host>& nearest(const Nation& nation, uint16_t buyer) const;

  const Nation* nation_;
  double area_radius_km_ = 0;
  std::vector<Place> places_;
  std::vector<std::array<FlatSet<uint32_t>, kPlacementTypes>> rooms_;  // [host][type]: places with room, in index order
  mutable std::vector<std::vector<Host>> nearest_;  // per buyer: hosts nearest first (made when first needed)
  std::vector<std::pair<Care*, World*>> care_;  // per authority
  std::vector<std::vector<AgentId>> vacated_;   // per authority: places given up today
};

}  // namespace sgsim::models
