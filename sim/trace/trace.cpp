#include "sim/trace/trace.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "sim/calendar/calendar.hpp"

namespace sgsim {
namespace {

using nlohmann::json;

// One run's view of the traced child.
struct ChildRun {
  std::vector<Event> events;               // the child's events, in log order
  std::vector<World::TraceRecord> traces;  // the child's traced decisions
  EventRegistry types;
  Date start{};              // the calendar's first day (burn-in included)
  int32_t record_from = 0;   // internal day of output day 0
  int32_t days = 0;          // internal days simulated
  int32_t birth_day = 0;     // internal day
  int sex = 0;
};

ChildRun run_for_child(const Scenario& sc, const ModelFactory& factory, const TraceRequest& rq, AgentId child,
                       std::optional<Branch> branch, bool keep_traces) {
  RunOptions o;
  o.scale = rq.scale;
  o.keep_event_log = true;
  o.branch = std::move(branch);
  if (keep_traces) o.traced_children = {child};
  Simulation sim(sc, factory, rq.replicate, o);
  while (!sim.done()) sim.step();
  World& w = sim.world();
  ChildRun r;
  for (const Event& e : w.event_log)  // the log's days count from start_date; here, internal days
    if (e.child == child) r.events.push_back(Event{e.day + w.record_from, e.child, e.kind, e.agency, e.detail});
  for (const auto& t : w.trace_log)  // a vignette traces all its children: keep this one's
    if (t.child == child) r.traces.push_back(t);
  r.types = w.event_types;
  r.start = w.calendar.start();
  r.record_from = w.record_from;
  r.days = sim.days();
  if (child < w.children.rows()) {
    r.birth_day = w.children[w.children.find<int32_t>("birth_day")][child];
    r.sex = w.children[w.children.find<uint8_t>("sex")][child];
  }
  return r;
}

// The child with the most varied path: most distinct event kinds, then most
// events, then the lowest id (deterministic).
AgentId most_varied_child(const std::vector<Event>& log) {
  std::map<AgentId, std::pair<std::set<uint16_t>, size_t>> seen;
  for (const Event& e : log) {
    auto& s = seen[e.child];
    s.first.insert(e.kind);
    ++s.second;
  }
  AgentId best = 0;
  std::pair<size_t, size_t> score{0, 0};
  for (const auto& [c, s] : seen) {
    const std::pair<size_t, size_t> sc{s.first.size(), s.second};
    if (sc > score) score = sc, best = c;
  }
  return best;
}

int kind_index(const EventRegistry& t, const std::string& name) {
  for (size_t k = 0; k < t.kinds().size(); ++k)
    if (t.kinds()[k].name == name) return static_cast<int>(k);
  return -1;
}

int code_index(const EventRegistry& t, const std::string& list, const std::string& name) {
  for (const auto& [l, names] : t.codes())
    if (l == list)
      for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return static_cast<int>(i);
  return -1;
}

size_t code_count(const EventRegistry& t, const std::string& list) {
  for (const auto& [l, names] : t.codes())
    if (l == list) return names.size();
  return 0;
}

// The child's timeline: traced decisions and events merged by day (a day's
// decisions before what they led to), as JSON records.
json timeline(const ChildRun& r) {
  json out = json::array();
  size_t i = 0, j = 0;
  auto record = [&](int32_t day, uint16_t kind, uint16_t agency, int32_t detail) {
    json x;
    x["day"] = day - r.record_from;
    x["date"] = format_iso(Date{r.start.serial + day});
    x["kind"] = r.types.kinds()[kind].name;
    x["agency"] = r.types.agencies()[agency].name;
    x["detail"] = detail;
    return x;
  };
  while (i < r.traces.size() || j < r.events.size()) {
    const bool take_trace = i < r.traces.size() && (j >= r.events.size() || r.traces[i].day <= r.events[j].day);
    if (take_trace) {
      const auto& t = r.traces[i++];
      json x = record(t.day, t.kind, t.agency, t.detail);
      x["estimate"] = t.estimate;
      x["threshold"] = t.threshold;
      x["workload"] = t.workload;
      out.push_back(std::move(x));
    } else {
      const Event& e = r.events[j++];
      out.push_back(record(e.day, e.kind, e.agency, e.detail));
    }
  }
  return out;
}

// What happened to the child from the branch day to the end of the run.
struct Outcome {
  double harm = 0, days_exploited = 0, missing = 0, moves = 0;
  std::optional<double> days_to_protection;
};

Outcome outcome(const ChildRun& r, int32_t from) {
  const EventRegistry& t = r.types;
  const int harm = kind_index(t, "harm"), harm_x = kind_index(t, "exploitation_harm"),
            stage = kind_index(t, "exploitation_stage"), missing = kind_index(t, "missing"),
            placement = kind_index(t, "placement"), status = kind_index(t, "status"),
            flagged = kind_index(t, "exploitation_recognised");
  const int exploited = code_index(t, "exploitation_stage", "exploited");
  const int stages = static_cast<int>(std::max<size_t>(1, code_count(t, "exploitation_stage")));
  const int plan = code_index(t, "status", "protection_plan"), looked_after = code_index(t, "status", "looked_after");
  Outcome o;
  bool is_exploited = false, protected_before = false;
  int32_t exploited_since = from;
  auto protect = [&](int32_t day) {
    if (!o.days_to_protection) o.days_to_protection = std::max(0, day - from);
  };
  for (const Event& e : r.events) {
    const int k = e.kind;
    const bool after = e.day >= from;
    if (k == stage) {
      const bool now = e.detail % stages == exploited;
      if (is_exploited && !now && after) o.days_exploited += e.day - std::max(exploited_since, from);
      if (!is_exploited && now) exploited_since = e.day;
      is_exploited = now;
    } else if (k == status) {
      const bool protected_now = e.detail == plan || e.detail == looked_after;
      if (!after) protected_before = protected_now;
      if (protected_now && after) protect(e.day);
    }
    if (!after) continue;
    if (k == harm || k == harm_x) o.harm += 1;
    if (k == missing) o.missing += 1;
    if (k == placement) o.moves += 1;
    if (k == flagged) protect(e.day);
  }
  if (protected_before) o.days_to_protection = 0;  // already on a plan or looked after on the branch day
  if (is_exploited) o.days_exploited += r.days - std::max(exploited_since, from);
  return o;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

json summary(const std::vector<double>& v) {
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(std::max<size_t>(1, v.size()));
  return {{"values", v},         {"mean", mean},
          {"p10", quantile(v, 0.1)}, {"median", quantile(v, 0.5)},
          {"p90", quantile(v, 0.9)}};
}

// The outcomes of each continuation under one arm, as columns.
json outcomes(const std::vector<Outcome>& runs, int32_t days_left) {
  std::vector<double> harm, exploited, missing, moves, protection;
  size_t protected_runs = 0;
  for (const Outcome& o : runs) {
    harm.push_back(o.harm);
    exploited.push_back(o.days_exploited);
    missing.push_back(o.missing);
    moves.push_back(o.moves);
    // Never protected: counted at the days left in the run (censored).
    protection.push_back(o.days_to_protection ? *o.days_to_protection : days_left);
    protected_runs += o.days_to_protection.has_value();
  }
  return {{"harm", summary(harm)},
          {"days_exploited", summary(exploited)},
          {"missing", summary(missing)},
          {"moves", summary(moves)},
          {"days_to_protection", summary(protection)},
          {"share_protected", runs.empty() ? 0.0 : static_cast<double>(protected_runs) / static_cast<double>(runs.size())}};
}

}  // namespace

// "DATE:PATH=VALUE" → (date, the validated change). The change is checked as a
// --set would be (type, range, nearest key), against the scenario it branches.
std::pair<std::string, std::pair<std::string, ParamValue>> parse_branch(const std::string& text, const Scenario& sc,
                                                                        const ParamRegistry& reg) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || text.find('=', colon) == std::string::npos)
    throw ScenarioError({"--branch", 0, 0}, "'" + text + "': expected DATE:PATH=VALUE, e.g. 2025-06-01:"
                                              "child_protection.defer_conference_for_investigation=false");
  const std::string date = text.substr(0, colon), assignment = text.substr(colon + 1);
  if (assignment.rfind("run.", 0) == 0)
    throw ScenarioError({"--branch", 0, 0}, "'" + assignment + "': run settings cannot change part-way through a run");
  Scenario probe = sc;
  apply_override(probe, assignment, reg);
  // Not overrides.back(): a parameter the scenario already sets is replaced where it
  // stands, so the change is found by its path.
  const std::string path = assignment.substr(0, assignment.find('='));
  return {date, {path, probe.value(reg, path)}};
}

int32_t trace_branch_day(const Scenario& sc, const ModelFactory& factory, const std::string& date) {
  auto model = bind_model(factory);
  model->registry.apply(sc.overrides);
  const RunSettings& rs = model->run;
  const auto d = parse_iso_date(date), start = parse_iso_date(rs.start_date);
  const Origin where{"--branch", 0, 0};
  if (!d) throw ScenarioError(where, "'" + date + "' is not a date (expected YYYY-MM-DD)");
  const int64_t day = d->serial - start->serial;
  if (day < 0 || day >= rs.days)
    throw ScenarioError(where, "the branch date " + date + " is outside the run (" + rs.start_date + " and the " +
                                   std::to_string(rs.days) + " days after it)");
  return static_cast<int32_t>(day + rs.burn_in_days);
}

json trace_child(const Scenario& sc, const ModelFactory& factory, const TraceRequest& rq) {
  AgentId child = 0;
  std::string chosen = "given";
  // A vignette's scripted children, first; else the most varied path in the run.
  RunOptions o;
  o.scale = rq.scale;
  o.keep_event_log = true;
  Simulation sim(sc, factory, rq.replicate, o);
  const std::vector<AgentId> scripted = sim.world().scripted_children;
  if (rq.child) {
    child = *rq.child;
  } else {
    if (!scripted.empty()) {
      child = sim.world().scripted_children.front();
      chosen = "the vignette's child";
    } else {
      while (!sim.done()) sim.step();
      child = most_varied_child(sim.world().event_log);
      chosen = "most varied path";
    }
  }
  const ChildRun as_run = run_for_child(sc, factory, rq, child, std::nullopt, true);
  json doc;
  doc["scenario"] = sc.name;
  doc["replicate"] = rq.replicate;
  doc["scripted_children"] = scripted;  // a vignette's children, in slot order (--child picks another)
  doc["start_date"] = format_iso(Date{as_run.start.serial + as_run.record_from});
  doc["child"] = {{"id", child},
                  {"sex", as_run.sex},
                  {"birth_date", format_iso(Date{as_run.start.serial + as_run.birth_day})},
                  {"chosen", chosen}};
  json kinds = json::object();
  for (const auto& k : as_run.types.kinds()) kinds[k.name] = k.meaning;
  doc["kinds"] = kinds;
  json codes = json::object();
  for (const auto& [list, names] : as_run.types.codes()) codes[list] = names;
  doc["codes"] = codes;
  doc["timelines"]["as_run"] = timeline(as_run);
  if (rq.branch_date.empty()) return doc;

  const int32_t day = trace_branch_day(sc, factory, rq.branch_date);
  doc["branch"] = {{"date", rq.branch_date}, {"day", day - as_run.record_from}};
  json changes = json::array();
  for (const auto& [path, value] : rq.changes) changes.push_back({{"path", path}, {"value", format_value(value)}});
  doc["branch"]["changes"] = changes;
  const ChildRun branched = run_for_child(sc, factory, rq, child, Branch{day, 0, rq.changes}, true);
  doc["timelines"]["branch"] = timeline(branched);
  const json& a = doc["timelines"]["as_run"];
  const json& b = doc["timelines"]["branch"];
  doc["divergence"] = nullptr;
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i)
    if (i >= a.size() || i >= b.size() || a[i] != b[i]) {
      // The earlier of the two records that differ: where the timelines part.
      std::string date = (i < a.size() ? a[i] : b[i])["date"];
      if (i < a.size() && i < b.size()) date = std::min(a[i]["date"].get<std::string>(), b[i]["date"].get<std::string>());
      doc["divergence"] = {{"index", i}, {"date", date}};
      break;
    }

  // Many futures from the branch date under each arm, paired by continuation.
  const uint32_t n = rq.continuations;
  std::vector<Outcome> keep(n), change(n);
  tbb::parallel_for(uint32_t{0}, 2 * n, [&](uint32_t i) {
    const uint32_t k = i / 2 + 1;
    const bool changed = i % 2 == 1;
    const ChildRun r = run_for_child(sc, factory, rq, child,
                                     Branch{day, k, changed ? rq.changes : decltype(rq.changes){}}, false);
    (changed ? change : keep)[k - 1] = outcome(r, day);
  });
  const int32_t days_left = as_run.days - day;
  doc["continuations"] = n;
  doc["outcomes"] = {{"as_run", outcomes(keep, days_left)}, {"branch", outcomes(change, days_left)}};
  return doc;
}

}  // namespace sgsim
