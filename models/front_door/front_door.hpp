#pragma once
// The front door: contacts from agencies wait in a screening queue worked at a
// daily capacity; screening compares the screener's estimate with thresholds
// (no further action, early help, referral, an immediate strategy discussion);
// accepted referrals go to a single assessment with a duration in working days and
// a statutory limit of 45 (EVIDENCE.md §2.3, FD-1 to FD-3). A MASH widens what
// screening sees to every agency's record; the history weight sets how much the
// child's past counts against "this incident alone" (FD-2, 000_0a3acfabeaeb94cf.txt
// §4.1; 002_5db1e8f627105674.txt ¶113–¶117).
#include <array>
#include <deque>

#include "models/agencies/agencies.hpp"
#include "models/casework/casework.hpp"
#include "models/child_protection/child_protection.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

// What screening did with a contact: the detail of a `contact` event (docs/output.md).
enum class ContactOutcome : int32_t { closed = 0, early_help = 1, referral = 2, to_open_case = 3, overridden = 4 };
inline constexpr std::array<const char*, 5> kContactOutcomeNames = {"closed", "early_help", "referral", "to_open_case",
                                                                    "overridden"};

class FrontDoor final : public Module {
 public:
  struct Params {
    double capacity_per_10k = 0, weekend_share = 0;
    bool mash = false;
    double history_weight = 0, override_to_close = 0;
    double early_help = 0, referral = 0, assessment = 0, immediate_strategy = 0;
    double in_need = 0, strategy = 0;
    double assessment_days = 0, assessment_shape = 0;
    int64_t statutory_days = 0;
  };

  FrontDoor(Casework& casework, Agencies& agencies, ChildProtection& cp)
      : casework_(casework), agencies_(agencies), cp_(cp) {}

  std::string_view name() const override { return "front_door"; }
  std::string_view summary() const override {
    return "contacts, screening queue and capacity, MASH, referral, single assessment and its outcomes";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override {}
  void plan_day(DayPlan&) override;
  void save(StateOut&) const override;
  void load(StateIn&) override;
  const Params& params() const { return p_; }

 private:
  struct Contact {
    AgentId child;
    uint32_t agency;
    int32_t arrived;
    SGSIM_STATE(child, agency, arrived)
  };
  void screen(World& w, const Contact& c);
  void start_assessment(World& w, AgentId c);
  void daily(World& w);

  Casework& casework_;
  Agencies& agencies_;
  ChildProtection& cp_;
  Params p_;
  std::deque<Contact> queue_;
  double carried_capacity_ = 0;
  AgendaKind assessment_due_;
  EventKind ev_contact_, ev_screened_, ev_assessed_;
  void log_contact(World& w, const Contact& ct, ContactOutcome outcome, double estimate = 0) const;
  MetricId m_contacts_, m_screened_, m_wait_, m_queue_, m_contact_nfa_, m_to_early_help_, m_referral_nfa_;
  MetricId m_assess_started_, m_assess_done_, m_not_in_need_, m_over_limit_, m_assess_days_;
};

}  // namespace sgsim::models
