#include "sim/cli/serve_command.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "sim/calendar/calendar.hpp"
#include "sim/cli/analysis_commands.hpp"
#include "sim/run/runner.hpp"
#include "sim/trace/trace.hpp"

namespace sgsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint32_t kMaxContinuations = 50;  // a trainer waits for the answer; 2 × 50 runs is plenty
constexpr uint32_t kDefaultContinuations = 10;
constexpr int64_t kMaxReplicate = 100000;     // as `sgsim trace --replicate`
constexpr int64_t kMaxChild = 4294967294;     // as `sgsim trace --child`

// A request the trainer (or a script) got wrong: answered 400 with the message.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ScenarioEntry {
  std::string id;    // what the page shows and sends back: never a path the client chose
  std::string path;  // the file on disk
};

std::vector<fs::path> yaml_files(const fs::path& dir, bool recursive) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  auto take = [&](const fs::directory_entry& e) {
    if (e.is_regular_file(ec) && e.path().extension() == ".yaml") out.push_back(e.path());
  };
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec))
      take(e);
  } else {
    for (const auto& e : fs::directory_iterator(dir, ec)) take(e);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The scenario files a trainer may pick. Listed afresh on every request, so a
// vignette added while the server runs appears on the next page load, and a file
// is runnable only if it is in this list (the client sends an id, not a path).
std::vector<ScenarioEntry> list_scenarios(const ServeArgs& a) {
  std::vector<ScenarioEntry> out;
  std::set<std::string> seen, ids;
  auto add = [&](std::string id, const fs::path& p) {
    const std::string abs = fs::weakly_canonical(fs::absolute(p)).string();
    if (!ids.insert(id).second) id = abs;  // two folders of one name: the full path tells them apart
    if (seen.insert(abs).second) out.push_back({id, abs});
  };
  if (!a.scenario_dirs.empty()) {
    // Named by folder and file ("scenarios/england.yaml"), not by the full path.
    for (const auto& d : a.scenario_dirs) {
      const fs::path dir = fs::weakly_canonical(fs::absolute(d));
      for (const auto& f : yaml_files(dir, false)) add((dir.filename() / f.filename()).string(), f);
    }
    return out;
  }
  // The vignettes are written for training; until there are any, the local
  // scenarios stand in (their subfolders are options and variants of them).
  const fs::path src = SGSIM_SOURCE_DIR;
  auto files = yaml_files(src / "scenarios" / "vignettes", true);
  // A vignette's child.yaml is the base its presets extend; a trainer runs the
  // presets, as-was first.
  files.erase(std::remove_if(files.begin(), files.end(), [](const fs::path& f) { return f.filename() == "child.yaml"; }),
              files.end());
  std::stable_sort(files.begin(), files.end(), [](const fs::path& x, const fs::path& y) {
    if (x.parent_path() != y.parent_path()) return x.parent_path() < y.parent_path();
    return (x.filename() != "as_was.yaml") < (y.filename() != "as_was.yaml");
  });
  if (files.empty()) files = yaml_files(src / "scenarios" / "local", false);
  for (const auto& f : files) add(f.lexically_relative(src).string(), f);
  return out;
}

ScenarioEntry find_scenario(const ServeArgs& a, const json& id) {
  if (!id.is_string() || id.get<std::string>().empty())
    throw BadRequest("'scenario' must name one of the files GET /api/scenarios lists");
  for (auto& e : list_scenarios(a))
    if (e.id == id.get<std::string>()) return e;
  throw BadRequest(fmt::format("unknown scenario '{}': pick one of the files GET /api/scenarios lists",
                               id.get<std::string>()));
}

// The scenario as the server runs it: the file, then the server's --set values.
Scenario load(const ServeArgs& a, const ScenarioEntry& e, const ParamRegistry& reg) {
  Scenario sc = load_scenario(e.path, reg);
  for (const auto& s : a.sets) apply_override(sc, s, reg);
  return sc;
}

json to_json(const ParamValue& v) {
  return std::visit([](const auto& x) { return json(x); }, v);
}

// A JSON value as the text a --set would carry (it is read back as YAML).
std::string value_text(const json& v, const std::string& where) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean() || v.is_number() || v.is_array()) return v.dump();
  throw BadRequest(where + ": the value must be a number, true/false or one of the choices");
}

bool is_lever(const ParamSpec& s) {
  if (s.module() == "run") return false;  // run settings cannot change part-way through a run
  switch (s.type) {
    case ParamType::boolean:
    case ParamType::choice: return true;
    case ParamType::real:
    case ParamType::integer: return std::isfinite(s.min) && std::isfinite(s.max) && s.min < s.max;
    default: return false;  // lists and dates have no single control on a page
  }
}

struct RunWindow {
  std::string start_date, end_date;
  int64_t days = 0, replicates = 0;
};

RunWindow run_window(const Scenario& sc, const ModelFactory& factory) {
  auto model = bind_model(factory);
  model->registry.apply(sc.overrides);
  RunWindow w{model->run.start_date, model->run.start_date, model->run.days, model->run.replicates};
  if (auto d = parse_iso_date(w.start_date)) w.end_date = format_iso(Date{d->serial + static_cast<int32_t>(w.days) - 1});
  return w;
}

json scenarios_json(const ServeArgs& a, const ModelFactory& factory) {
  json list = json::array();
  for (const auto& e : list_scenarios(a)) {
    json x = {{"id", e.id}};
    // A file that does not load is still listed, with its error, so that a
    // trainer sees why a vignette being written cannot be picked yet.
    try {
      auto model = bind_model(factory);
      const Scenario sc = load(a, e, model->registry);
      x["name"] = sc.name;
      x["description"] = sc.description;
    } catch (const std::exception& ex) {
      x["error"] = ex.what();
    }
    list.push_back(std::move(x));
  }
  json fixed = json::array();
  for (const auto& s : a.sets) fixed.push_back(s);
  return {{"scenarios", list}, {"fixed", fixed}, {"scale", a.scale}};
}

json levers_json(const ServeArgs& a, const ModelFactory& factory, const std::string& id) {
  const ScenarioEntry e = find_scenario(a, id);
  auto model = bind_model(factory);
  const Scenario sc = load(a, e, model->registry);
  // Where each value was set: the file itself, a file it extends, or the server's --set.
  std::map<std::string, std::string> set_in;
  for (size_t i = 0; i < sc.overrides.size(); ++i) set_in[sc.overrides[i].first] = sc.origins[i].file;

  std::map<std::string, json> modules;  // module name → its levers
  std::vector<std::string> order, featured;
  for (const auto& s : model->registry.specs()) {
    if (!is_lever(s)) continue;
    const std::string mod = s.module();
    if (!modules.count(mod)) order.push_back(mod), modules[mod] = json::array();
    json x = {{"path", s.path},
              {"type", to_string(s.type)},
              {"value", to_json(sc.value(model->registry, s.path))},
              {"default", to_json(s.default_value)},
              {"unit", s.unit},
              {"meaning", s.meaning},
              {"provenance", to_string(s.provenance)},
              {"source", s.source}};
    if (s.type == ParamType::real || s.type == ParamType::integer) x["min"] = s.min, x["max"] = s.max;
    if (s.type == ParamType::choice) x["choices"] = s.choices;
    const auto where = set_in.find(s.path);
    const bool in_file = where != set_in.end() && where->second == e.path;
    x["set_in_scenario"] = in_file;
    if (where != set_in.end()) x["set_in"] = fs::path(where->second).filename().string();
    if (in_file) featured.push_back(s.path);
    modules[mod].push_back(std::move(x));
  }
  // What the vignette itself sets is what it is about: those modules first and,
  // within a module, those parameters first; everything else stays available.
  auto has_featured = [&](const std::string& m) {
    return std::any_of(modules[m].begin(), modules[m].end(), [](const json& x) { return x["set_in_scenario"] == true; });
  };
  std::stable_partition(order.begin(), order.end(), has_featured);
  std::map<std::string, std::string> summaries;
  for (const auto& m : model->modules) summaries[std::string(m->name())] = std::string(m->summary());
  json groups = json::array();
  for (const auto& m : order) {
    auto& v = modules[m];
    std::stable_partition(v.begin(), v.end(), [](const json& x) { return x["set_in_scenario"] == true; });
    groups.push_back({{"module", m}, {"summary", summaries[m]}, {"levers", v}});
  }
  const RunWindow w = run_window(sc, factory);
  return {{"scenario", e.id},    {"name", sc.name},         {"description", sc.description},
          {"start_date", w.start_date}, {"end_date", w.end_date}, {"days", w.days},
          {"replicates", w.replicates}, {"featured", featured}, {"modules", groups}};
}

int64_t integer_field(const json& body, const char* key, int64_t fallback, int64_t lo, int64_t hi) {
  if (!body.contains(key) || body[key].is_null()) return fallback;
  const json& v = body[key];
  // A page's JSON may carry 3 as 3.0, so a whole float is taken; the bounds here
  // are far inside the doubles that hold whole numbers exactly.
  if (!v.is_number()) throw BadRequest(fmt::format("'{}' must be a whole number", key));
  const double x = v.get<double>();
  if (x != std::floor(x)) throw BadRequest(fmt::format("'{}' must be a whole number", key));
  if (x < static_cast<double>(lo) || x > static_cast<double>(hi))
    throw BadRequest(fmt::format("'{}' = {} is out of range: expected {} – {}", key, v.dump(), lo, hi));
  return static_cast<int64_t>(x);
}

// Each record's lane and sentence as `sgsim trace` tells them (analysis/trace.py
// --annotate), so the page and the terminal tell one story. If Python cannot run,
// the page falls back to its own shorter wording.
json with_words(json doc) {
  const fs::path dir = fs::temp_directory_path();
  std::string in = (dir / "sgsim-serve-XXXXXX").string();
  const int fd = ::mkstemp(in.data());
  if (fd < 0) return doc;
  ::close(fd);
  const std::string out = in + ".words";
  {
    std::ofstream f(in);
    f << doc.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (run_python("analysis.trace", {in, "--annotate", out}) == 0) {
    try {
      std::ifstream f(out);
      doc = json::parse(f);
    } catch (const json::exception& e) {
      std::cerr << "sgsim serve: the narration could not be read: " << e.what() << "\n";
    }
  } else {
    std::cerr << "sgsim serve: analysis.trace --annotate failed; the page words the records itself\n";
  }
  std::error_code ec;
  fs::remove(in, ec);
  fs::remove(out, ec);
  return doc;
}

// Serialises the runs: one trace at a time keeps the machine's cores for that
// run (trace_child spreads its continuations over them) and the answer times
// predictable in a training room. Other requests (the page, lists) do not wait.
std::mutex g_run_mutex;

json trace_json(const ServeArgs& a, const ModelFactory& factory, const std::string& text) {
  json body;
  try {
    body = json::parse(text);
  } catch (const json::parse_error& e) {
    throw BadRequest(std::string("the request body is not valid JSON: ") + e.what());
  }
  if (!body.is_object()) throw BadRequest("the request body must be a JSON object");
  static const std::set<std::string> known = {"scenario", "child", "replicate", "date", "changes", "continuations", "sets"};
  for (const auto& [k, v] : body.items())
    if (!known.count(k)) throw BadRequest(fmt::format("unknown field '{}' (expected: scenario, child, replicate, date, "
                                                      "changes, continuations, sets)", k));

  const ScenarioEntry e = find_scenario(a, body.value("scenario", json()));
  auto model = bind_model(factory);
  const ParamRegistry& reg = model->registry;
  Scenario sc = load(a, e, reg);

  // Settings from the start (a smaller population or a shorter run for a quick look).
  if (body.contains("sets")) {
    if (!body["sets"].is_array()) throw BadRequest("'sets' must be a list of \"PATH=VALUE\" texts");
    for (size_t i = 0; i < body["sets"].size(); ++i) {
      const json& s = body["sets"][i];
      if (!s.is_string()) throw BadRequest(fmt::format("sets[{}] must be a \"PATH=VALUE\" text", i));
      try {
        apply_override(sc, s.get<std::string>(), reg);
      } catch (const ScenarioError& ex) {
        throw BadRequest(fmt::format("sets[{}] ({}): {}", i, s.get<std::string>(), ex.message()));
      }
    }
  }

  TraceRequest rq;
  rq.scale = a.scale;
  if (body.contains("child") && !body["child"].is_null())
    rq.child = static_cast<AgentId>(integer_field(body, "child", 0, 0, kMaxChild));
  rq.replicate = static_cast<uint32_t>(integer_field(body, "replicate", 0, 0, kMaxReplicate));
  rq.continuations = static_cast<uint32_t>(integer_field(body, "continuations", kDefaultContinuations, 1, kMaxContinuations));

  const json date = body.value("date", json());
  if (!date.is_null() && !date.is_string()) throw BadRequest("'date' must be a date text, YYYY-MM-DD");
  const std::string d = date.is_string() ? date.get<std::string>() : "";
  const json changes = body.value("changes", json::array());
  if (!changes.is_array()) throw BadRequest("'changes' must be a list of {\"path\": ..., \"value\": ...}");
  if (!changes.empty() && d.empty()) throw BadRequest("changes need a 'date' on which to make them");
  if (!d.empty()) {
    // parse_branch reads "DATE:PATH=VALUE", so a colon in the date is refused first.
    if (d.find(':') != std::string::npos) throw BadRequest("date: '" + d + "' is not a date (expected YYYY-MM-DD)");
    try {
      trace_branch_day(sc, factory, d);  // a bad date fails before anything runs
    } catch (const ScenarioError& ex) {
      throw BadRequest("date: " + ex.message());
    }
    rq.branch_date = d;
  }
  for (size_t i = 0; i < changes.size(); ++i) {
    const json& c = changes[i];
    const std::string where = fmt::format("changes[{}]", i);
    if (!c.is_object() || !c.contains("path") || !c["path"].is_string() || !c.contains("value"))
      throw BadRequest(where + " must be {\"path\": \"module.parameter\", \"value\": ...}");
    const std::string path = c["path"].get<std::string>();
    const std::string value = value_text(c["value"], where + " (" + path + ")");
    try {
      rq.changes.push_back(parse_branch(d + ":" + path + "=" + value, sc, reg).second);
    } catch (const ScenarioError& ex) {
      throw BadRequest(fmt::format("{} ({} = {}): {}", where, path, value, ex.message()));
    }
  }

  std::lock_guard<std::mutex> lock(g_run_mutex);
  const auto t0 = std::chrono::steady_clock::now();
  json doc = trace_child(sc, factory, rq);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << fmt::format("sgsim serve: traced {} (child {}, replicate {}{}) in {:.1f} s\n", e.id,
                           doc["child"]["id"].get<int64_t>(), rq.replicate,
                           d.empty() ? "" : fmt::format(", branch {} with {} change(s), {} futures", d,
                                                        rq.changes.size(), rq.continuations),
                           secs);
  doc["scenario_file"] = e.id;
  doc["run"] = {{"seconds", secs}};
  const RunWindow w = run_window(sc, factory);
  doc["run_window"] = {{"start_date", w.start_date}, {"end_date", w.end_date}, {"days", w.days}};
  return with_words(std::move(doc));
}

void send_json(httplib::Response& res, int status, const json& j) {
  res.status = status;
  // replace: a stray byte in a name must not turn an answer into an exception.
  res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

// Every request is answered, whatever its handler throws: a bad request is the
// client's (400), anything else is the server's (500); neither stops the server.
template <class F>
void answer(httplib::Response& res, F&& make) {
  try {
    send_json(res, 200, make());
  } catch (const BadRequest& e) {
    send_json(res, 400, {{"error", e.what()}});
  } catch (const ScenarioError& e) {
    send_json(res, 400, {{"error", e.what()}});
  } catch (const json::exception& e) {
    send_json(res, 400, {{"error", std::string("bad request: ") + e.what()}});
  } catch (const std::exception& e) {
    std::cerr << "sgsim serve: error: " << e.what() << "\n";
    send_json(res, 500, {{"error", e.what()}});
  } catch (...) {
    std::cerr << "sgsim serve: error: unknown exception\n";
    send_json(res, 500, {{"error", "unknown error"}});
  }
}

bool is_loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; }

}  // namespace

int cmd_serve(const ServeArgs& a, const ModelFactory& factory) {
  {
    // The server's own --set values are checked once, before it listens.
    auto model = bind_model(factory);
    Scenario probe;
    for (const auto& s : a.sets) apply_override(probe, s, model->registry);
  }

  httplib::Server svr;
  // The page and its answers only; no file from disk is served.
  const httplib::Headers headers = {
      {"Cache-Control", "no-store"},
      // Nothing outside this server: the page is self-contained and must stay so.
      {"Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                  "img-src data:; connect-src 'self'"},
      {"X-Content-Type-Options", "nosniff"}};
  svr.set_default_headers(headers);
  svr.set_payload_max_length(1 << 20);
  // A trace can take tens of seconds; the answer is written only after it, so the
  // write timeout is about the network, not the run.
  svr.set_read_timeout(30);
  svr.set_write_timeout(30);

  svr.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kServePage, "text/html; charset=utf-8");
  });
  svr.Get("/api/scenarios", [&](const httplib::Request&, httplib::Response& res) {
    answer(res, [&] { return scenarios_json(a, factory); });
  });
  svr.Get("/api/levers", [&](const httplib::Request& req, httplib::Response& res) {
    answer(res, [&] {
      if (!req.has_param("scenario")) throw BadRequest("?scenario= is missing: one of the files GET /api/scenarios lists");
      return levers_json(a, factory, req.get_param_value("scenario"));
    });
  });
  svr.Post("/api/trace", [&](const httplib::Request& req, httplib::Response& res) {
    answer(res, [&] {
      // Only a JSON body: another site's page cannot send one without the
      // browser asking this server first (CORS), and this server never agrees.
      const std::string type = req.get_header_value("Content-Type");
      if (type.rfind("application/json", 0) != 0)
        throw BadRequest("POST /api/trace expects Content-Type: application/json");
      return trace_json(a, factory, req.body);
    });
  });
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_json(res, 500, {{"error", "internal error"}});
  });
  svr.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    send_json(res, res.status, {{"error", fmt::format("{} {}: {}", req.method, req.path,
                                                      res.status == 404 ? "no such page or API" : "request failed")}});
  });
  svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    if (res.status >= 400) std::cerr << fmt::format("sgsim serve: {} {} -> {}\n", req.method, req.path, res.status);
  });

  int port = a.port;
  if (port == 0) {
    port = svr.bind_to_any_port(a.host);
    if (port <= 0) port = -1;
  } else if (!svr.bind_to_port(a.host, port)) {
    port = -1;
  }
  if (port < 0) {
    std::cerr << fmt::format("sgsim serve: error: cannot listen on {}:{} (in use, or not an address of this machine)\n",
                             a.host, a.port);
    return 1;
  }
  const std::string shown = a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host;
  std::cout << fmt::format("sgsim serve: http://{}:{}/\n", shown, port);
  if (is_loopback(a.host))
    std::cout << "  only this machine can open it (use --host to share it on a network)\n";
  else
    std::cout << "  anyone who can reach this address can open it and run simulations\n";
  std::cout << "  runs are made one at a time; press Ctrl-C to stop" << std::endl;
  return svr.listen_after_bind() ? 0 : 1;
}

}  // namespace sgsim
