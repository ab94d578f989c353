#pragma once
// Stylised-fact tests for the case-review vignettes (scenarios/vignettes/): run a
// vignette's preset for several replicates and keep what happened to its scripted
// children — their events and traced decisions, dated in days from the vignette's
// start_date (t0 of EVIDENCE.md §6; negative days are the burn-in). Each test then
// states a pattern from the review, the share of replicates that must show it and
// why, and, for the after-reforms preset, the direction the review claims.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sim/experiment/statistics.hpp"
#include "sim/params/registry.hpp"
#include "sim/schedule/events.hpp"
#include "sim/schedule/world.hpp"

namespace sgsim::testing {

// One scripted child's history in one replicate.
struct ChildHistory {
  std::vector<Event> events;              // day: days from start_date
  std::vector<World::TraceRecord> traces;  // day: days from start_date
  bool left = false;                       // left the population (turned 18, died, moved away) before the end
};

struct VignetteReplicate {
  std::vector<ChildHistory> children;  // in slot order (child_1 first)
  EventRegistry types;
  int32_t days = 0;  // the run's length (run.days)

  uint16_t kind(const std::string& name) const;  // throws if the model has no such kind
  // Events of a kind for child k, optionally only those whose detail passes `keep`,
  // with day in [from, to).
  std::vector<Event> events(size_t k, const std::string& kind_name, int32_t from = INT32_MIN, int32_t to = INT32_MAX,
                            const std::function<bool(const Event&)>& keep = {}) const;
  size_t count(size_t k, const std::string& kind_name, int32_t from = INT32_MIN, int32_t to = INT32_MAX,
               const std::function<bool(const Event&)>& keep = {}) const {
    return events(k, kind_name, from, to, keep).size();
  }
  // The first event of a kind (passing `keep`) on or after `from`: its day, or -1 if none.
  int32_t first(size_t k, const std::string& kind_name, int32_t from = INT32_MIN,
                const std::function<bool(const Event&)>& keep = {}) const;
  std::vector<World::TraceRecord> traces(size_t k, const std::string& kind_name, int32_t from = INT32_MIN,
                                         int32_t to = INT32_MAX) const;
  // A code's value by name for a kind whose code list is named like it (e.g.
  // code("status", "protection_plan")); throws if unknown.
  int32_t code(const std::string& list, const std::string& name) const;
};

// Run `replicates` replicates of a vignette preset (path relative to the source
// tree, e.g. "scenarios/vignettes/lena/as_was.yaml"), with optional settings on
// top (as --set would). The replicates are the scenario's own 0..n-1, so a test
// sees what `sgsim run` would.
std::vector<VignetteReplicate> run_vignette(const std::string& path, int replicates,
                                            const std::vector<std::pair<std::string, ParamValue>>& settings = {});

// run_vignette, run once per process for each (path, replicates, settings): a
// vignette's tests share one set of runs per preset.
const std::vector<VignetteReplicate>& cached_vignette(const std::string& path, int replicates,
                                                     const std::vector<std::pair<std::string, ParamValue>>& settings = {});

// Child k's statutory status (the `status` code) from the last status event
// before `day`; 0 (no case) if there is none.
int32_t status_before(const VignetteReplicate& r, size_t k, int32_t day);

// The most missing episodes of child k starting within any `window` days in [from, to).
size_t missing_burst(const VignetteReplicate& r, size_t k, int32_t from, int32_t to, int32_t window);

// Missing just after a move against missing in a settled placement, pooled over
// replicates for child k's placements starting in [0, end): `soon` is the share of
// placements with an episode on days [0, days) after they start; `settled` the
// share, among placements that last at least `later + days` days (or are the
// last), with an episode on days [later, later + days); and how many of each.
struct AfterMoves {
  double soon = 0, settled = 0, moves = 0, settled_placements = 0;
};
AfterMoves missing_after_moves(const std::vector<VignetteReplicate>& runs, size_t k, int32_t end, int32_t days,
                               int32_t later);

// "[ observed ] test: what as-was X, after reforms Y" (Y omitted when negative),
// so a test's log says what it measured.
void report(const char* test, const char* what, double as_was, double after = -1);
// "[ observed ] test: share with an episode on days 0-(days-1) X, days later-... Y"
// for missing_after_moves(..., days, later).
void report(const char* test, const AfterMoves& m, int32_t days, int32_t later);

// The share of replicates for which `pattern` holds.
double share(const std::vector<VignetteReplicate>& runs, const std::function<bool(const VignetteReplicate&)>& pattern);
// The mean over replicates of `value`.
double mean(const std::vector<VignetteReplicate>& runs, const std::function<double(const VignetteReplicate&)>& value);
// The paired difference after - as_was of `value`, replicate by replicate (the
// presets share their seeds, so the pairs share their draws until the presets
// differ): its mean, sd and 95% interval (sim/experiment/statistics.hpp).
SampleSummary paired(const std::vector<VignetteReplicate>& as_was, const std::vector<VignetteReplicate>& after,
                     const std::function<double(const VignetteReplicate&)>& value);

}  // namespace sgsim::testing
