#include "tests/vignettes/vignette_history.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "models/model.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/scenario.hpp"

namespace sgsim::testing {

uint16_t VignetteReplicate::kind(const std::string& name) const {
  const auto& kinds = types.kinds();
  for (size_t k = 0; k < kinds.size(); ++k)
    if (kinds[k].name == name) return static_cast<uint16_t>(k);
  throw std::logic_error("the model has no event kind '" + name + "'");
}

std::vector<Event> VignetteReplicate::events(size_t k, const std::string& kind_name, int32_t from, int32_t to,
                                             const std::function<bool(const Event&)>& keep) const {
  const uint16_t wanted = kind(kind_name);
  std::vector<Event> out;
  for (const Event& e : children.at(k).events)
    if (e.kind == wanted && e.day >= from && e.day < to && (!keep || keep(e))) out.push_back(e);
  return out;
}

int32_t VignetteReplicate::first(size_t k, const std::string& kind_name, int32_t from,
                                 const std::function<bool(const Event&)>& keep) const {
  const auto found = events(k, kind_name, from, INT32_MAX, keep);
  return found.empty() ? -1 : found.front().day;
}

std::vector<World::TraceRecord> VignetteReplicate::traces(size_t k, const std::string& kind_name, int32_t from,
                                                          int32_t to) const {
  const uint16_t wanted = kind(kind_name);
  std::vector<World::TraceRecord> out;
  for (const auto& t : children.at(k).traces)
    if (t.kind == wanted && t.day >= from && t.day < to) out.push_back(t);
  return out;
}

int32_t VignetteReplicate::code(const std::string& list, const std::string& name) const {
  for (const auto& [l, names] : types.codes())
    if (l == list) {
      const auto at = std::find(names.begin(), names.end(), name);
      if (at == names.end()) throw std::logic_error("code list '" + list + "' has no '" + name + "'");
      return static_cast<int32_t>(at - names.begin());
    }
  throw std::logic_error("the model has no code list '" + list + "'");
}

std::vector<VignetteReplicate> run_vignette(const std::string& path, int replicates,
                                            const std::vector<std::pair<std::string, ParamValue>>& settings) {
  auto model = bind_model(models::make_modules);
  Scenario sc = load_scenario(std::string(SGSIM_SOURCE_DIR) + "/" + path, model->registry);
  for (const auto& [key, value] : settings) sc.set(key, value, {});
  RunOptions o;
  o.keep_event_log = true;
  std::vector<VignetteReplicate> runs;
  for (int r = 0; r < replicates; ++r) {
    Simulation sim(sc, models::make_modules, static_cast<uint32_t>(r), o);
    while (!sim.done()) sim.step();
    World& w = sim.world();
    VignetteReplicate run;
    run.types = w.event_types;
    run.days = w.today - w.record_from;
    for (AgentId c : w.scripted_children) {
      ChildHistory h;
      // The event log counts from start_date already; traces in internal days.
      for (const Event& e : w.event_log)
        if (e.child == c) h.events.push_back(e);
      for (auto t : w.trace_log)
        if (t.child == c) {
          t.day -= w.record_from;
          h.traces.push_back(t);
        }
      h.left = !w.children.active(c);
      run.children.push_back(std::move(h));
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

const std::vector<VignetteReplicate>& cached_vignette(const std::string& path, int replicates,
                                                     const std::vector<std::pair<std::string, ParamValue>>& settings) {
  static std::map<std::string, std::vector<VignetteReplicate>> cache;
  std::string key = path + "#" + std::to_string(replicates);
  for (const auto& [k, v] : settings) key += "#" + k + "=" + format_value(v);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, run_vignette(path, replicates, settings)).first;
  return it->second;
}

int32_t status_before(const VignetteReplicate& r, size_t k, int32_t day) {
  const auto before = r.events(k, "status", INT32_MIN, day);
  return before.empty() ? 0 : before.back().detail;
}

size_t missing_burst(const VignetteReplicate& r, size_t k, int32_t from, int32_t to, int32_t window) {
  const auto m = r.events(k, "missing", from, to);
  size_t best = 0;
  for (size_t i = 0, j = 0; i < m.size(); ++i) {  // m is in day order: a sliding window
    while (m[j].day + window <= m[i].day) ++j;
    best = std::max(best, i - j + 1);
  }
  return best;
}

AfterMoves missing_after_moves(const std::vector<VignetteReplicate>& runs, size_t k, int32_t end, int32_t days,
                               int32_t later) {
  AfterMoves a;
  double soon = 0, settled = 0;
  for (const auto& r : runs) {
    const auto list = r.events(k, "placement", 0, end);
    for (size_t i = 0; i < list.size(); ++i) {
      const int32_t start = list[i].day;
      a.moves += 1;
      soon += r.count(k, "missing", start, start + days) > 0 ? 1 : 0;
      if (i + 1 == list.size() || list[i + 1].day >= start + later + days) {
        a.settled_placements += 1;
        settled += r.count(k, "missing", start + later, start + later + days) > 0 ? 1 : 0;
      }
    }
  }
  a.soon = a.moves > 0 ? soon / a.moves : 0;
  a.settled = a.settled_placements > 0 ? settled / a.settled_placements : 0;
  return a;
}

void report(const char* test, const char* what, double as_was, double after) {
  if (after < 0)
    std::printf("[ observed ] %s: %s %.2f\n", test, what, as_was);
  else
    std::printf("[ observed ] %s: %s as-was %.2f, after reforms %.2f\n", test, what, as_was, after);
}

void report(const char* test, const AfterMoves& m, int32_t days, int32_t later) {
  std::printf("[ observed ] %s: share with an episode on days 0-%d %.2f, days %d-%d %.2f\n", test, days - 1, m.soon,
              later, later + days - 1, m.settled);
}

double share(const std::vector<VignetteReplicate>& runs, const std::function<bool(const VignetteReplicate&)>& pattern) {
  if (runs.empty()) return 0;
  return static_cast<double>(std::count_if(runs.begin(), runs.end(), pattern)) / static_cast<double>(runs.size());
}

double mean(const std::vector<VignetteReplicate>& runs, const std::function<double(const VignetteReplicate&)>& value) {
  double sum = 0;
  for (const auto& r : runs) sum += value(r);
  return runs.empty() ? 0 : sum / static_cast<double>(runs.size());
}

SampleSummary paired(const std::vector<VignetteReplicate>& as_was, const std::vector<VignetteReplicate>& after,
                     const std::function<double(const VignetteReplicate&)>& value) {
  if (as_was.size() != after.size()) throw std::invalid_argument("paired: the presets ran different replicate counts");
  Eigen::VectorXd x(static_cast<Eigen::Index>(as_was.size())), y(x.size());
  for (Eigen::Index r = 0; r < x.size(); ++r) {
    x[r] = value(as_was[static_cast<size_t>(r)]);
    y[r] = value(after[static_cast<size_t>(r)]);
  }
  return paired_difference(x, y);
}

}  // namespace sgsim::testing
