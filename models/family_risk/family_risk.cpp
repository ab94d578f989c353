#include "models/family_risk/family_risk.hpp"

#include <cmath>
#include <random>

namespace sgsim::models {
namespace {
constexpr StreamId kHousehold = stream_id("family_risk.household");
constexpr StreamId kStressorChange = stream_id("family_risk.stressor_change");
constexpr StreamId kHarmTiming = stream_id("family_risk.harm_timing");
constexpr StreamId kScripted = stream_id("family_risk.scripted_household");
constexpr StreamId kHarmCategory = stream_id("family_risk.harm_category");
constexpr uint32_t kNone = UINT32_MAX;
// Age bands of family_risk.harm.age_multipliers start at these ages (DfE CIN census bands).
constexpr std::array<int, 4> kBandStart = {0, 5, 10, 16};
const char* const kCaveat = " (approximate; see docs/ODD.md)";
}  // namespace

void FamilyRisk::declare_parameters(ParamDeclarer& d) {
  struct Default {
    const char* key;
    const char* label;
    double prevalence, duration, multiplier;
    const char* prevalence_source;
  };
  const Default defaults[kStressors] = {
      {"domestic_abuse", "domestic abuse between adults in the household", 0.07, 3.0, 3.0,
       "Children's Commissioner for England (2018), estimating the prevalence of the 'toxic trio': about 825,000 "
       "children (7%) live with domestic abuse"},
      {"parental_mental_ill_health", "a parent with severe mental ill-health", 0.14, 2.0, 1.8,
       "Children's Commissioner for England (2018): about 1.7 million children (14%) live with a parent with a severe "
       "mental health problem"},
      {"parental_substance_misuse", "a parent dependent on alcohol or drugs", 0.04, 3.0, 2.5,
       "Children's Commissioner for England (2018): about 470,000 children (4%) live with parental alcohol or drug "
       "dependency"},
  };
  for (size_t s = 0; s < kStressors; ++s) {
    const Default& def = defaults[s];
    Stressor& st = p_.stressors[s];
    st.key = def.key;
    d.real(st.prevalence, {std::string(def.key) + ".prevalence", "share of children", def.prevalence, 0, 0.95,
                           std::string("children living with ") + def.label + " at any one time",
                           Provenance::national, std::string(def.prevalence_source) + kCaveat});
    d.real(st.mean_duration_years,
           {std::string(def.key) + ".mean_duration", "years", def.duration, 0.05, 18,
            std::string("mean length of a spell of ") + def.label + " (sets onset and resolution rates)",
            Provenance::placeholder, "no published spell lengths; range for sensitivity analysis"});
    d.real(st.harm_multiplier,
           {std::string(def.key) + ".harm_multiplier", "rate ratio", def.multiplier, 1, 20,
            std::string("multiplier on a child's harm hazard while there is ") + def.label, Provenance::placeholder,
            "direction from the case reviews (EVIDENCE.md §2.1 carer attributes; 002_5db1e8f627105674.txt ¶11-¶13); "
            "size to be calibrated"});
  }
  d.real(p_.deprivation_gradient,
         {"deprivation_gradient", "ratio", 3.0, 1, 20,
          "prevalence of each stressor in the most deprived decile relative to the least (log-linear between)",
          Provenance::placeholder,
          "Bywaters et al. (2020) Child Welfare Inequalities Project: intervention rates rise steeply with deprivation"});
  d.real(p_.capacity_mean, {"carer_capacity.mean", "score 0-1", 0.75, 0.05, 0.95,
                            "mean carer capacity (1 = fully able to meet the child's needs)", Provenance::placeholder,
                            "no national measure; EVIDENCE.md FC-1 (000_0a3acfabeaeb94cf.txt §3.14)"});
  d.real(p_.capacity_sd, {"carer_capacity.sd", "score 0-1", 0.15, 0.01, 0.3, "spread of carer capacity between households",
                          Provenance::placeholder, "no national measure"});
  d.real(p_.low_capacity_multiplier,
         {"carer_capacity.harm_multiplier", "rate ratio", 4.0, 1, 50,
          "harm hazard multiplier at capacity 0 relative to capacity 1 (log-linear between)", Provenance::placeholder,
          "direction: EVIDENCE.md FC-1 (sibling needs stretch capacity, 000_0a3acfabeaeb94cf.txt §4.17)"});
  d.real(p_.base_rate, {"harm.base_rate", "events per child-year", 0.15, 0, 10,
                        "true abuse or neglect events for a child aged 5-9 with a fully able carer and no stressors",
                        Provenance::placeholder,
                 "set by hand with the agencies' referral thresholds so that contacts and referrals are in range before the front-door fit (docs/calibration.md); not fitted. CSEW 2019: about 1 in 5 adults experienced abuse before 16"});
  d.real_list(p_.age_multipliers,
              {"harm.age_multipliers", "rate ratio", {1.4, 1.0, 0.9, 0.6}, 0, 10,
               "harm hazard multiplier for ages 0-4, 5-9, 10-15 and 16-17", Provenance::placeholder,
               "shape of child protection plan rates by age, DfE Characteristics of children in need 2024"});
  d.real_list(p_.category_weights,
              {"harm.category_weights", "share of events", {0.51, 0.37, 0.08, 0.04}, 0, 1,
               "mix of neglect, emotional, physical and sexual abuse among true harm events", Provenance::national,
               "initial category of child protection plans, DfE Characteristics of children in need 2024 (the mix "
               "of registered harm, used until better data)"});
  d.real(p_.high_risk_threshold,
         {"high_risk_threshold", "events per child-year", 1.5, 0.01, 100,
          "true hazard at or above which a child counts as at high true risk", Provenance::placeholder,
                 "definition for the unprotected_high_risk outcome (EVIDENCE.md §5): at the default harm rates about 50 children per 10,000 have a hazard this high, the order of the 40 per 10,000 on child protection plans (DfE 2025)"});
}

void FamilyRisk::declare_state(World& w) {
  for (size_t s = 0; s < kStressors; ++s) {
    const std::string& key = p_.stressors[s].key;
    has_[s] = w.households.add<uint8_t>(key, "flag", "stressor present");
    next_change_[s] = w.households.add<int32_t>(key + "_next_change", "simulated day", "day the stressor next starts or ends");
    change_kind_[s] = w.agenda.add_kind("family_risk." + key + "_change");
    m_households_with_[s] = w.metrics.add("households_" + key, "households", "households with children living with " + key,
                                          MetricKind::stock);
  }
  capacity_ = w.households.add<float>("carer_capacity", "score 0-1", "carers' capacity to meet the children's needs");
  capacity_factor_ = w.households.add<float>("capacity_harm_factor", "rate ratio",
                                             "harm multiplier from carer capacity, low_capacity_multiplier^(1 − capacity)");
  hazard_ = w.children.add<float>("harm_hazard", "events per day", "true daily hazard of abuse or neglect");
  next_harm_ = w.children.add<int32_t>("next_harm_day", "simulated day", "day of the next true harm event", INT32_MAX);
  harm_filed_ = w.children.add<int32_t>("harm_entry_day", "simulated day",
                                        "day of the agenda entry on the way to the next harm event (on or before it)",
                                        INT32_MIN);
  high_risk_ = w.children.add<uint8_t>("high_true_risk", "flag", "hazard at or above the high-risk threshold");
  harm_count_ = w.children.add<uint16_t>("harm_events", "events", "true harm events so far");
  open_case_ = w.children.add<uint8_t>("open_case", "flag", "the child has an open social-care or early-help case");
  case_multiplier_ = w.children.add<float>("case_multiplier", "rate ratio",
                                           "effect of current or fading casework on the harm hazard (1 = none)", 1.0f);
  harm_due_ = w.agenda.add_kind("family_risk.harm");
  reassess_due_ = w.agenda.add_kind("family_risk.age_band_change");
  harm_ = w.event_types.add_kind("harm", "a true abuse or neglect event (detail: 0 neglect, 1 emotional, 2 physical, 3 sexual)");
  w.event_types.add_codes("harm_category", kHarmCategoryNames);

  m_harm_ = w.metrics.add("harm_true", "events", "true harm events (abuse or neglect), seen or not", MetricKind::flow);
  for (size_t k = 0; k < 4; ++k)
    m_harm_by_category_[k] = w.metrics.add(std::string("harm_true_") + kHarmCategoryNames[k], "events",
                                           std::string("true harm events of category ") + kHarmCategoryNames[k], MetricKind::flow);
  m_high_risk_ = w.metrics.add("high_true_risk", "children",
                               "children whose true harm hazard, before any casework effect, is at or above the high-risk threshold",
                               MetricKind::stock);
  m_unprotected_ = w.metrics.add("unprotected_high_risk", "children",
                                 "children at high true risk with no open case",
                                 MetricKind::stock);
}

double FamilyRisk::prevalence(size_t s, int decile) const { return prevalence_[s][static_cast<size_t>(decile - 1)]; }

void FamilyRisk::tabulate_prevalence() {
  // Log-linear in decile, scaled so that the mean over equal-sized deciles is the
  // national prevalence; an area skewed towards deprived deciles comes out higher.
  double norm = 0;
  for (int dec = 1; dec <= 10; ++dec) norm += std::pow(p_.deprivation_gradient, (10.0 - dec) / 9.0) / 10.0;
  for (size_t s = 0; s < kStressors; ++s)
    for (int dec = 1; dec <= 10; ++dec) {
      const double f = std::pow(p_.deprivation_gradient, (10.0 - dec) / 9.0);
      // A spell process needs a share below 1 (it must be able to end).
      prevalence_[s][static_cast<size_t>(dec - 1)] = std::min(0.99, p_.stressors[s].prevalence * f / norm);
    }
}

size_t FamilyRisk::age_band(int age) {
  size_t b = 0;
  while (b + 1 < kBandStart.size() && age >= kBandStart[b + 1]) ++b;
  return b;
}

int32_t FamilyRisk::next_band_day(const World& w, int32_t birth_day) {
  const size_t band = age_band(Population::age_years(w, birth_day, w.today));
  if (band + 1 >= kBandStart.size()) return INT32_MAX;
  return w.calendar.anniversary(birth_day, kBandStart[band + 1]);
}

double FamilyRisk::hazard_per_day(const World& w, AgentId c) const {
  const auto& pc = pop_.columns();
  const AgentId hh = w.children[pc.household][c];
  double rate = p_.base_rate * p_.age_multipliers[age_band(Population::age_years(w, w.children[pc.birth_day][c], w.today))];
  for (size_t s = 0; s < kStressors; ++s)
    if (w.households[has_[s]][hh]) rate *= p_.stressors[s].harm_multiplier;
  rate *= w.households[capacity_factor_][hh];
  rate *= w.children[case_multiplier_][c];
  return rate / kDaysPerYear;
}

void FamilyRisk::file_stressor_change(World& w, AgentId hh, size_t s, Draws& d) {
  const Stressor& st = p_.stressors[s];
  const double p = prevalence(s, w.households[pop_.columns().deprivation][hh]);
  // A two-state spell process whose long-run share present is p and whose spells
  // last `mean_duration` on average: ends at 1/D, starts at p/(1-p)/D.
  const double per_year = w.households[has_[s]][hh] ? 1.0 / st.mean_duration_years
                                                    : p / (1.0 - p) / st.mean_duration_years;
  const auto day = static_cast<int32_t>(std::min<int64_t>(w.today + d.days_until(per_year / kDaysPerYear), INT32_MAX));
  w.households[next_change_[s]][hh] = day;
  w.agenda.file(day, change_kind_[s], hh);
}

void FamilyRisk::setup_household(World& w, AgentId hh) {
  Draws d = w.rng.draws(kHousehold, hh, w.today);
  const int decile = w.households[pop_.columns().deprivation][hh];
  for (size_t s = 0; s < kStressors; ++s) {
    const bool present = d.bernoulli(prevalence(s, decile));
    set_stressor(w, hh, s, present);
    households_with_[s] += present;
    file_stressor_change(w, hh, s, d);
  }
  // Capacity ~ Beta with the configured mean and spread (method of moments).
  const double m = p_.capacity_mean, v = p_.capacity_sd * p_.capacity_sd;
  // k = a + b; a spread too wide for the mean (k <= 0) has no Beta: keep k at a
  // U-shaped but valid 0.5.
  const double k = std::max(m * (1 - m) / v - 1.0, 0.5);
  std::gamma_distribution<double> ga(m * k, 1.0), gb((1 - m) * k, 1.0);
  const double x = ga(d), y = gb(d);
  w.households[capacity_][hh] = static_cast<float>(x / (x + y));
  w.households[capacity_factor_][hh] =
      static_cast<float>(std::pow(p_.low_capacity_multiplier, 1.0 - w.households[capacity_][hh]));
}

void FamilyRisk::set_hazard(World& w, AgentId c, Draws& d) {
  const double h = hazard_per_day(w, c);
  w.children[hazard_][c] = static_cast<float>(h);
  // High true risk is judged on the hazard without casework's effect: a child whose
  // risk is only held down by an open case is still a high-risk child.
  const double m = w.children[case_multiplier_][c];
  const bool high = (m > 0 ? h / m : h) * kDaysPerYear >= p_.high_risk_threshold;
  const int delta = static_cast<int>(high) - static_cast<int>(w.children[high_risk_][c]);
  high_risk_children_ += delta;
  if (!w.children[open_case_][c]) unprotected_high_risk_ += delta;
  w.children[high_risk_][c] = high;
  const int64_t next = w.today + d.days_until(h);
  w.children[next_harm_][c] = static_cast<int32_t>(std::min<int64_t>(next, INT32_MAX));
}

// The next harm day goes on the agenda only when no entry already waits on or
// before it. A change that moves the next harm later (a stressor ending, a case
// opening, an age band) leaves the waiting entry where it is, and that entry,
// when its day comes, files the later day (FamilyRisk::harm). Filing every new
// day instead left superseded entries behind: about 4 in 10 of the agenda's
// entries at national scale (docs/performance.md). The harm kernel takes a day's
// children in id order whatever order they were filed in, so the runs are the
// same either way.
void FamilyRisk::file_harm(World& w, AgentId c) {
  const int32_t next = w.children[next_harm_][c];
  int32_t& filed = w.children[harm_filed_][c];
  if (filed > w.today && filed <= next) return;
  filed = next;
  w.agenda.file(next, harm_due_, c);
}

// A vignette's family (models/vignette): the stressors the case review describes
// are present (or absent) from today, each starting a new spell, and the carers'
// capacity is set (negative keeps the drawn one). The children's hazards follow
// at once; afterwards the stressors end and recur at the usual rates.
void FamilyRisk::script_household(World& w, AgentId hh, const std::array<bool, kStressors>& present, double capacity) {
  Draws d = w.rng.draws(kScripted, hh, w.today);
  for (size_t s = 0; s < kStressors; ++s) {
    households_with_[s] += static_cast<int64_t>(present[s]) - static_cast<int64_t>(w.households[has_[s]][hh]);
    set_stressor(w, hh, s, present[s]);
    file_stressor_change(w, hh, s, d);
  }
  if (capacity >= 0) {
    w.households[capacity_][hh] = static_cast<float>(capacity);
    w.households[capacity_factor_][hh] = static_cast<float>(std::pow(p_.low_capacity_multiplier, 1.0 - capacity));
  }
  const auto& cols = pop_.columns();
  for (AgentId c = w.households[cols.first_child][hh]; c != UINT32_MAX; c = w.children[cols.next_sibling][c]) {
    set_hazard(w, c, d);
    file_harm(w, c);
  }
}

void FamilyRisk::initialise(World& w) {
  tabulate_prevalence();
  household_changes(w);  // every household and child so far is an arrival
}

void FamilyRisk::set_stressor(World& w, AgentId hh, size_t s, bool present) {
  w.households[has_[s]][hh] = present;
  std::vector<uint64_t>& bits = present_bits_[s];
  if (hh / 64 >= bits.size()) bits.resize(hh / 64 + 1, 0);
  const uint64_t bit = uint64_t{1} << (hh % 64);
  bits[hh / 64] = present ? bits[hh / 64] | bit : bits[hh / 64] & ~bit;
}

void FamilyRisk::household_changes(World& w) {
  if (bits_stale_) {
    for (size_t s = 0; s < kStressors; ++s) {
      present_bits_[s].clear();
      for (AgentId hh = 0; hh < w.households.rows(); ++hh) set_stressor(w, hh, s, w.households[has_[s]][hh] != 0);
    }
    bits_stale_ = false;
  }
  for (AgentId hh : w.households.arrivals()) setup_household(w, hh);
  const auto& birth = w.children[pop_.columns().birth_day];
  for (AgentId c : w.children.arrivals()) {
    Draws d = w.rng.draws(kHarmTiming, c, w.today);
    set_hazard(w, c, d);
    file_harm(w, c);
    w.agenda.file(next_band_day(w, birth[c]), reassess_due_, c);
  }
  for (AgentId c : w.children.departures())
    if (w.children[high_risk_][c]) {
      --high_risk_children_;
      if (!w.children[open_case_][c]) --unprotected_high_risk_;
    }
  for (AgentId hh : w.households.departures())
    for (size_t s = 0; s < kStressors; ++s) households_with_[s] -= w.households[has_[s]][hh];

  const auto& pc = pop_.columns();
  for (size_t s = 0; s < kStressors; ++s) {
    // A change reads the household's row, then its children's rows (the first
    // asked for ahead with the household's).
    visit_linked_rows(w.households, w.agenda.due(w.today, change_kind_[s]), [&](AgentId hh) {
      if (!w.households.active(hh) || w.households[next_change_[s]][hh] != w.today) return;
      const bool present = w.households[has_[s]][hh] == 0;
      set_stressor(w, hh, s, present);
      households_with_[s] += present ? 1 : -1;
      Draws d = w.rng.draws(kStressorChange, hh * uint64_t{kStressors} + s, w.today);
      file_stressor_change(w, hh, s, d);
      // The household's children face a new hazard from today (the next one's
      // row asked for while this one's is worked on).
      for (AgentId c = w.households[pc.first_child][hh]; c != kNone; c = w.children[pc.next_sibling][c]) {
        w.children.prefetch(w.children[pc.next_sibling][c]);
        Draws dc = w.rng.draws(kHarmTiming, c, w.today);
        set_hazard(w, c, dc);
        file_harm(w, c);
      }
    }, RowLink{w.households[pc.first_child], w.children});
  }
}

void FamilyRisk::reassess(World& w) {
  const auto& birth = w.children[pop_.columns().birth_day];
  // A child's hazard reads its household's row too.
  visit_linked_rows(
      w.children, w.agenda.due(w.today, reassess_due_),
      [&](AgentId c) {
        if (!w.children.active(c)) return;
        Draws d = w.rng.draws(kHarmTiming, c, w.today);
        set_hazard(w, c, d);
        file_harm(w, c);
        w.agenda.file(next_band_day(w, birth[c]), reassess_due_, c);
      },
      RowLink{w.children[pop_.columns().household], w.households});
}

void FamilyRisk::harm(World& w, std::span<const AgendaEntry> ids, Emitter& out) {
  auto& next = w.children[next_harm_];
  auto& filed = w.children[harm_filed_];
  const auto& hz = w.children[hazard_];
  visit_rows(w.children, ids, [&](AgentId c) {
    if (!w.children.active(c)) return;
    if (next[c] != w.today) {
      // The next harm moved later while this entry waited (file_harm): on to it.
      // Any other entry was superseded by one filed earlier, which reaches it.
      if (filed[c] == w.today && next[c] > w.today) {
        filed[c] = next[c];
        out.file(next[c], harm_due_, c);
      }
      return;
    }
    Draws kind = w.rng.draws(kHarmCategory, c, w.today);
    const auto category = static_cast<int32_t>(kind.categorical(p_.category_weights));
    out.event(c, harm_, AgencyId{}, category);
    out.count(m_harm_);
    out.count(m_harm_by_category_[static_cast<size_t>(category)]);
    auto& n = w.children[harm_count_][c];
    if (n < UINT16_MAX) ++n;
    Draws timing = w.rng.draws(kHarmTiming, c, w.today);
    next[c] = static_cast<int32_t>(std::min<int64_t>(w.today + timing.days_until(hz[c]), INT32_MAX));
    filed[c] = next[c];
    out.file(next[c], harm_due_, c);
  });
}

void FamilyRisk::set_case(World& w, AgentId c, bool open, double multiplier) {
  auto& flag = w.children[open_case_][c];
  if (w.children[high_risk_][c] && flag != static_cast<uint8_t>(open)) unprotected_high_risk_ += open ? -1 : 1;
  flag = open;
  w.children[case_multiplier_][c] = static_cast<float>(multiplier);
  Draws d = w.rng.draws(kHarmTiming, c, w.today);
  set_hazard(w, c, d);
  file_harm(w, c);
}

void FamilyRisk::plan_day(DayPlan& plan) {
  plan.serial(Phase::households, "family_risk.household_changes", [this](World& w) { household_changes(w); });
  // Age-band changes are rare (three per childhood) and touch the running totals: serial.
  plan.serial(Phase::households, "family_risk.age_band_change", [this](World& w) { reassess(w); });
  plan.children_due(Phase::children, "family_risk.harm", harm_due_,
                    [this](World& w, std::span<const AgendaEntry> ids, Emitter& out) { harm(w, ids, out); });
  plan.serial(Phase::accounting, "family_risk.stocks", [this](World& w) {
    for (size_t s = 0; s < kStressors; ++s) w.metrics.set(m_households_with_[s], static_cast<double>(households_with_[s]));
    w.metrics.set(m_high_risk_, static_cast<double>(high_risk_children_));
    w.metrics.set(m_unprotected_, static_cast<double>(unprotected_high_risk_));
  });
}

// Checkpoints: the running counts behind the daily stocks. prevalence_ is derived from
// parameters in initialise(); every child's and household's state is in the World,
// and the stressor bits are a copy of its columns.
void FamilyRisk::save(StateOut& ar) const { ar(households_with_, high_risk_children_, unprotected_high_risk_); }
void FamilyRisk::load(StateIn& ar) {
  ar(households_with_, high_risk_children_, unprotected_high_risk_);
  bits_stale_ = true;  // the households' columns come with the World: the bits are read from them on the next day
}

}  // namespace sgsim::models
