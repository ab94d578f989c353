#include "models/care/commissioning.hpp"

#include <cmath>

namespace sgsim::models {
namespace {
constexpr StreamId kFoster = stream_id("care.foster_supply");
constexpr StreamId kHomes = stream_id("care.homes_supply");
constexpr StreamId kEdge = stream_id("care.edge_of_care");
constexpr AgentId kAreaAgent = 0xFFFFFFF1u;
}  // namespace

void Commissioning::declare_parameters(ParamDeclarer& d) {
  d.real(p_.foster_attrition, {"commissioning.foster.attrition", "per household-year", 0.13, 0, 5,
                               "hazard that an in-house fostering household stops fostering", Provenance::national,
                               "Ofsted Fostering in England 2023-24: about 13% of households deregistered in the year"});
  d.real(p_.foster_replacement, {"commissioning.foster.replacement", "approvals per deregistration", 0.9, 0, 10,
                                 "new approvals the authority's usual recruitment brings per household lost",
                                 Provenance::national,
                                 "Ofsted 2023-24: approvals fall short of deregistrations; households fall about 1-2% a year"});
  d.real(p_.foster_approval_days, {"commissioning.foster.approval_days", "days", 240, 1, 1000,
                                   "time from an enquiry taken on to approval at panel", Provenance::national,
                                   "fostering regulations: assessment within about 8 months"});
  d.real(p_.foster_extra_per_year, {"commissioning.foster.extra_households_per_year", "households per year", 0, 0, 1e6,
                                    "households approved each year by a recruitment campaign beyond usual recruitment "
                                    "(at the scenario's population; --scale scales it)",
                                    Provenance::user, "a commissioning option (DESIGN.md §1)"});
  d.real(p_.cost_per_approval, {"commissioning.foster.cost_per_approval", "£ per household", 15000, 0, 1e6,
                                "recruitment, assessment and panel cost of one approval", Provenance::placeholder,
                                "order of published local estimates; no national figure"});
  d.integer(p_.new_homes, {"commissioning.homes.open", "homes", 0, 0, 10000,
                           "children's homes the authority opens (at the scenario's population)", Provenance::user,
                           "a commissioning option (DESIGN.md §1)"});
  d.real(p_.new_home_places, {"commissioning.homes.places_each", "places", 4, 1, 50, "places in each new home",
                              Provenance::national, "Ofsted: most homes have about four places"});
  d.real(p_.home_lead_time_days, {"commissioning.homes.lead_time_days", "days", 540, 0, 3650,
                                  "from the decision to open to the first child (property, works, registration)",
                                  Provenance::placeholder, "Ofsted registration and building works: about 18 months"});
  d.real(p_.home_capital_cost, {"commissioning.homes.capital_cost", "£ per home", 1200000, 0, 1e9,
                                "purchase and works for one home, spent when the decision is made",
                                Provenance::placeholder, "order of published local business cases; no national figure"});
  d.integer(p_.homes_to_close, {"commissioning.homes.close", "homes", 0, 0, 10000,
                                "of the authority's own homes, how many it closes", Provenance::user, "a commissioning option"});
  d.real(p_.close_after_days, {"commissioning.homes.close_after_days", "days", 180, 0, 3650,
                               "closing homes stop taking children after this long", Provenance::user, "a commissioning option"});
  d.real(p_.eoc_capacity, {"commissioning.edge_of_care.capacity", "families", 0, 0, 1e6,
                           "families an edge-of-care team can work with at once (at the scenario's population); 0: no team",
                           Provenance::user, "a commissioning option (DESIGN.md §1)"});
  d.real(p_.eoc_days, {"commissioning.edge_of_care.days", "days", 120, 1, 1000, "length of the team's work with a family",
                       Provenance::placeholder, "intensive edge-of-care services are time-limited, typically 12-16 weeks"});
  d.real(p_.eoc_prevention, {"commissioning.edge_of_care.prevention", "probability", 0.4, 0, 1,
                             "chance the team's work keeps a child out of care who would otherwise have entered",
                             Provenance::placeholder,
                             "no measured effect in the seeds (EVIDENCE.md §1.2); evaluations of edge-of-care services "
                             "report fewer entries; range 0-0.7 for sensitivity"});
  d.real(p_.eoc_cost, {"commissioning.edge_of_care.cost_per_place", "£ per family-place-year", 25000, 0, 1e6,
                       "cost of the team per family it can hold, per year, whether full or not", Provenance::placeholder,
                       "order of published intensive family support costs"});
  d.integer(p_.cost_year, {"commissioning.cost_year", "year", 2024, 2000, 2100, "price year of the commissioning costs",
                           Provenance::user, "as stated"});
}

void Commissioning::declare_state(World& w, Finance& finance) {
  deregister_ = w.agenda.add_kind("care.foster_deregisters");
  approve_ = w.agenda.add_kind("care.foster_approved");
  eoc_end_ = w.agenda.add_kind("care.edge_of_care_ends");
  m_households_ = w.metrics.add("foster_households", "households", "in-house fostering households approved", MetricKind::stock);
  m_approvals_ = w.metrics.add("foster_approvals", "households", "in-house fostering households approved", MetricKind::flow);
  m_deregistrations_ = w.metrics.add("foster_deregistrations", "households", "in-house fostering households leaving",
                                     MetricKind::flow);
  m_home_places_ = w.metrics.add("childrens_home_places", "places", "places in children's homes open to the authority",
                                 MetricKind::stock);
  m_eoc_open_ = w.metrics.add("edge_of_care_open", "families", "families the edge-of-care team is working with", MetricKind::stock);
  m_eoc_starts_ = w.metrics.add("edge_of_care_starts", "families", "families the edge-of-care team took on", MetricKind::flow);
  m_eoc_prevented_ = w.metrics.add("edge_of_care_prevented", "children",
                                   "children kept out of care by the edge-of-care team", MetricKind::flow);
  m_eoc_full_ = w.metrics.add("edge_of_care_full", "families", "families the team could not take on for lack of room",
                              MetricKind::flow);
  m_cost_commissioning_ = w.metrics.add("cost_commissioning", "£",
                                        "foster carer approvals and capital for new homes (in the price year)", MetricKind::flow);
  m_cost_eoc_ = w.metrics.add("cost_edge_of_care", "£", "the edge-of-care team (in the price year)", MetricKind::flow);
  finance.register_cost(m_cost_commissioning_);
  finance.register_cost(m_cost_eoc_);
}

void Commissioning::file_deregistration(World& w, AgentId p) {
  Draws d = w.rng.draws(kFoster, p, w.today);
  w.agenda.file(w.today + static_cast<int32_t>(d.days_until(p_.foster_attrition / kDaysPerYear)), deregister_, p);
}

void Commissioning::initialise(World& w) {
  for (AgentId p = 0; p < w.providers.rows(); ++p)
    if (w.providers.active(p) && market_.type(w, p) == PlacementType::in_house_foster) file_deregistration(w, p);
  parameters_changed(w);
}

void Commissioning::daily(World& w) {
  // Options take effect from the first output day (after any burn-in): new homes
  // are decided then (capital spent) and open after the lead time.
  if (w.today == w.record_from) {
    const auto homes = static_cast<int64_t>(std::llround(static_cast<double>(p_.new_homes) * w.scale));
    Draws d = w.rng.draws(kHomes, kAreaAgent, w.today);
    for (int64_t i = 0; i < homes; ++i) {
      market_.add_provider(w, PlacementType::la_home, static_cast<uint16_t>(p_.new_home_places), false, d,
                           w.today + static_cast<int32_t>(p_.home_lead_time_days));
      commissioning_today_ += finance_.in_price_year(p_.home_capital_cost, p_.cost_year);
    }
  }
  // Carers leave; usual recruitment replaces most of them after the approval lead time.
  for (AgentId p : w.agenda.due(w.today, deregister_)) {
    if (!w.providers.active(p) || market_.type(w, p) != PlacementType::in_house_foster) continue;
    market_.close_provider(w, p);
    w.metrics.add_to(m_deregistrations_, 1);
    Draws d = w.rng.draws(kFoster, p, w.today);
    const double r = p_.foster_replacement;
    const int64_t n = static_cast<int64_t>(std::floor(r)) + (d.bernoulli(r - std::floor(r)) ? 1 : 0);
    for (int64_t i = 0; i < n; ++i) w.agenda.file(w.today + static_cast<int32_t>(p_.foster_approval_days), approve_, p);
  }
  // A campaign's extra approvals: enquiries taken on today, approved later.
  if (p_.foster_extra_per_year > 0 && w.today >= w.record_from) {
    Draws d = w.rng.draws(kFoster, kAreaAgent, w.today);
    const int64_t n = d.poisson(p_.foster_extra_per_year * w.scale / kDaysPerYear);
    for (int64_t i = 0; i < n; ++i) w.agenda.file(w.today + static_cast<int32_t>(p_.foster_approval_days), approve_, kAreaAgent);
  }
  const auto& approved = w.agenda.due(w.today, approve_);
  for (size_t i = 0; i < approved.size(); ++i) {
    Draws d = w.rng.draws(kFoster ^ static_cast<StreamId>(i), approved[i].id, w.today);
    const PlacementTypeParams& tp = market_.params(PlacementType::in_house_foster);
    const double lo = std::floor(tp.places_each);
    const auto places = static_cast<uint16_t>(lo + (d.bernoulli(tp.places_each - lo) ? 1 : 0));
    const AgentId p = market_.add_provider(w, PlacementType::in_house_foster, places, !d.bernoulli(tp.local_share), d, w.today);
    file_deregistration(w, p);
    w.metrics.add_to(m_approvals_, 1);
    commissioning_today_ += finance_.in_price_year(p_.cost_per_approval, p_.cost_year);
  }
  // Homes the authority closes stop taking children, and shut when the last leaves.
  if (p_.homes_to_close > 0 && w.today == w.record_from + static_cast<int32_t>(p_.close_after_days)) {
    auto left = static_cast<int64_t>(std::llround(static_cast<double>(p_.homes_to_close) * w.scale));
    for (AgentId p = 0; p < w.providers.rows() && left > 0; ++p)
      if (market_.open(w, p) && market_.type(w, p) == PlacementType::la_home) {
        market_.close_provider(w, p);
        --left;
      }
  }
  for (AgentId c : w.agenda.due(w.today, eoc_end_)) {
    eoc_cases_.erase(c);
    eoc_kept_home_.erase(c);
  }
}

bool Commissioning::edge_of_care(World& w, AgentId c) {
  if (eoc_places_ <= 0) return false;
  // A later review of a family the team is working with: no second start, no
  // second draw of its effect, and one end to the work.
  if (eoc_cases_.contains(c)) return eoc_kept_home_.contains(c);
  if (static_cast<double>(eoc_cases_.size()) + 1 > eoc_places_) {
    w.metrics.add_to(m_eoc_full_, 1);
    return false;
  }
  eoc_cases_.insert(c);
  w.metrics.add_to(m_eoc_starts_, 1);
  Draws d = w.rng.draws(kEdge, c, w.today);
  w.agenda.file(w.today + static_cast<int32_t>(d.days_until(1.0 / p_.eoc_days)), eoc_end_, c);
  const bool prevented = d.bernoulli(p_.eoc_prevention);
  if (prevented) {
    w.metrics.add_to(m_eoc_prevented_, 1);
    eoc_kept_home_.insert(c);
  }
  return prevented;
}

void Commissioning::accounting(World& w) {
  // One pass over the providers: approved households still fostering (not
  // deregistering), and places in homes open today.
  double households = 0, places = 0;
  for (AgentId p = 0; p < w.providers.rows(); ++p) {
    if (!w.providers.active(p)) continue;
    const PlacementType t = market_.type(w, p);
    if (t == PlacementType::in_house_foster && !market_.closing(w, p)) ++households;
    if ((t == PlacementType::la_home || t == PlacementType::private_home) && market_.open(w, p))
      places += market_.places(w, p);
  }
  w.metrics.set(m_households_, households);
  w.metrics.set(m_home_places_, places);
  w.metrics.set(m_eoc_open_, static_cast<double>(eoc_cases_.size()));
  w.metrics.add_to(m_cost_eoc_, eoc_places_ * finance_.in_price_year(p_.eoc_cost, p_.cost_year) / kDaysPerYear);
  w.metrics.add_to(m_cost_commissioning_, commissioning_today_);
  commissioning_today_ = 0;
}

}  // namespace sgsim::models
