// The vignette's day: scripted concerns reach the agency that saw them, and
// exploiters target the child, each on its day. Everything else about the
// scripted children — contacts, screening, casework, care, missing, grooming —
// is the other modules' rules, exactly as for any child.
#include "models/vignette/vignette.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/population/population.hpp"

namespace sgsim::models {
namespace {
constexpr StreamId kConcern = stream_id("vignette.concern");
const std::array<const char*, FamilyRisk::kStressors> kStressorKeys = {"domestic_abuse", "parental_mental_ill_health",
                                                                       "parental_substance_misuse"};
constexpr double kDaysRange = 36525;  // a century either side of start_date: any date a review gives

// A vignette's day (days from start_date) as the simulation's internal day. A day
// before the simulation's first cannot happen: a clear error naming the setting.
int32_t internal_day(const World& w, double day, const std::string& setting) {
  const auto at = static_cast<int32_t>(w.record_from + std::lround(day));
  if (at < 0)
    throw std::runtime_error(fmt::format("{}: day {} is before the simulation starts ({} days before start_date: "
                                         "lengthen run.burn_in_days)", setting, day, w.record_from));
  return at;
}
}  // namespace

void Vignette::declare_parameters(ParamDeclarer& d) {
  const auto user = Provenance::user;
  const std::string cite = "the vignette file cites the review paragraph (scenarios/vignettes/)";
  for (size_t k = 0; k < kSlots; ++k) {
    Child& ch = slots_[k];
    const std::string p = "child_" + std::to_string(k + 1) + ".";
    d.boolean(ch.present, {p + "present", false, "this slot holds a scripted child", user, cite});
    d.real(ch.age, {p + "age", "years", 13, 0, 17.9, "the child's age on start_date", user, cite});
    d.choice(ch.sex, {p + "sex", "girl", {"girl", "boy"}, "the child's sex", user, cite});
    d.integer(ch.decile, {p + "deprivation_decile", "decile", 1, 1, 10,
                          "the household's deprivation decile (1 = most deprived)", user, cite});
    for (size_t s = 0; s < FamilyRisk::kStressors; ++s)
      d.boolean(ch.stressors[s], {p + "household." + kStressorKeys[s], false,
                                  "the family lives with this on the first simulated day (it then ends and recurs at "
                                  "family_risk's rates)", user, cite});
    d.real(ch.capacity, {p + "household.carer_capacity", "share", -1, -1, 1,
                         "the carers' capacity (0-1, family_risk's scale); -1 keeps the drawn capacity", user, cite});
    for (size_t a = 0; a < kAgencies; ++a)
      d.real_list(ch.concerns[a], {p + "concerns." + kAgencyNames[a], "days from start_date", {}, -kDaysRange,
                                   kDaysRange,
                                   "days on which this agency saw harm to the child (negative: before start_date, in "
                                   "the burn-in); whether it tells children's social care is the agency's own rule",
                                   user, cite, true});
    d.choice(ch.concern_category, {p + "concern_category", "neglect",
                                   {kHarmCategoryNames.begin(), kHarmCategoryNames.end()},
                                   "the kind of harm the agencies saw", user, cite});
    d.boolean(ch.targeted, {p + "exploitation.targeted", false, "exploiters target the child on targeted_day", user, cite});
    d.real(ch.targeted_day, {p + "exploitation.targeted_day", "days from start_date", 0, -kDaysRange, kDaysRange,
                             "the day exploiters target the child", user, cite});
    d.choice(ch.exploitation_type, {p + "exploitation.type", "sexual",
                                    {kExploitTypeNames.begin(), kExploitTypeNames.end()},
                                    "the exploiters' kind of exploitation", user, cite});
    d.choice(ch.exploitation_stage, {p + "exploitation.stage", "targeted", {"targeted", "groomed", "exploited"},
                                     "the child's stage from targeted_day (the model's rules take it on from there)",
                                     user, cite});
    d.real(ch.group_activity, {p + "exploitation.group_activity", "ratio", 1, 0, 20,
                               "the exploiters' activity (1 = a typical group; exploitation.groups)", user, cite});
    d.integer(ch.same_group_as, {p + "exploitation.same_group_as", "slot", 0, 0, static_cast<int64_t>(kSlots),
                                 "another scripted child (its slot) whose exploiters target this child too: one group "
                                 "for several children, as around a house or venue; 0 a group of the child's own",
                                 user, cite});
    d.boolean(ch.protection_plan, {p + "protection_plan", false,
                                   "the review dates a child protection plan: it starts on protection_plan_day, for "
                                   "concern_category (then reviews, step-down and care are the model's)", user, cite});
    d.real(ch.protection_plan_day, {p + "protection_plan_day", "days from start_date", 0, -kDaysRange, kDaysRange,
                                    "the day the child protection plan starts", user, cite});
    d.real(ch.missing_propensity, {p + "missing_propensity", "ratio", -1, -1, 100,
                                   "the child's own propensity to go missing (exploitation.missing.propensity_shape's "
                                   "scale, mean 1); -1 keeps the drawn one", user, cite});
    d.integer(ch.friend_of, {p + "friend_of", "slot", 0, 0, static_cast<int64_t>(kSlots),
                             "another scripted child (its slot) the child is friends with; 0 none", user, cite});
  }
}

void Vignette::declare_state(World& w) {
  concern_due_ = w.agenda.add_kind("vignette.concern");
  targeting_due_ = w.agenda.add_kind("vignette.targeting");
  plan_due_ = w.agenda.add_kind("vignette.protection_plan");
  ev_scripted_ = w.event_types.add_kind(
      "vignette_scripted",
      "traced: the vignette makes something happen on its day, as its review dates it (detail: codes "
      "vignette_scripted: 0 an agency sees harm, agency: which; 1 a child protection plan starts; 2 exploiters "
      "target the child); estimate, threshold, workload: 0");
  w.event_types.add_codes("vignette_scripted", std::array{"agency_sees_harm", "protection_plan", "exploiters_target"});
}

// The simulated child nearest the vignette's child: same sex, a household in the
// decile (else the nearest decile that has one), birthday nearest the age; the
// lowest id on a tie, so the choice is the same in every replicate's population
// of the same draw.
AgentId Vignette::choose(World& w, const Child& ch, const std::vector<AgentId>& taken) const {
  const auto& cols = pop_.columns();
  const double target = w.record_from - ch.age * kDaysPerYear;
  const uint8_t sex = ch.sex == "boy" ? 1 : 0;
  AgentId best = std::numeric_limits<AgentId>::max();
  std::pair<int64_t, double> score{std::numeric_limits<int64_t>::max(), 0};
  for (AgentId c = 0; c < w.children.rows(); ++c) {
    if (!w.children.active(c) || w.children[cols.sex][c] != sex) continue;
    if (std::find(taken.begin(), taken.end(), c) != taken.end()) continue;
    const int64_t decile = w.households[cols.deprivation][w.children[cols.household][c]];
    const std::pair<int64_t, double> s{std::abs(decile - ch.decile), std::abs(w.children[cols.birth_day][c] - target)};
    if (s < score) score = s, best = c;
  }
  if (best == std::numeric_limits<AgentId>::max()) throw std::runtime_error("vignette: no child of that sex to script");
  return best;
}

void Vignette::initialise(World& w) {
  std::vector<AgentId> taken;
  group_.fill(UINT32_MAX);
  for (size_t k = 0; k < kSlots; ++k) {
    const Child& ch = slots_[k];
    if (!ch.present) continue;
    const AgentId c = choose(w, ch, taken);
    child_[k] = c;
    taken.push_back(c);
    w.scripted_children.push_back(c);
    const AgentId hh = w.children[pop_.columns().household][c];
    pop_.keep_in_area(hh);
    if (ch.missing_propensity >= 0) exploitation_.script_propensity(w, c, ch.missing_propensity);
    risk_.script_household(w, hh, ch.stressors, ch.capacity);
    // What each agency saw, on its day: before the simulation's first day it
    // cannot happen (lengthen run.burn_in_days); after its last the agenda drops it.
    for (size_t a = 0; a < kAgencies; ++a)
      for (double day : ch.concerns[a])
        w.agenda.file(internal_day(w, day, fmt::format("vignette.child_{}.concerns.{}", k + 1, kAgencyNames[a])),
                      concern_due_, c, static_cast<uint32_t>(a));
    if (ch.targeted)
      w.agenda.file(internal_day(w, ch.targeted_day, fmt::format("vignette.child_{}.exploitation.targeted_day", k + 1)),
                    targeting_due_, c, static_cast<uint32_t>(k));
    if (ch.protection_plan)
      w.agenda.file(internal_day(w, ch.protection_plan_day, fmt::format("vignette.child_{}.protection_plan_day", k + 1)),
                    plan_due_, c, static_cast<uint32_t>(k));
  }
  w.traced_children.insert(w.traced_children.end(), taken.begin(), taken.end());
  std::sort(w.traced_children.begin(), w.traced_children.end());
  w.traced_children.erase(std::unique(w.traced_children.begin(), w.traced_children.end()), w.traced_children.end());
}

void Vignette::daily(World& w) {
  if (w.today == 0)  // friendships, once every module has set up its children
    for (size_t k = 0; k < kSlots; ++k)
      if (slots_[k].present && slots_[k].friend_of > 0 && slots_[static_cast<size_t>(slots_[k].friend_of - 1)].present)
        exploitation_.script_friends(w, child_[k], child_[static_cast<size_t>(slots_[k].friend_of - 1)]);
  for (const AgendaEntry& e : w.agenda.due(w.today, concern_due_)) {
    if (!w.children.active(e.id)) continue;
    w.trace(e.id, ev_scripted_, 0, 0, 0, 0, agencies_.id(e.payload));
    agencies_.notice(w, e.id, e.payload, category(slot_of(e.id)), kConcern);
  }
  for (const AgendaEntry& e : w.agenda.due(w.today, plan_due_))
    if (protection_.script_plan(w, e.id, category(e.payload))) w.trace(e.id, ev_scripted_, 1);
  for (const AgendaEntry& e : w.agenda.due(w.today, targeting_due_)) {
    const Child& ch = slots_[e.payload];
    w.trace(e.id, ev_scripted_, 2);
    // Children of one group share it: the first of them targeted makes it.
    const size_t owner = ch.same_group_as > 0 ? static_cast<size_t>(ch.same_group_as - 1) : e.payload;
    group_[owner] = exploitation_.script_targeting(
        w, e.id, ch.exploitation_type == "criminal" ? ExploitType::criminal : ExploitType::sexual, ch.group_activity,
        ch.exploitation_stage == "exploited" ? Stage::exploited
        : ch.exploitation_stage == "groomed" ? Stage::groomed
                                             : Stage::targeted,
        group_[owner]);
  }
}

size_t Vignette::slot_of(AgentId c) const {
  return static_cast<size_t>(std::find(child_.begin(), child_.end(), c) - child_.begin());
}

int32_t Vignette::category(size_t slot) const {
  const auto& names = kHarmCategoryNames;
  return static_cast<int32_t>(std::find(names.begin(), names.end(), slots_[slot].concern_category) - names.begin());
}

void Vignette::plan_day(DayPlan& plan) {
  // Before the agencies' own work, so a concern seen today is handled as any other.
  plan.serial(Phase::agencies, "vignette.scripted_concerns_and_exploiters", [this](World& w) { daily(w); });
}

// Checkpoints: which child fills each slot and the exploiter group each slot was
// given (the slots themselves are parameters).
void Vignette::save(StateOut& ar) const { ar(child_, group_); }
void Vignette::load(StateIn& ar) { ar(child_, group_); }

}  // namespace sgsim::models
