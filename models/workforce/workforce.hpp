#pragma once
// Workforce: case-holding social workers (permanent and agency), their caseloads,
// allocation of cases up to a cap, an unallocated queue when every worker is full,
// vacancies filled after a lead time, and leaving with a hazard that rises with
// caseload (EVIDENCE.md §3.4: WF-1 high caseloads cut quality, WF-3 turnover loses
// knowledge, WF-5 a change of worker resets the child's trust). Team pressure —
// caseloads against the cap — is what bends thresholds (decision-making ecology).
#include <deque>
#include <set>

#include "sim/schedule/module.hpp"

namespace sgsim::models {

class Workforce final : public Module {
 public:
  static constexpr AgentId kNone = UINT32_MAX;
  struct Params {
    double posts_per_10k = 0;
    int64_t caseload_cap = 0;
    double turnover = 0, turnover_caseload_slope = 0, agency_turnover = 0;
    double agency_fill_share = 0, agency_fill_days = 0, recruitment_days = 0;
    double salary_permanent = 0, salary_agency = 0;
  };

  std::string_view name() const override { return "workforce"; }
  std::string_view summary() const override {
    return "case-holding social workers: caseload cap, allocation queue, vacancies, recruitment, leaving, agency staff";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override;
  void plan_day(DayPlan&) override;

  // A case needs a worker: allocate the least-loaded worker under the cap, or queue.
  void request(World& w, AgentId child);
  // The case closed: free the worker (or leave the queue).
  void release(World& w, AgentId child);
  AgentId worker_of(const World& w, AgentId child) const { return w.children[worker_][child]; }
  int worker_changes(const World& w, AgentId child) const { return w.children[changes_][child]; }
  int caseload_of(const World& w, AgentId worker) const { return w.workers[caseload_][worker]; }
  // Open cases per case-holding worker over the cap (1 = exactly at the cap), counting
  // unallocated cases: the pressure that shifts thresholds and shortens casework.
  double pressure() const;
  double caseload_ratio(const World& w, AgentId worker) const {
    return static_cast<double>(w.workers[caseload_][worker]) / static_cast<double>(p_.caseload_cap);
  }
  const Params& params() const { return p_; }

 private:
  void hire(World& w, bool agency);
  void allocate(World& w, AgentId child, AgentId worker);
  void leave(World& w, AgentId worker);
  void daily(World& w);

  Params p_;
  Col<uint32_t> worker_;   // children: allocated worker
  Col<uint8_t> changes_;   // children: worker changes during the current case
  Col<uint8_t> waiting_;   // children: in the unallocated queue
  Col<uint16_t> caseload_; // workers
  Col<uint8_t> agency_;    // workers: 1 = agency
  AgendaKind post_filled_;
  MetricId m_workers_, m_agency_, m_caseload_, m_unallocated_, m_leavers_, m_vacancies_, m_cost_;
  std::set<std::pair<uint16_t, AgentId>> by_load_;  // active workers by caseload (then id)
  std::vector<std::vector<AgentId>> cases_;         // per worker
  std::deque<AgentId> queue_;
  int64_t queued_ = 0, open_cases_ = 0, posts_ = 0, vacancies_ = 0, agency_count_ = 0;
};

}  // namespace sgsim::models
