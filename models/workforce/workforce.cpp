#include "models/workforce/workforce.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace sgsim::models {
namespace {
constexpr StreamId kLeaving = stream_id("workforce.leaving");
constexpr StreamId kRecruit = stream_id("workforce.recruitment");
// Payload of a post-filled entry: the agency flag (a permanent appointment otherwise).
constexpr uint32_t kAgencyBit = 0x100;
// Changes to a child's allocation, for traces (worker_allocation's codes).
constexpr std::array<std::string_view, 10> kWorkerChangeNames = {
    "allocated",          "queued",           "transferred",          "transferred_queued",
    "worker_left",        "worker_left_queued", "cover_ended",        "cover_ended_queued",
    "allocated_from_queue", "released"};
enum WorkerChange : int32_t {
  kAllocated, kQueued, kTransferred, kTransferredQueued, kWorkerLeft, kWorkerLeftQueued, kCoverEnded,
  kCoverEndedQueued, kAllocatedFromQueue, kReleased
};
constexpr int32_t kTeamFactor = 16;  // detail: change + 16 × team
}  // namespace

void Workforce::declare_parameters(ParamDeclarer& d) {
  d.real(p_.posts_per_10k, {"posts_per_10k", "posts per 10,000 children", 22, 0.5, 200,
                            "case-holding social worker posts (establishment) in the assessment, safeguarding and "
                            "children-in-care teams",
                            Provenance::national,
                            "DfE Children's social work workforce 2024: about 26,000 case-holding FTE in England, "
                            "about 22 per 10,000 children"});
  d.real(p_.assessment_share, {"assessment_team_share", "share of posts", 0.3, 0.01, 0.99,
                               "of the posts outside the children-in-care team, the share in the assessment team; the rest hold "
                               "child-in-need and protection cases",
                               Provenance::placeholder, "local team structures vary; no national split"});
  d.real(p_.care_share, {"children_in_care_team_share", "share of posts", 0.21, 0.0, 0.9,
                         "posts in the children-in-care team, which holds looked-after children's cases",
                         Provenance::national,
                         "children looked after are 70 of the 333 children in need per 10,000 (DfE 2024): 0.21"});
  d.real(p_.caseload_cap, {"caseload_cap", "weighted cases per worker", 20, 1, 100,
                           "most weighted cases a worker is allocated; beyond it cases wait unallocated",
                           Provenance::user, "a local policy; the seeds record caseloads 'up to 34' (001_a32efb814e300027.txt L32)"});
  d.real(p_.turnover, {"turnover", "per worker per year", 0.114, 0, 20,
                       "leaving hazard of a permanent worker whose caseload is below the turnover onset",
                       Provenance::fitted,
                 "fitted to DfE's 14% turnover of permanent social workers a year (2023-24; docs/calibration.md); the caseload term adds to it"});
  d.real(p_.turnover_caseload_slope,
         {"turnover_caseload_slope", "ratio per unit of load", 2.0, 0, 50,
          "leaving hazard multiplies by 1 + slope × (load/cap − onset) above the onset", Provenance::placeholder,
          "direction: EVIDENCE.md WF-1, WF-7 (001_a32efb814e300027.txt L32; 004_cfad9db42d4b51c9.txt ¶5.2.6)"});
  d.real(p_.turnover_onset, {"turnover_onset", "share of the cap", 0.8, 0, 2,
                             "weighted caseload (as a share of the cap) above which the leaving hazard starts to rise",
                             Provenance::placeholder,
                             "caseloads are felt before the ceiling; direction EVIDENCE.md WF-1, no measured onset"});
  d.real(p_.agency_turnover, {"agency_turnover", "per worker per year", 0.5, 0, 20,
                              "leaving hazard of an agency worker", Provenance::placeholder,
                              "agency assignments are short; no national figure"});
  d.real(p_.agency_fill_share, {"agency_fill_share", "share of vacancies", 0.95, 0, 1,
                                "vacancies covered by an agency worker while a permanent appointment is recruited",
                                Provenance::national,
                 "DfE 2023-24: agency workers (18% of posts) cover most vacancies (19%): 18/19"});
  d.real(p_.agency_fill_days, {"agency_fill_days", "days", 21, 1, 365, "mean days to bring in an agency worker",
                               Provenance::placeholder, "no national figure"});
  d.real(p_.recruitment_days, {"recruitment_days", "days", 780, 1, 1000, "mean days to fill a post permanently",
                               Provenance::fitted,
                 "fitted to DfE's 18% agency share (2023-24; docs/calibration.md): with agency cover for most vacancies, the share of posts awaiting a permanent appointment is about the agency share"});
  d.real(p_.salary_permanent, {"cost_permanent", "£ per worker-year", 62000, 0, 500000,
                               "employer cost of a permanent social worker", Provenance::placeholder,
                               "order of PSSRU Unit Costs 2023 for a children's social worker, to be updated"});
  d.real(p_.salary_agency, {"cost_agency", "£ per worker-year", 95000, 0, 500000,
                            "cost of an agency social worker", Provenance::placeholder,
                            "agency premium of about half again; no single national figure"});
  d.integer(p_.cost_year, {"cost_year", "year", 2023, 2000, 2100, "price year of the two staff costs above",
                            Provenance::national, "PSSRU Unit Costs of Health and Social Care 2023"});
  managers_.declare_parameters(d);
}

void Workforce::declare_state(World& w) {
  // A case is held for a child casework has a record of: these are columns of
  // its case_records (casework.hpp), reached through the children's case_record
  // column, which casework declares after this module and hands over (use_case_rows).
  auto& r = w.case_records;
  worker_ = r.add<uint32_t>("worker", "id", "allocated social worker", kNone);
  changes_ = r.add<uint8_t>("worker_changes", "changes", "changes of worker during the current case");
  waiting_ = r.add<uint8_t>("unallocated", "flag", "case waiting for a worker");
  case_team_ = r.add<uint8_t>("case_team", "code", "team holding the case (0 assessment, 1 safeguarding)");
  case_weight_ = r.add<float>("case_weight", "weighted cases", "weight of the case in its worker's caseload");
  load_ = w.workers.add<float>("load", "weighted cases", "weighted caseload");
  cases_n_ = w.workers.add<uint16_t>("cases", "cases", "cases allocated");
  agency_ = w.workers.add<uint8_t>("agency", "flag", "1 = agency worker");
  team_ = w.workers.add<uint8_t>("team", "code", "0 assessment, 1 safeguarding, 2 children in care");
  post_ = w.workers.add<uint32_t>("post", "id", "the post the worker holds");
  managers_.declare_state(w);
  post_filled_ = w.agenda.add_kind("workforce.post_filled");
  ev_allocation_ = w.event_types.add_kind(
      "worker_allocation",
      "traced: the child's case gets, changes or frees a social worker (detail: change + 16 × team; codes "
      "worker_change: 0 a new case allocated, 1 a new case waits unallocated, no worker in the team with room; 2 "
      "transferred to another team's worker, a change of worker; 3 transferred and waits unallocated; 4 the worker "
      "left, the case reallocated; 5 the worker left, the case waits; 6 an agency worker's cover ended when the post "
      "was filled, the case reallocated; 7 cover ended, the case waits; 8 a waiting case allocated; 9 the case closed, "
      "the worker freed; case_team; estimate: the worker's id, a row of the workers table (for 9 the worker freed; -1 "
      "while the case waits); threshold: the caseload cap, weighted cases; workload: that worker's weighted caseload "
      "after the change, or while the case waits the lightest weighted caseload in the team, which had no room)");
  w.event_types.add_codes("worker_change", kWorkerChangeNames);
  w.event_types.add_codes("case_team", kTeamNames);
  m_workers_ = w.metrics.add("social_workers", "workers", "case-holding social workers in post", MetricKind::stock);
  for (size_t t = 0; t < kTeams; ++t)
    m_team_workers_[t] = w.metrics.add(std::string("social_workers_") + kTeamNames[t], "workers",
                                       std::string("social workers in the ") + kTeamNames[t] + " team", MetricKind::stock);
  m_agency_ = w.metrics.add("agency_workers", "workers", "of whom agency workers", MetricKind::stock);
  m_caseload_ = w.metrics.add("caseload_mean", "cases per worker", "allocated cases per case-holding worker", MetricKind::stock);
  m_weighted_ = w.metrics.add("caseload_weighted_mean", "weighted cases per worker", "weighted caseload per worker",
                              MetricKind::stock);
  m_full_ = w.metrics.add("workers_full", "workers", "workers without room for another case of weight 1", MetricKind::stock);
  m_max_ = w.metrics.add("caseload_max", "weighted cases", "highest weighted caseload of any worker", MetricKind::stock);
  m_unallocated_ = w.metrics.add("unallocated_cases", "cases", "open cases waiting for a worker", MetricKind::stock);
  m_leavers_ = w.metrics.add("worker_leavers", "workers", "social workers leaving (permanent and agency)", MetricKind::flow);
  m_perm_leavers_ = w.metrics.add("permanent_leavers", "workers",
                                  "permanent social workers leaving (DfE turnover is these over permanent staff)",
                                  MetricKind::flow);
  m_vacancies_ = w.metrics.add("vacancies", "posts", "posts with nobody in them, waiting for a permanent or agency worker",
                               MetricKind::stock);
  m_cost_ = w.metrics.add("staff_cost", "£", "cost of case-holding social workers (in the price year)", MetricKind::flow);
  finance_.register_cost(m_cost_);
  m_cost_agency_ = w.metrics.add("staff_cost_agency", "£", "of which agency social workers", MetricKind::flow);
  m_p90_ = w.metrics.add("caseload_weighted_p90", "weighted cases",
                         "weighted caseload that nine in ten workers are at or below", MetricKind::stock);
  // Averages over workers, for a national run's sum over authorities (a national
  // p90 is then the workers-weighted mean of the authorities' p90s, not the
  // percentile of every worker in England: docs/output.md).
  for (MetricId m : {m_caseload_, m_weighted_, m_p90_}) w.metrics.averaged_over(m, "social_workers");
  w.metrics.maximum(m_max_);
}

void Workforce::initialise(World& w) {
  const double posts = p_.posts_per_10k / 1e4 * static_cast<double>(w.children.active_count());
  const auto care = std::max<int64_t>(1, std::llround(posts * p_.care_share));
  const auto assessment = std::max<int64_t>(1, std::llround(posts * (1.0 - p_.care_share) * p_.assessment_share));
  const auto safeguarding = std::max<int64_t>(1, std::llround(posts) - assessment - care);
  const std::array<int64_t, kTeams> sizes = {assessment, safeguarding, care};  // in Team order
  for (size_t t = 0; t < kTeams; ++t) managers_.add_team(w, static_cast<double>(sizes[t]));
  for (size_t t = 0; t < kTeams; ++t)
    for (int64_t i = 0; i < sizes[t]; ++i) hire(w, static_cast<Team>(t), false);
}

AgentId Workforce::hire(World& w, Team team, bool agency, uint32_t post) {
  if (post == kNone) {
    post = static_cast<uint32_t>(posts_.size());
    posts_.push_back(Post{static_cast<uint8_t>(team), managers_.unit_for_hire(static_cast<size_t>(team))});
  }
  const AgentId id = w.workers.add_rows(1);
  w.workers[agency_][id] = agency;
  w.workers[team_][id] = static_cast<uint8_t>(team);
  w.workers[post_][id] = post;
  posts_[post].holder = id;
  agency_count_ += agency;
  cases_.emplace_back();
  by_load_[static_cast<size_t>(team)].insert({0.0, id});
  return id;
}

double Workforce::pressure() const {
  size_t n = 0;
  for (const auto& t : by_load_) n += t.size();
  if (n == 0) return open_weight_ > 0 ? 10.0 : 0.0;
  return open_weight_ / (static_cast<double>(n) * p_.caseload_cap);
}

void Workforce::trace_allocation(World& w, AgentId child, int32_t change) const {
  if (!w.traced(child)) return;
  const auto t = static_cast<size_t>(case_.get(w, case_team_, child));
  const AgentId worker = case_.get(w, worker_, child);
  const double lightest = by_load_[t].empty() ? 0.0 : by_load_[t].begin()->first;  // the case waits: no room there
  const double load = worker == kNone ? lightest : static_cast<double>(w.workers[load_][worker]);
  w.trace(child, ev_allocation_, change + kTeamFactor * static_cast<int32_t>(t),
          worker == kNone ? -1.0 : static_cast<double>(worker), p_.caseload_cap, load);
}

bool Workforce::has_room(Team team, double weight) const {
  const Load& l = by_load_[static_cast<size_t>(team)];
  return !l.empty() && l.begin()->first + weight <= p_.caseload_cap + 1e-9;
}

void Workforce::allocate(World& w, AgentId child, AgentId worker) {
  const auto t = static_cast<size_t>(w.workers[team_][worker]);
  auto& load = w.workers[load_][worker];
  const float before = load;
  load += case_.get(w, case_weight_, child);
  by_load_[t].update({before, worker}, {load, worker});
  ++w.workers[cases_n_][worker];
  cases_[worker].push_back(child);
  case_.at(w, worker_, child) = worker;
}

// Take the case off its worker (the case stays open).
void Workforce::unallocate(World& w, AgentId child) {
  const AgentId worker = case_.get(w, worker_, child);
  if (worker == kNone) return;
  const auto t = static_cast<size_t>(w.workers[team_][worker]);
  auto& list = cases_[worker];
  list.erase(std::find(list.begin(), list.end(), child));
  auto& load = w.workers[load_][worker];
  const float before = load;
  load = std::max(0.0f, load - case_.get(w, case_weight_, child));
  if (list.empty()) load = 0;  // no drift from float sums
  by_load_[t].update({before, worker}, {load, worker});
  --w.workers[cases_n_][worker];
  case_.at(w, worker_, child) = kNone;
}

void Workforce::enqueue(World& w, AgentId child) {
  case_.at(w, waiting_, child) = 1;
  queue_[case_.get(w, case_team_, child)].push_back(child);
  ++queued_;
}

void Workforce::assign(World& w, AgentId child, Team team, double weight) {
  const bool open = case_.get(w, worker_, child) != kNone || case_.get(w, waiting_, child);
  open_weight_ += weight - (open ? case_.get(w, case_weight_, child) : 0.0);
  const bool same_team = open && case_.get(w, case_team_, child) == static_cast<uint8_t>(team);
  const AgentId current = case_.get(w, worker_, child);
  if (same_team && current != kNone) {  // re-weight in place
    const auto t = static_cast<size_t>(team);
    auto& load = w.workers[load_][current];
    const float before = load;
    load += static_cast<float>(weight) - case_.get(w, case_weight_, child);
    by_load_[t].update({before, current}, {load, current});
    case_.at(w, case_weight_, child) = static_cast<float>(weight);
    return;
  }
  if (same_team) {  // still waiting in the same queue
    case_.at(w, case_weight_, child) = static_cast<float>(weight);
    return;
  }
  // A new case, or a transfer between teams (a change of worker: WF-5).
  if (open) {
    if (current != kNone) unallocate(w, child);
    if (case_.get(w, waiting_, child)) {
      case_.at(w, waiting_, child) = 0;  // left in the old queue, skipped lazily
      --queued_;
    }
    ++case_.at(w, changes_, child);
  }
  case_.at(w, case_team_, child) = static_cast<uint8_t>(team);
  case_.at(w, case_weight_, child) = static_cast<float>(weight);
  const bool room = has_room(team, weight);
  if (room) allocate(w, child, by_load_[static_cast<size_t>(team)].begin()->second);
  else enqueue(w, child);
  trace_allocation(w, child, open ? (room ? kTransferred : kTransferredQueued) : (room ? kAllocated : kQueued));
}

void Workforce::release(World& w, AgentId child) {
  const bool open = case_.get(w, worker_, child) != kNone || case_.get(w, waiting_, child);
  if (!open) return;
  open_weight_ -= case_.get(w, case_weight_, child);
  if (case_.get(w, waiting_, child)) {
    case_.at(w, waiting_, child) = 0;  // removed from the queue lazily
    --queued_;
  }
  const AgentId worker = case_.get(w, worker_, child);
  unallocate(w, child);
  case_.at(w, changes_, child) = 0;
  if (w.traced(child))
    w.trace(child, ev_allocation_, kReleased + kTeamFactor * case_.get(w, case_team_, child),
            worker == kNone ? -1.0 : static_cast<double>(worker), p_.caseload_cap,
            worker == kNone ? 0.0 : static_cast<double>(w.workers[load_][worker]));
}

void Workforce::depart(World& w, AgentId worker, bool left) {
  const auto t = static_cast<size_t>(w.workers[team_][worker]);
  by_load_[t].erase({w.workers[load_][worker], worker});
  agency_count_ -= w.workers[agency_][worker];
  w.workers.deactivate(worker);
  posts_[w.workers[post_][worker]].holder = kNone;
  // The worker's cases go to colleagues with room, or join the queue: a change of
  // worker either way (WF-3, WF-5).
  std::vector<AgentId> orphaned;
  orphaned.swap(cases_[worker]);
  for (AgentId child : orphaned) {
    case_.at(w, worker_, child) = kNone;
    ++case_.at(w, changes_, child);
    reallocated_.push_back(child);
    const double weight = case_.get(w, case_weight_, child);
    const bool room = has_room(static_cast<Team>(t), weight);
    if (room) allocate(w, child, by_load_[t].begin()->second);
    else enqueue(w, child);
    trace_allocation(w, child,
                     left ? (room ? kWorkerLeft : kWorkerLeftQueued) : (room ? kCoverEnded : kCoverEndedQueued));
  }
  w.workers[load_][worker] = 0;
  w.workers[cases_n_][worker] = 0;
}

// A post falls vacant. Permanent recruitment starts (unless it is already under
// way: an agency worker covering the post has left), and an agency worker may
// cover the post until the permanent appointment arrives.
void Workforce::start_recruitment(World& w, uint32_t post, AgentId leaver, bool permanent_too) {
  Draws d = w.rng.draws(kRecruit, leaver, w.today);
  if (permanent_too) {
    posts_[post].recruiting = true;
    w.agenda.file(w.today + static_cast<int32_t>(d.days_until(1.0 / p_.recruitment_days)), post_filled_, post, 0);
  }
  if (d.bernoulli(p_.agency_fill_share))
    w.agenda.file(w.today + static_cast<int32_t>(d.days_until(1.0 / p_.agency_fill_days)), post_filled_, post,
                  kAgencyBit);
}

void Workforce::leave(World& w, AgentId worker) {
  const uint32_t post = w.workers[post_][worker];
  const bool covering = posts_[post].recruiting;  // an agency worker covering a vacancy
  depart(w, worker, true);
  start_recruitment(w, post, worker, !covering);
}

void Workforce::post_filled(World& w, uint32_t post, bool agency) {
  Post& p = posts_[post];
  if (agency) {
    // Agency cover arrives, if the post is still empty and still waiting.
    if (p.recruiting && p.holder == kNone) hire(w, static_cast<Team>(p.team), true, post);
    return;
  }
  // The permanent appointment: an agency worker covering the post ends the assignment.
  if (p.holder != kNone) depart(w, p.holder, false);
  p.recruiting = false;
  hire(w, static_cast<Team>(p.team), false, post);
}

void Workforce::daily(World& w) {
  reallocated_.clear();
  managers_.daily(w);
  for (const AgendaEntry& e : w.agenda.due(w.today, post_filled_)) post_filled(w, e.id, (e.payload & kAgencyBit) != 0);
  // Leaving: a daily hazard per worker from today's load. The slope starts below
  // the cap (turnover_onset): caseloads are felt before they hit the ceiling.
  std::vector<AgentId> leavers;
  for (const auto& team : by_load_)
    for (const auto& [load, id] : team) {
      const double ratio = load / p_.caseload_cap;
      const double base = w.workers[agency_][id] ? p_.agency_turnover : p_.turnover;
      const double hazard =
          base * (1.0 + p_.turnover_caseload_slope * std::max(0.0, ratio - p_.turnover_onset)) / kDaysPerYear;
      if (w.rng.draws(kLeaving, id, w.today).bernoulli(hazard)) leavers.push_back(id);
    }
  std::sort(leavers.begin(), leavers.end());
  double permanent = 0;
  for (AgentId id : leavers) {
    permanent += w.workers[agency_][id] == 0;
    leave(w, id);
  }
  w.metrics.add_to(m_leavers_, static_cast<double>(leavers.size()));
  w.metrics.add_to(m_perm_leavers_, permanent);
  // Allocate waiting cases, oldest first, while anyone in the team has room.
  for (size_t t = 0; t < kTeams; ++t) {
    auto& q = queue_[t];
    while (!q.empty()) {
      const AgentId child = q.front();
      if (!case_.get(w, waiting_, child) || case_.get(w, case_team_, child) != t) {
        q.pop_front();  // closed or transferred while waiting
        continue;
      }
      if (!has_room(static_cast<Team>(t), case_.get(w, case_weight_, child))) break;
      q.pop_front();
      case_.at(w, waiting_, child) = 0;
      --queued_;
      allocate(w, child, by_load_[t].begin()->second);
      reallocated_.push_back(child);
      trace_allocation(w, child, kAllocatedFromQueue);
    }
  }
}

void Workforce::plan_day(DayPlan& plan) {
  plan.serial(Phase::agencies, "workforce.leaving_recruitment_allocation", [this](World& w) { daily(w); });
  plan.serial(Phase::accounting, "workforce.stocks", [this](World& w) {
    double n = 0, cases = 0, load = 0, full = 0, max_load = 0;
    loads_.clear();
    for (size_t t = 0; t < kTeams; ++t) {
      w.metrics.set(m_team_workers_[t], static_cast<double>(by_load_[t].size()));
      n += static_cast<double>(by_load_[t].size());
      for (const auto& [l, id] : by_load_[t]) {
        cases += w.workers[cases_n_][id];
        load += l;
        full += l + 1.0 > p_.caseload_cap + 1e-9;
        max_load = std::max(max_load, l);
        loads_.push_back(static_cast<float>(l));
      }
    }
    w.metrics.set(m_workers_, n);
    w.metrics.set(m_agency_, static_cast<double>(agency_count_));
    w.metrics.set(m_caseload_, n > 0 ? cases / n : 0.0);
    w.metrics.set(m_weighted_, n > 0 ? load / n : 0.0);
    w.metrics.set(m_full_, full);
    w.metrics.set(m_max_, max_load);
    if (!loads_.empty()) {  // nearest-rank 90th percentile
      const auto k = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(loads_.size()))) - 1;
      std::nth_element(loads_.begin(), loads_.begin() + static_cast<std::ptrdiff_t>(k), loads_.end());
      w.metrics.set(m_p90_, loads_[k]);
    }
    w.metrics.set(m_unallocated_, static_cast<double>(queued_));
    w.metrics.set(m_vacancies_, static_cast<double>(std::count_if(
                                    posts_.begin(), posts_.end(), [](const Post& p) { return p.holder == kNone; })));
    managers_.record(w);
    const double agency = static_cast<double>(agency_count_);
    const double permanent = finance_.in_price_year(p_.salary_permanent, p_.cost_year);
    const double agency_cost = finance_.in_price_year(p_.salary_agency, p_.cost_year);
    w.metrics.add_to(m_cost_, ((n - agency) * permanent + agency * agency_cost) / kDaysPerYear);
    w.metrics.add_to(m_cost_agency_, agency * agency_cost / kDaysPerYear);
  });
}

// Checkpoints: the posts (holder, recruiting), the team managers, workers by
// load, each worker's cases in allocation order, the unallocated queues (with
// their lazily skipped entries), the running counts and open weight, and the
// cases reallocated in the last workforce step (casework reads them). Not
// written: loads_ (scratch cleared before each use in the day's accounting),
// parameters, column, agenda, event and metric handles.
void Workforce::save(StateOut& ar) const {
  ar(posts_);
  managers_.save(ar);
  ar(by_load_, cases_, queue_, queued_, agency_count_, open_weight_, reallocated_);
}

void Workforce::load(StateIn& ar) {
  ar(posts_);
  managers_.load(ar);
  ar(by_load_, cases_, queue_, queued_, agency_count_, open_weight_, reallocated_);
}

}  // namespace sgsim::models
