#pragma once
// Workforce: case-holding social workers (permanent and agency) in teams, with
// caseloads weighted by case type up to a cap, a queue of unallocated cases per
// team when every worker is full, vacancies filled after a lead time, and leaving
// with a hazard that rises with caseload (EVIDENCE.md §3.4: WF-1 high caseloads cut
// quality, WF-3 turnover loses knowledge, WF-5 a change of worker resets the
// child's trust). Team pressure — weighted caseloads against the cap — is what
// bends thresholds (decision-making ecology). The front door's own capacity is a
// front_door parameter.
#include <array>
#include <deque>

#include "models/finance/finance.hpp"
#include "models/workforce/by_load.hpp"
#include "models/workforce/managers.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

// safeguarding: child in need and protection; children_in_care: looked-after children.
enum class Team : uint8_t { assessment = 0, safeguarding = 1, children_in_care = 2 };
inline constexpr size_t kTeams = 3;
inline constexpr std::array<const char*, kTeams> kTeamNames = {"assessment", "safeguarding", "children_in_care"};

class Workforce final : public Module {
 public:
  static constexpr AgentId kNone = UINT32_MAX;
  struct Params {
    double posts_per_10k = 0, assessment_share = 0, care_share = 0;
    double caseload_cap = 0;
    double turnover = 0, turnover_caseload_slope = 0, turnover_onset = 0, agency_turnover = 0;
    double agency_fill_share = 0, agency_fill_days = 0, recruitment_days = 0;
    double salary_permanent = 0, salary_agency = 0;
    int64_t cost_year = 0;
  };

  explicit Workforce(Finance& finance) : finance_(finance) {}

  std::string_view name() const override { return "workforce"; }
  std::string_view summary() const override {
    return "social workers in teams: weighted caseload cap, allocation queues, vacancies, recruitment, leaving, "
           "agency staff, staff cost";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override;
  void plan_day(DayPlan&) override;
  void save(StateOut&) const override;
  void load(StateIn&) override;

  // The child's case needs a worker of `team` carrying `weight`: keeps the current
  // worker if in that team (re-weighting the case), otherwise allocates the
  // least-loaded worker with room (a transfer counts as a change of worker), or queues.
  void assign(World& w, AgentId child, Team team, double weight);
  // The case closed: free the worker (or leave the queue).
  void release(World& w, AgentId child);
  // Casework's rows for the children with a case (casework.hpp), which hold this module's columns of a case.
  void use_case_rows(const CaseRecords& rows) { case_ = rows; }
  AgentId worker_of(const World& w, AgentId child) const { return case_.get(w, worker_, child); }
  int worker_changes(const World& w, AgentId child) const { return case_.get(w, changes_, child); }
  // Children whose case gained or lost its worker in the last workforce step
  // (a queued case allocated, a leaver's case moved on), for casework to
  // re-work the intervention's strength.
  const std::vector<AgentId>& reallocated() const { return reallocated_; }
  // Weighted caseload of a worker over the cap (1 = at the cap).
  double caseload_ratio(const World& w, AgentId worker) const { return w.workers[load_][worker] / p_.caseload_cap; }
  // Share of casework quality kept under the worker's team manager (interim managers: WF-2).
  double management_quality(const World& w, AgentId worker) const {
    return managers_.quality(posts_[w.workers[post_][worker]].unit);
  }
  // Weighted open cases (allocated and waiting) per worker, over the cap: the
  // pressure that shifts thresholds and shortens casework.
  double pressure() const;
  const Params& params() const { return p_; }

 private:
  using Load = WorkersByLoad;
  // A worker starts in `post` (a new post when kNone: the initial establishment).
  AgentId hire(World& w, Team team, bool agency, uint32_t post = kNone);
  // The worker stops holding cases: the cases move on (a change of worker) and the
  // worker's row is closed (whether they left of their own accord or their agency
  // assignment ended because the post was filled is the caller's to count).
  // `left`: the worker left; otherwise an agency assignment ended because the post was filled.
  void depart(World& w, AgentId worker, bool left);
  void start_recruitment(World& w, uint32_t post, AgentId leaver, bool permanent_too);
  bool has_room(Team team, double weight) const;
  void allocate(World& w, AgentId child, AgentId worker);
  void unallocate(World& w, AgentId child);
  void enqueue(World& w, AgentId child);
  void leave(World& w, AgentId worker);
  void post_filled(World& w, uint32_t post, bool agency);
  void daily(World& w);
  // Traces a change to the child's allocation (codes kWorkerChangeNames in workforce.cpp).
  void trace_allocation(World& w, AgentId child, int32_t change) const;

  Finance& finance_;
  Params p_;
  CaseRecords case_;        // casework's rows (case_records) for the children with a case
  Col<uint32_t> worker_;    // case_records: allocated worker
  Col<uint8_t> changes_;    // case_records: worker changes during the current case
  Col<uint8_t> waiting_;    // case_records: in a team's unallocated queue
  Col<uint8_t> case_team_;  // case_records: team the case belongs to
  Col<float> case_weight_;  // case_records: weight of the case
  Col<float> load_;         // workers: weighted caseload
  Col<uint16_t> cases_n_;   // workers: cases
  Col<uint8_t> agency_, team_;
  Col<uint32_t> post_;  // workers: the post they hold (its team's manager unit is the worker's)
  // Posts: team, manager's unit, who holds it, and whether a permanent
  // appointment is under way (an agency worker covers it meanwhile, if anyone).
  struct Post {
    uint8_t team = 0;
    uint32_t unit = 0;
    AgentId holder = kNone;
    bool recruiting = false;
    SGSIM_STATE(team, unit, holder, recruiting)
  };
  std::vector<Post> posts_;
  std::vector<float> loads_;  // scratch for the caseload percentile, kept to avoid a daily allocation
  TeamManagers managers_;
  AgendaKind post_filled_;
  EventKind ev_allocation_;  // traced (World::trace)
  MetricId m_workers_, m_agency_, m_caseload_, m_weighted_, m_full_, m_max_, m_unallocated_, m_leavers_, m_perm_leavers_, m_vacancies_, m_cost_agency_, m_p90_,
      m_cost_;
  std::array<MetricId, kTeams> m_team_workers_{};
  std::array<Load, kTeams> by_load_;
  std::vector<std::vector<AgentId>> cases_;  // per worker
  std::array<std::deque<AgentId>, kTeams> queue_;
  int64_t queued_ = 0, agency_count_ = 0;
  double open_weight_ = 0;
  std::vector<AgentId> reallocated_;
};

}  // namespace sgsim::models
