#pragma once
// Children in care (DESIGN.md §2 "Care and placements"; EVIDENCE.md §2.4, PL-1 …
// PL-17, TR-2). Legal routes in: section 20 with parents' agreement, emergency
// protection, care proceedings (interim then full care order, a placement order,
// special guardianship or a return home at the final hearing), and adolescents
// whose parents will not have them home. Placement by the matching policy of the
// placement market; placement life — breakdown driven by the child's needs, the
// match, the provider's grade and the placement's age; the provider's notice;
// planned moves (step-down from residential, out of an inadequate placement, out
// of an emergency bed); reviews that return children home; secure care from a
// national pool with a waiting list; leaving care at 18; and the cost ledger.
#include <deque>
#include <map>
#include <functional>

#include "models/care/commissioning.hpp"
#include "models/care/leaving_care.hpp"
#include "models/care/placements.hpp"
#include "models/casework/casework.hpp"
#include "models/family_risk/family_risk.hpp"
#include "models/finance/finance.hpp"
#include "models/population/population.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

class Care final : public Module {
 public:
  struct Params {
    // Entry (thresholds on the judged estimate, as at the other decisions).
    double proceedings_threshold = 0, s20_threshold = 0, emergency_threshold = 0;
    double s20_agreement = 0, siblings_enter = 0;
    double pre_proceedings_days = 0, proceedings_weeks = 0, proceedings_spread = 0, emergency_order_days = 0;
    int64_t adolescent_min_age = 0;
    double adolescent_rate = 0, adolescent_capacity_gradient = 0, adolescent_accommodated = 0;
    // Final hearing.
    double placement_order_share = 0, sgo_share = 0, supervision_share = 0;
    int64_t adoption_max_age = 0;
    double adoption_days = 0, sgo_permanence_ratio = 0;
    // Reviews and return home.
    double first_review_working_days = 0, second_review_days = 0, review_days = 0;
    double return_threshold = 0, return_s20 = 0, return_order = 0, with_parents_days = 0;
    // The child's needs and placement life.
    std::vector<double> needs_median;  // by age band 0-4, 5-9, 10-15, 16-17 at entry
    double exploitation_needs = 0;
    int64_t exploitation_min_age = 0;
    double needs_sd = 0, needs_exponent = 0, needs_after_breakdown = 0, needs_recovery = 0, stable_days = 0;
    double early_days = 0, early_ratio = 0, emergency_ratio = 0, retry_days = 0, step_down_days = 0;
    double kin_available = 0;
    double disability_share = 0;
    bool move_if_inadequate = false;
    double move_on_to_supported = 0, move_on_from_foster = 0;
    // Secure care (s25).
    int64_t secure_min_age = 0;
    double secure_needs = 0, secure_granted = 0, secure_order_days = 0, secure_extension = 0, secure_wait_limit = 0;
    double secure_needs_effect = 0;
    // The stock on the first day.
    double initial_per_10k = 0;
    std::vector<double> initial_age_shares;   // by age band
    std::vector<double> initial_legal_shares; // s20, interim care order, care order, placement order
  };

  Care(Casework& casework, FamilyRisk& risk, const Population& population, Finance& finance)
      : casework_(casework), risk_(risk), pop_(population), finance_(finance), market_(finance),
        commissioning_(market_, finance), leaving_(finance) {}

  std::string_view name() const override { return "care"; }
  std::string_view summary() const override {
    return "children looked after: legal routes, placement matching, breakdown and moves, secure care, leaving care, "
           "supply, commissioning and placement costs";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override;
  // The national placement market is built by the first authority, and each
  // authority's first-day stock takes places in it (PlacementMarket::initialise).
  bool initialises_national_services() const override { return true; }
  void parameters_changed(World& w) override {
    market_.parameters_changed();
    commissioning_.parameters_changed(w);
  }
  void plan_day(DayPlan&) override;

  // A national run's pool of secure beds (national_market.hpp): who is waiting,
  // what a child needs, and a bed given to one of them.
  const std::deque<std::pair<AgentId, int32_t>>& secure_waiting() const { return secure_queue_; }
  PlacementNeed placement_need(const World& w, AgentId c) const { return need(w, c); }
  void admit_secure(World& w, AgentId c, const Match& m);
  // A national run's placement searches of the day, made in the national
  // market's daily work (national_market.hpp) in the order they arose.
  void run_searches(World& w);
  void save(StateOut&) const override;
  void load(StateIn&) override;

  // Hooks for the decisions that can lead into care (serial phases only).
  // A conference or review found the estimate at the care threshold: proceedings
  // start after pre-proceedings (or the edge-of-care team keeps the child home).
  void consider_proceedings(World& w, AgentId c, double judged);
  // A strategy discussion: emergency protection if the estimate is that high.
  bool consider_emergency(World& w, AgentId c, double judged);
  // A child-in-need review: accommodation under s20 with the parents' agreement.
  bool consider_s20(World& w, AgentId c, double judged);

  const Params& params() const { return p_; }
  bool looked_after(const World& w, AgentId c) const { return record_.get(w, legal_, c) != 0; }
  LegalStatus legal(const World& w, AgentId c) const { return static_cast<LegalStatus>(record_.get(w, legal_, c)); }
  PlacementType placement(const World& w, AgentId c) const { return static_cast<PlacementType>(record_.get(w, type_, c)); }
  AgentId provider(const World& w, AgentId c) const { return record_.get(w, provider_, c); }
  Commissioning& commissioning() { return commissioning_; }
  int32_t placement_start(const World& w, AgentId c) const { return record_.get(w, placement_start_, c); }
  bool away(const World& w, AgentId c) const { return record_.get(w, away_, c) != 0; }
  double distance(const World& w, AgentId c) const { return record_.get(w, distance_, c); }
  bool disabled(const World& w, AgentId c) const { return record_.get(w, disabled_, c) != 0; }
  // The placement's provider can care for a child at risk of exploitation.
  bool meets_exploitation(const World& w, AgentId c) const;
  // Moves (placement starts after the first of this period) in the last `days` days.
  int recent_moves(const World& w, AgentId c, int32_t days) const;
  // The next day on which one of those moves leaves the window (a day past any run if none).
  int32_t next_move_leaves(const World& w, AgentId c, int32_t days) const;
  const SparseIndexSet& in_care() const { return in_care_; }

  // The exploitation module's links (serial phases only). Who is recognised as at
  // risk of exploitation (matching then looks for carers who can meet it); a
  // placement began or the child left care; the carer gives notice after missing
  // episodes (PL-3); secure accommodation sought for an exploited child who keeps
  // going missing (PL-7), without waiting for a third placement.
  void set_exploitation_risk(std::function<bool(AgentId)> f) { exploitation_risk_ = std::move(f); }
  void set_placement_hook(std::function<void(World&, AgentId)> f) { placement_hook_ = std::move(f); }
  void give_notice(World& w, AgentId c) { notice(w, c, NoticeReason::missing); }
  bool seek_secure(World& w, AgentId c);

 private:
  // Entry and exit.
  void enter(World& w, std::vector<AgentId> group, EntryRoute route, LegalStatus legal, bool count);
  void exit(World& w, AgentId c, ExitReason reason);
  void set_legal(World& w, AgentId c, LegalStatus s);
  void apply_for_order(World& w, AgentId c);
  void final_hearing(World& w, AgentId c);
  // Placement. Why a placement is sought and how the search ended are for traces
  // (World::trace) only: they change nothing in the matching.
  enum class Sought : uint8_t {
    entry, after_notice, out_of_last_resort, step_down_to_foster, out_of_inadequate, move_on_to_supported,
    secure_bed, step_down_from_secure, with_parents
  };
  enum class Found : uint8_t { in_area, out_of_area, last_resort, none };
  enum class NoticeReason : uint8_t { breakdown, missing };
  PlacementNeed need(const World& w, AgentId c) const;
  void place(World& w, const std::vector<AgentId>& group, bool planned, StreamId stream, Sought why);
  // A placement starts. The four-argument form is the secure waiting list's
  // admission (secure_care.cpp), its only caller.
  void start_placement(World& w, AgentId c, const Match& m, bool planned) {
    start_placement(w, c, m, planned, Sought::secure_bed, false);
  }
  void start_placement(World& w, AgentId c, const Match& m, bool planned, Sought why, bool last_resort);
  void end_placement(World& w, AgentId c);
  // A move to a better match if one is found; a retry is asked again in
  // retry_days if not.
  void try_planned_move(World& w, AgentId c, StreamId stream, bool foster_only, Sought why, bool retry = false);
  void move_on_to_supported(World& w, AgentId c);
  // A search kept for the national market's daily work while authorities run
  // side by side (PlacementMarket::searches_wait); false when it is made now.
  enum class SearchKind : uint8_t { place, planned_move, move_on_to_supported };
  struct Search {
    SearchKind kind;
    std::vector<std::pair<AgentId, uint32_t>> children;  // each with its placement seq when asked
    bool planned = false, foster_only = false, retry = false;
    StreamId stream = 0;
    Sought why{};
  };
  bool search_later(World& w, SearchKind kind, const std::vector<AgentId>& children, bool planned, StreamId stream,
                    Sought why, bool foster_only = false, bool retry = false);
  // Traces a placement sought and what was found (nothing found: the child stays).
  void trace_match(World& w, AgentId c, Sought why, Found how, PlacementType t, double km) const;
  void notice(World& w, AgentId c, NoticeReason why);
  void review(World& w, AgentId c);
  // Secure care (secure_care.cpp).
  void consider_secure(World& w, AgentId c);
  void apply_for_secure(World& w, AgentId c);
  void admit_to_secure(World& w);
  void secure_order_ends(World& w, AgentId c);
  // The day's work.
  void adolescent_crisis(World& w, AgentId c);
  void file_adolescent_crisis(World& w, AgentId c);
  void daily(World& w);
  void accounting(World& w);
  int age(const World& w, AgentId c) const;
  // The current placement is the third to start within a year (DfE's "3 or more
  // placements during the year"; also what leads to a secure application).
  bool three_in_a_year(const World& w, AgentId c) const;
  // The day's stocks of children looked after, kept as running totals changed
  // with each entry, placement, change of legal status and exit (`tally` adds or
  // takes away one child as it stands), so accounting costs nothing per child
  // (docs/performance.md). Distances are summed in whole metres so that adding
  // and taking away is exact. A child counts towards three placements in a year
  // until a year after the third-last placement began: `three_ends` holds the
  // children counted now by the day they stop, and `three` their total (summing
  // the map each day was a walk over up to a year of days: 1% of a national run).
  struct Stocks {
    std::array<int64_t, kPlacementTypes> by_type{}, spot_by_type{}, away_by_type{};
    std::array<int64_t, kLegalStatuses> by_legal{};
    int64_t distance_m = 0, inadequate = 0, three = 0;
    std::map<int32_t, int64_t> three_ends;  // day → children who stop counting that day
    SGSIM_STATE(by_type, spot_by_type, away_by_type, by_legal, distance_m, inadequate, three, three_ends)
  };
  static constexpr double kMetresPerKm = 1000.0;
  void tally(const World& w, AgentId c, int sign);
  static constexpr int32_t kNever = INT32_MIN;  // no such day
  static constexpr int32_t kYear = 365;
  uint32_t period(const World& w, AgentId c) const;

  Casework& casework_;
  FamilyRisk& risk_;
  const Population& pop_;
  Finance& finance_;
  PlacementMarket market_;
  Commissioning commissioning_;
  LeavingCare leaving_;
  std::function<bool(AgentId)> exploitation_risk_;
  std::function<void(World&, AgentId)> placement_hook_;
  Params p_;

  // Care's state of a child is a row of World::care_records (SideRows), added
  // the first time care deals with the child (an entry, or proceedings begun)
  // and kept after, so that a return to care finds it (its seq keeps old agenda
  // entries stale). Most children are never looked after: a child row holds only
  // the record's number, 4 bytes instead of the 48 of the columns below, close
  // to a gigabyte at national scale (docs/performance.md).
  CareRecords record_;
  Col<uint8_t> legal_, route_, type_, away_, planned_, kin_, notice_, disabled_;
  Col<uint32_t> provider_, seq_;
  Col<int32_t> care_start_, placement_start_, start1_, start2_, pending_, secure_since_;
  Col<float> needs_, distance_;
  Col<uint16_t> placements_;
  AgendaKind review_, breakdown_, move_due_, retry_, application_, hearing_, adoption_, discharge_, crisis_,
      secure_end_;
  EventKind ev_entry_, ev_placement_, ev_notice_, ev_exit_, ev_legal_;
  // Traced decisions and observations (World::trace).
  EventKind ev_decision_, ev_application_, ev_crisis_, ev_review_, ev_match_, ev_notice_reason_, ev_ended_;
  SparseIndexSet in_care_;
  Stocks stocks_;
  std::deque<std::pair<AgentId, int32_t>> secure_queue_;  // child, day applied
  int32_t applied_day_ = kNever;                            // children who applied for secure on that day
  std::vector<AgentId> applied_today_;
  std::vector<Search> searches_;  // a national run's searches waiting for the day's end

  MetricId m_open_, m_starts_, m_ends_, m_days_ended_, m_moves_, m_breakdowns_, m_out_of_area_, m_distance_,
      m_three_moves_, m_inadequate_, m_proceedings_, m_care_orders_, m_placement_orders_, m_sgo_, m_crises_,
      m_emergency_placements_, m_unregulated_placements_, m_secure_applications_, m_secure_admissions_,
      m_secure_waiting_, m_secure_wait_days_, m_secure_lapsed_, m_secure_refused_, m_cost_, m_cost_away_;
  std::array<MetricId, kEntryRoutes> m_starts_by_{};
  std::array<MetricId, kExitReasons> m_ends_by_{};
  std::array<MetricId, kCategories> m_category_{}, m_harm_{}, m_cost_by_{};
  std::array<MetricId, kPlacementTypes> m_type_{};
  std::array<MetricId, kLegalStatuses> m_legal_{};
};

}  // namespace sgsim::models
