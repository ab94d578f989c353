#pragma once
// Agencies that see children (EVIDENCE.md §2.1): police, schools, health (GP,
// emergency department, sexual health, CAMHS), the family, and housing or voluntary
// services. Each sees a share of a child's true harm events, keeps its own record
// of the child, shares what it records with other agencies with a probability and
// a delay, and makes a contact to the front door when its concern crosses its own
// referral threshold. No agency sees the true hazard; most failures in the reviews
// are information that existed somewhere but not where the decision was made
// (EVIDENCE.md §1.2 point 6; 004_cfad9db42d4b51c9.txt ¶4.6.2).
#include <array>

#include "models/agencies/record_blocks.hpp"
#include "models/casework/casework.hpp"
#include "sim/schedule/module.hpp"

namespace sgsim::models {

inline constexpr size_t kAgencies = 8;
inline constexpr size_t kPolice = 0;  // index of police in kAgencyNames
inline constexpr size_t kSchool = 1, kGp = 2, kEmergencyDepartment = 3, kSexualHealth = 4, kCamhs = 5;
inline constexpr std::array<const char*, kAgencies> kAgencyNames = {
    "police", "school", "gp", "emergency_department", "sexual_health", "camhs", "family", "housing_voluntary"};

class Agencies final : public Module {
 public:
  struct AgencyParams {
    std::vector<double> sees;  // share of true events seen, by harm category
    int64_t min_age = 0, max_age = 17;
    double threshold = 0, contact_delay = 0, contact_probability = 1;
  };
  struct Params {
    std::array<AgencyParams, kAgencies> agency;
    double half_life = 0, share_between = 0, share_delay = 0, share_with_case_holder = 0, recontact_days = 0;
    double batted_back = 1;
    double domestic_abuse_notifications = 0;
  };

  Agencies(Casework& casework, const Population& pop, const FamilyRisk& risk)
      : casework_(casework), pop_(pop), risk_(risk) {}

  std::string_view name() const override { return "agencies"; }
  std::string_view summary() const override {
    return "agencies that see children: what each sees of true harm, its own record, sharing, contacts to the front door";
  }
  void declare_parameters(ParamDeclarer&) override;
  void declare_state(World&) override;
  void initialise(World&) override {}
  void plan_day(DayPlan&) override;
  void save(StateOut&) const override;
  void load(StateIn&) override;

  // Today's contacts arrive under this agenda kind, the payload naming the agency.
  AgendaKind contact_kind() const { return contact_; }
  // Ask for the child's records ahead of their use (loops over many children).
  void prefetch_records(const World& w, AgentId c) const { records_.prefetch(w.children[first_record_][c]); }
  // What an agency knows and has not yet passed on; passing it marks it reported.
  double take_unreported(const World& w, AgentId c, size_t agency);
  // The same from every agency but one, added up in agency order (a MASH
  // gathering what partners hold): one walk of the child's records, not one each.
  double take_unreported_from_others(const World& w, AgentId c, size_t except);
  double concern(const World& w, AgentId c, size_t agency) const;
  // The front door closed this agency's contact: it reports less readily (FD-9).
  void batted_back(const World& w, AgentId c, size_t agency);
  AgencyId id(size_t agency) const { return ids_[agency]; }
  // Another module's event that an agency records (an exploitation harm it saw, a
  // missing episode, an arrest), as a harm of `category` for its severity: the
  // agency's own record, its sharing and its contact rule as for any event.
  void notice(World& w, AgentId c, size_t agency, int32_t category, StreamId stream);
  // A true harm event of `category`: each agency sees it with its share, records
  // it and passes it on. True if any agency saw it.
  bool see(World& w, AgentId c, int32_t category, Draws& d);

 private:
  // Far enough in the past that "days since" cannot overflow.
  static constexpr int32_t kNeverContacted = -1'000'000;
  // What an agency holds about a child: 24 bytes. The tag (its agency, and the
  // size of the child's block) belongs to the store (record_blocks.hpp).
  struct Record {
    float concern = 0, reported = 0, threshold_factor = 1;
    int32_t day = 0, last_contact = kNeverContacted;
    uint32_t tag = 0;
    SGSIM_STATE(concern, reported, threshold_factor, day, last_contact, tag)
  };
  using Records = RecordBlocks<Record>;
  static_assert(kAgencies <= Records::kMaxRecords);
  static size_t agency(const Record& r) { return Records::key(r); }
  Record* find(const World& w, AgentId c, size_t a);
  const Record* find(const World& w, AgentId c, size_t a) const;
  Record& add_record(World& w, AgentId c, size_t a);  // the reference lasts until the next record is added
  void drop_records(World& w, AgentId c);
  void decay(Record& r, int32_t today) const;
  double take_unreported(Record& r, int32_t today) const;  // decays it; what it has not passed on
  // How an agency came to record an event (for traces: agency_saw's codes).
  enum class Source : uint8_t { unseen, saw_harm, told_by_agency, noticed, domestic_abuse };
  // `earliest`: the first day, from today, a contact or share may be filed for.
  void record(World& w, AgentId c, size_t a, int32_t category, Draws& d, Source source, int32_t earliest = 0);
  bool observe(World& w, AgentId c, int32_t category, Draws& d, int32_t earliest = 0);
  static constexpr int32_t kLater = 1;  // a later module's event: today's contacts are already read
  void domestic_abuse_notifications(World& w);
  void daily(World& w);

  Casework& casework_;
  const Population& pop_;
  const FamilyRisk& risk_;
  Params p_;
  Col<uint32_t> first_record_;  // children: the first of the child's block of records, or Records::kNone
  Records records_;             // every child's block of records
  std::array<AgencyId, kAgencies> ids_{};
  // Traced observations and decisions (World::trace).
  EventKind ev_saw_, ev_contact_decision_, ev_share_;
  AgendaKind contact_, share_;
  MetricId m_observed_, m_da_notifications_;
  std::array<MetricId, kAgencies> m_contacts_by_{};
};

}  // namespace sgsim::models
