#pragma once
// Leaving care at 18 (EVIDENCE.md TR-2: transfer to a personal adviser;
// supported housing fails within weeks; support ends at 21; 000_0a3acfabeaeb94cf.txt
// §3.55-§3.60, 004_cfad9db42d4b51c9.txt ¶4.4.7). Care leavers are rows of their
// own table: staying put with former foster carers, supported accommodation or
// their own tenancy, a personal adviser to 21 (to 25 for those who ask), and
// accommodation failure as an event.
#include "models/care/placement_types.hpp"
#include "models/finance/finance.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

enum class LeaverHome : uint8_t { staying_put, supported, independent };
inline constexpr std::array<std::string_view, 3> kLeaverHomeNames = {"staying_put", "supported", "independent"};

class LeavingCare {
 public:
  struct Params {
    double staying_put_share = 0, staying_put_years = 0, supported_share = 0, adviser_to_25 = 0;
    std::vector<double> failure_rates;  // per year: staying put, supported, independent
    double adviser_cost = 0, staying_put_cost = 0, supported_cost = 0;
    int64_t cost_year = 0;
  };

  explicit LeavingCare(const Finance& finance) : finance_(finance) {}
  void declare_parameters(ParamDeclarer&);
  void declare_state(World&, Finance&);
  // A looked-after child turned 18 in this placement.
  void leave(World& w, AgentId child, PlacementType last_placement);
  void daily(World&);
  void accounting(World&);
  const Params& params() const { return p_; }
  // Checkpoints: the care leavers with an adviser (their rows are World state).
  void save(StateOut& ar) const { ar(active_); }
  void load(StateIn& ar) { ar(active_); }

 private:
  void file_failure(World& w, AgentId leaver);
  const Finance& finance_;
  Params p_;
  Col<int32_t> left_day_, adviser_until_, staying_until_, next_failure_;
  Col<uint8_t> home_;
  Col<uint16_t> failures_;
  AgendaKind failure_, adviser_ends_, staying_put_ends_;
  IndexSet active_;
  MetricId m_leavers_, m_new_, m_staying_put_, m_supported_, m_failures_, m_cost_;
};

}  // namespace sgsim::models
