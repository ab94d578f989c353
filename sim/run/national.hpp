#pragma once
// A national run: England (or any set of authorities) as one World per local
// authority, each with its own size, deprivation and local policies from a table
// (docs/authorities.md), stepped together day by day and sharing national
// services (sim/schedule/nation.hpp) such as the placement market and the pool of
// secure beds. Each day:
//   1. every authority's arrivals, households, children and agencies phases,
//      authorities in parallel: each World is its own until the day's end, and
//      national services are only read meanwhile (Nation::concurrent) — work that
//      would change one (a placement search, a place given up) waits for step 2;
//   2. the national services' daily work, one authority after another in table
//      order (the placement searches of the day, then a secure bed to the longest
//      waiting), so that they see requests in a fixed order;
//   3. every authority's accounting, in parallel.
// The national series is the sum over authorities (an average is weighted by
// what it is an average over; a maximum is the largest: MetricInfo::aggregate).
// Results do not depend on the thread count.
#include <string>
#include <vector>

#include "sim/run/runner.hpp"

namespace sgsim {

// The table of authorities, read and checked against the parameter registry.
struct AuthorityTable {
  std::string file;
  std::vector<AuthorityInfo> authorities;
  // Per authority: the parameter values its row sets (dotted-path columns), with
  // where in the file each came from.
  std::vector<std::vector<std::pair<std::string, ParamValue>>> overrides;
  std::vector<std::vector<Origin>> origins;
};

// Reads a CSV table: a header row, then one row per authority. `code` and
// `name` are required; `region`, `x_km` and `y_km` are read when present; any
// other column without a dot is a numeric measure kept for the model (e.g.
// `provision_weight`); a column with a dot is a parameter path applied to that
// authority. Errors throw ScenarioError naming the file, line and column (and the
// nearest parameter for an unknown one).
AuthorityTable load_authority_table(const std::string& path, const ParamRegistry& registry);

// One replicate of a national scenario (scenario.authorities set).
ReplicateResult run_national_replicate(const Scenario& scenario, const ModelFactory& factory, uint32_t replicate,
                                       const RunOptions& options, std::vector<MetricInfo>* metrics,
                                       EventRegistry* event_types);

}  // namespace sgsim
