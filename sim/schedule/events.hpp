#pragma once
// Typed events that modules emit (a harm event, later a referral, a placement
// move…). Events of one day are available to the phases that follow on that day,
// and are kept in the run's event log when the user asks for one.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/storage/columns.hpp"

namespace sgsim {

struct EventKind {
  uint16_t index = UINT16_MAX;
};
struct AgencyId {
  uint16_t index = 0;  // 0 = no agency (a true event nobody recorded)
};

struct Event {
  int32_t day;
  AgentId child;
  uint16_t kind;
  uint16_t agency;
  int32_t detail;  // kind-specific code (e.g. the category of harm)
  SGSIM_STATE(day, child, kind, agency, detail)
};
// The child an event is about: loops over a day's events visit its row
// (visit_linked_rows).
inline AgentId agent_of(const Event& e) { return e.child; }

struct NamedCode {
  std::string name, meaning;
};

class EventRegistry {
 public:
  EventRegistry() { agencies_.push_back({"none", "no agency: the event happened but was not recorded"}); }
  EventKind add_kind(std::string name, std::string meaning) {
    kinds_.push_back({std::move(name), std::move(meaning)});
    return EventKind{static_cast<uint16_t>(kinds_.size() - 1)};
  }
  AgencyId add_agency(std::string name, std::string meaning) {
    agencies_.push_back({std::move(name), std::move(meaning)});
    return AgencyId{static_cast<uint16_t>(agencies_.size() - 1)};
  }
  // A vocabulary that an event's detail indexes (placement types, their SSDA903
  // codes, statuses): kept in the run file beside the log so that readers use the
  // model's own lists rather than copies of them.
  template <class Names>  // any range of things a std::string can be made from
  void add_codes(std::string list, const Names& names) {
    std::vector<std::string> codes;
    for (const auto& n : names) codes.emplace_back(n);
    codes_.emplace_back(std::move(list), std::move(codes));
  }
  const std::vector<NamedCode>& kinds() const { return kinds_; }
  const std::vector<NamedCode>& agencies() const { return agencies_; }
  const std::vector<std::pair<std::string, std::vector<std::string>>>& codes() const { return codes_; }

 private:
  std::vector<NamedCode> kinds_;
  std::vector<NamedCode> agencies_;
  std::vector<std::pair<std::string, std::vector<std::string>>> codes_;
};

}  // namespace sgsim
