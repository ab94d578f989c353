#pragma once
// Family risk and true harm (DESIGN.md §2 "True state versus what agencies know").
// Each household carries carer capacity and three stressors that come and go
// (domestic abuse, parental mental ill-health, parental substance misuse — the
// adversities the case reviews keep returning to, e.g. Child Q's "parental
// substance misuse and mental ill-health", EVIDENCE.md §6.3, 002_5db1e8f627105674.txt
// ¶11–¶13, and Samara's family "known since 2004 for domestic abuse and parental
// mental health", 003_ea48d82efd16a722.txt L1796). A child's true daily hazard of
// abuse or neglect follows from them. No agency sees this hazard: later modules
// only see the harm events, partially and late (EVIDENCE.md §1.2 point 6).
#include <array>
#include <vector>

#include "models/population/population.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

// CIN census categories of abuse, in the order of family_risk.harm.category_weights.
enum class HarmCategory : int32_t { neglect = 0, emotional = 1, physical = 2, sexual = 3 };
inline constexpr std::array<const char*, 4> kHarmCategoryNames = {"neglect", "emotional", "physical", "sexual"};

struct Stressor {
  std::string key;  // parameter group and column name
  double prevalence = 0, mean_duration_years = 0, harm_multiplier = 1;
};

class FamilyRisk final : public Module {
 public:
  static constexpr size_t kStressors = 3;  // domestic abuse, mental ill-health, substance misuse
  struct Params {
    std::array<Stressor, kStressors> stressors;
    double deprivation_gradient = 1;
    double capacity_mean = 0, capacity_sd = 0, low_capacity_multiplier = 1;
    double base_rate = 0;
    std::vector<double> age_multipliers;  // 0-4, 5-9, 10-15, 16-17
    std::vector<double> category_weights;
    double high_risk_threshold = 0;
  };

  explicit FamilyRisk(const Population& population) : pop_(population) {}

  std::string_view name() const override { return "family_risk"; }
  std::string_view summary() const override {
    return "carer capacity and stressors per household; each child's true hazard of abuse and neglect; true harm events";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override;
  void plan_day(DayPlan&) override;
  void save(StateOut&) const override;
  void load(StateIn&) override;

  // Casework's hook (serial phases only): whether the child has an open case, and
  // the multiplier an intervention puts on the child's hazard (1 = none). The
  // hazard is recomputed and the next event redrawn from today.
  void set_case(World& w, AgentId child, bool open, double multiplier);
  double case_multiplier(const World& w, AgentId child) const { return w.children[case_multiplier_][child]; }
  bool high_risk(const World& w, AgentId child) const { return w.children[high_risk_][child] != 0; }

  // What an assessment can find out about a household (facts, not the hazard).
  bool stressor(const World& w, AgentId hh, size_t s) const { return w.households[has_[s]][hh] != 0; }
  // The same fact from a bit per household kept beside the column. Police
  // notifications of domestic abuse pick households at random until one lives
  // with it (about a dozen tries a hit); an authority's bits, one per household
  // row, are kilobytes and stay in cache where its households' rows do not.
  bool stressor_bit(AgentId hh, size_t s) const {
    const std::vector<uint64_t>& bits = present_bits_[s];
    return hh / 64 < bits.size() && (bits[hh / 64] >> (hh % 64) & 1u) != 0;
  }
  // Ask for all of stressor `s`'s bits ahead of a search that tries households
  // at random: read in order they stream in, where each random try would wait on
  // its own cache line (the bits are evicted by the other authorities' days).
  void prefetch_stressor_bits(size_t s) const {
    const std::vector<uint64_t>& bits = present_bits_[s];
    constexpr size_t kWordsPerLine = kCacheLineBytes / sizeof(uint64_t);
    for (size_t i = 0; i < bits.size(); i += kWordsPerLine) __builtin_prefetch(&bits[i]);
  }
  // Households with children living with stressor `s` today (0 = domestic abuse).
  int64_t households_with(size_t s) const { return households_with_[s]; }
  double capacity(const World& w, AgentId hh) const { return w.households[capacity_][hh]; }

  // Daily probability-rate (events per child-day) for a child today.
  double hazard_per_day(const World& w, AgentId child) const;
  // A vignette's family: these stressors present from today, this capacity (< 0 keeps it).
  void script_household(World& w, AgentId hh, const std::array<bool, kStressors>& present, double capacity);
  // Stationary prevalence of stressor s in a household of decile `decile`.
  double prevalence(size_t s, int decile) const;
  const Params& params() const { return p_; }
  EventKind harm_event() const { return harm_; }

  // The first day of the child's next age band (the hazard changes there).
  static int32_t next_band_day(const World& w, int32_t birth_day);
  static size_t age_band(int age_years);

 private:
  void setup_household(World& w, AgentId hh);
  void tabulate_prevalence();
  void set_hazard(World& w, AgentId child, Draws& d);
  void file_harm(World& w, AgentId child);
  void household_changes(World& w);
  void reassess(World& w);
  void harm(World& w, std::span<const AgendaEntry> ids, Emitter& out);
  void file_stressor_change(World& w, AgentId hh, size_t s, Draws& d);
  void set_stressor(World& w, AgentId hh, size_t s, bool present);

  const Population& pop_;
  Params p_;
  std::array<Col<uint8_t>, kStressors> has_;
  std::array<Col<int32_t>, kStressors> next_change_;
  std::array<AgendaKind, kStressors> change_kind_;
  std::array<MetricId, kStressors> m_households_with_;
  std::array<int64_t, kStressors> households_with_{};
  std::array<std::vector<uint64_t>, kStressors> present_bits_;  // has_ as bits (stressor_bit)
  bool bits_stale_ = false;  // after a checkpoint is loaded, until the bits are read from the columns again
  Col<float> capacity_;
  Col<float> capacity_factor_;
  Col<float> hazard_;  // children: events per day
  Col<int32_t> next_harm_;
  Col<int32_t> harm_filed_;  // the day of the agenda entry that will reach the next harm
  Col<uint8_t> high_risk_;
  Col<uint16_t> harm_count_;
  Col<uint8_t> open_case_;
  Col<float> case_multiplier_;
  AgendaKind harm_due_, reassess_due_;
  EventKind harm_;
  MetricId m_harm_, m_high_risk_, m_unprotected_;
  std::array<MetricId, 4> m_harm_by_category_;
  std::array<std::array<double, 10>, kStressors> prevalence_{};  // by stressor and decile
  int64_t high_risk_children_ = 0;
  int64_t unprotected_high_risk_ = 0;  // high risk and no open case
};

}  // namespace sgsim::models
