#pragma once
// One child's path through the system, for trainers (sgsim trace): the child's
// events and traced decisions from one replicate, optionally beside a branch of
// the same run changed at a date (RunOptions::branch), with the point where the
// two timelines part, and the child's outcomes over many continuations from that
// date under each branch. The result is JSON that analysis/trace.py narrates as
// text and draws as a swimlane page, and that `sgsim serve` hands to its page.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/run/runner.hpp"

namespace sgsim {

struct TraceRequest {
  std::optional<AgentId> child;  // else the child with the most varied path in the replicate
  uint32_t replicate = 0;
  // The branch: a date (ISO) and the changes made on it; none for a plain trace.
  std::string branch_date;
  std::vector<std::pair<std::string, ParamValue>> changes;
  uint32_t continuations = 20;  // futures from the branch date under each branch
  double scale = 1.0;
};

// "DATE:PATH=VALUE" → (date, the validated change), for `sgsim trace --branch` and
// `sgsim serve`. The change is checked as a --set would be (type, range, nearest
// key) against the scenario it branches; run.* settings are refused. The date is
// not checked here: trace_branch_day does that.
std::pair<std::string, std::pair<std::string, ParamValue>> parse_branch(const std::string& text, const Scenario& scenario,
                                                                        const ParamRegistry& registry);

// The internal day of an ISO date within the scenario's output window; throws
// ScenarioError naming the date if it is not a date or lies outside the run.
int32_t trace_branch_day(const Scenario& scenario, const ModelFactory& factory, const std::string& date);

// Runs what the request asks and returns the trace document (docs/guide-trainers.md
// describes its fields).
nlohmann::json trace_child(const Scenario& scenario, const ModelFactory& factory, const TraceRequest& request);

}  // namespace sgsim
