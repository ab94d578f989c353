#include "models/care/national_market.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/care/care.hpp"

namespace sgsim::models {
namespace {
constexpr StreamId kNationalSupply = stream_id("care.national_supply");
constexpr AgentId kSupplyAgent = 0xFFFFFFF1u;
}  // namespace

NationalMarket::NationalMarket(const World& first, const PlacementMarket& market)
    : nation_(first.nation), area_radius_km_(market.policy().area_radius_km) {
  const Nation& nation = *first.nation;
  const size_t n = nation.authorities.size();
  rooms_.resize(n);
  care_.resize(n, {nullptr, nullptr});
  vacated_.resize(n);
  // Where the market's places are: children × provision_weight (docs/authorities.md:
  // private homes cluster in the North West and the Midlands, few in London).
  std::vector<double> children(n), weight(n);
  double total_children = 0;
  for (size_t a = 0; a < n; ++a) {
    children[a] = nation.authorities[a].measure("population.children", 0.0);
    weight[a] = children[a] * nation.authorities[a].measure("provision_weight", 1.0);
    total_children += children[a];
  }
  if (std::accumulate(weight.begin(), weight.end(), 0.0) <= 0) weight.assign(n, 1.0);
  Draws d = first.rng.draws(kNationalSupply, kSupplyAgent, 0);
  const double kids = total_children * first.scale;
  for (size_t i = 0; i < kPlacementTypes; ++i) {
    const auto t = static_cast<PlacementType>(i);
    if (!has_providers(t)) continue;
    const PlacementTypeParams& tp = market.params(t);
    const double expected = tp.places_per_10k / 1e4 * kids * (1.0 - tp.local_share);
    const double target = std::floor(expected) + (d.bernoulli(expected - std::floor(expected)) ? 1 : 0);
    for (double made = 0; made < target;) {
      const double lo = std::floor(tp.places_each);
      auto k = static_cast<uint16_t>(lo + (d.bernoulli(tp.places_each - lo) ? 1 : 0));
      k = static_cast<uint16_t>(std::max(1.0, std::min<double>(k, target - made)));
      Place p;
      p.host = static_cast<uint16_t>(d.categorical(weight));
      p.type = t;
      p.places = k;
      p.grade = static_cast<uint8_t>(1 + d.categorical(tp.grades));
      p.disability = d.bernoulli(tp.disability_share);
      p.exploitation = d.bernoulli(tp.exploitation_share);
      p.within_km = static_cast<float>(area_radius_km_ * d.uniform());
      places_.push_back(p);
      reindex(places_.size() - 1);
      made += k;
    }
  }
  first.nation->after_agencies("care.national_placements", [this](int32_t) { settle_day(); });
}

void NationalMarket::reindex(size_t i) {
  const Place& p = places_[i];
  auto& rooms = rooms_[p.host][static_cast<size_t>(p.type)];
  if (p.occupied < p.places) rooms.insert(static_cast<uint32_t>(i));
  else rooms.erase(static_cast<uint32_t>(i));
}

const std::vector<NationalMarket::Host>& NationalMarket::nearest(const Nation& nation, uint16_t buyer) const {
  if (nearest_.empty()) nearest_.resize(nation.authorities.size());
  auto& order = nearest_[buyer];
  if (order.empty()) {
    std::vector<uint16_t> hosts(nation.authorities.size());
    std::iota(hosts.begin(), hosts.end(), uint16_t{0});
    std::stable_sort(hosts.begin(), hosts.end(), [&](uint16_t a, uint16_t b) {
      return nation.distance_km(buyer, a) < nation.distance_km(buyer, b);
    });
    // Its own area first whatever the grid says (two centres may coincide).
    std::stable_partition(hosts.begin(), hosts.end(), [&](uint16_t h) { return h == buyer; });
    for (uint16_t h : hosts) order.push_back({h, h == buyer ? 0.0 : nation.distance_km(buyer, h)});
  }
  return order;
}

std::optional<Match> NationalMarket::find(const Nation& nation, uint16_t buyer, PlacementType t,
                                          const PlacementNeed& need, double max_km, bool allow_inadequate) const {
  if (deferring()) throw std::logic_error("national market: a search while authorities run side by side");
  std::optional<Match> best;
  for (const auto [host, centre] : nearest(nation, buyer)) {
    // Places lie within a radius of their area's centre: no nearer host can follow.
    if (centre - area_radius_km_ > std::min(max_km, best ? double(best->distance) : max_km)) break;
    for (uint32_t i : rooms_[host][static_cast<size_t>(t)]) {
      const Place& p = places_[i];
      if ((i | kExternal) == need.avoid || p.places - p.occupied < need.group) continue;
      if ((need.disabled && !p.disability) || (need.exploitation && !p.exploitation)) continue;
      if (!allow_inadequate && p.grade == kInadequate) continue;
      const double km = host == buyer ? p.within_km : centre + p.within_km;
      if (km > max_km || (best && km >= best->distance)) continue;
      best = Match{t, i | kExternal, host != buyer, static_cast<float>(km)};
    }
  }
  return best;
}

// Checkpoints fall between days, when nothing is waiting to be freed.
void NationalMarket::save(StateOut& ar) const {
  for (const auto& v : vacated_)
    if (!v.empty()) throw std::logic_error("national market: a checkpoint in the middle of a day");
  ar(places_);
}

void NationalMarket::load(StateIn& ar) {
  ar(places_);
  for (auto& host : rooms_)
    for (auto& rooms : host) rooms.clear();
  for (size_t i = 0; i < places_.size(); ++i) {
    if (places_[i].host >= rooms_.size()) throw std::runtime_error("national market: a place in no authority");
    reindex(i);
  }
}

void NationalMarket::occupy(AgentId p) {
  if (deferring()) throw std::logic_error("national market: a place taken while authorities run side by side");
  Place& pl = places_[index(p)];
  if (pl.occupied >= pl.places) throw std::logic_error("national market: place over-filled");
  ++pl.occupied;
  reindex(index(p));
}

void NationalMarket::vacate(uint16_t from, AgentId p) {
  if (deferring()) vacated_[from].push_back(p);
  else free_place(p);
}

void NationalMarket::free_place(AgentId p) {
  Place& pl = places_[index(p)];
  if (pl.occupied == 0) throw std::logic_error("national market: vacating an empty place");
  --pl.occupied;
  reindex(index(p));
}

void NationalMarket::register_care(uint16_t authority, Care* care, World* world) { care_[authority] = {care, world}; }

void NationalMarket::settle_day() {
  for (auto& given_up : vacated_) {
    for (AgentId p : given_up) free_place(p);
    given_up.clear();
  }
  for (auto [care, world] : care_)
    if (care) care->run_searches(*world);
  admit_to_secure();
}

void NationalMarket::admit_to_secure() {
  // Everyone waiting anywhere, longest first; ties by authority, then by their
  // order in its queue (a fixed order: the result does not depend on threads).
  struct Waiting {
    int32_t applied;
    uint16_t authority;
    uint32_t position;
    AgentId child;
  };
  std::vector<Waiting> all;
  for (size_t a = 0; a < care_.size(); ++a) {
    if (!care_[a].first) continue;
    uint32_t pos = 0;
    for (const auto& [c, applied] : care_[a].first->secure_waiting())
      all.push_back({applied, static_cast<uint16_t>(a), pos++, c});
  }
  std::sort(all.begin(), all.end(), [](const Waiting& x, const Waiting& y) {
    return std::tie(x.applied, x.authority, x.position) < std::tie(y.applied, y.authority, y.position);
  });
  const Nation& nation = *care_.front().second->nation;
  for (const Waiting& w : all) {
    auto [care, world] = care_[w.authority];
    // A court-ordered bed, wherever it is: nearest first, any grade.
    auto m = find(nation, w.authority, PlacementType::secure, care->placement_need(*world, w.child),
                  PlacementMarket::kAnyDistance, true);
    if (!m) return;  // no bed today: everyone waits
    care->admit_secure(*world, w.child, *m);
  }
}

}  // namespace sgsim::models
