#include "sim/output/run_store.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "sim/output/h5.hpp"

namespace sgsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kFormat = 2;  // bump when the layout below changes

// Names, units and meanings are small: kept as one JSON attribute.
std::string describe(const StoredRun& run) {
  json metrics = json::array();
  for (const auto& m : run.metrics)
    metrics.push_back({m.name, m.unit, m.meaning, m.kind == MetricKind::stock ? "stock" : "flow"});
  json kinds = json::array(), agencies = json::array(), codes = json::array();
  for (const auto& k : run.event_types.kinds()) kinds.push_back({k.name, k.meaning});
  for (size_t a = 1; a < run.event_types.agencies().size(); ++a)  // 0 is the registry's own "none"
    agencies.push_back({run.event_types.agencies()[a].name, run.event_types.agencies()[a].meaning});
  for (const auto& [list, names] : run.event_types.codes()) codes.push_back({list, names});
  json authorities = json::array();  // a national run's authorities
  for (const auto& a : run.result.authorities) authorities.push_back({a.code, a.name, a.region, a.x_km, a.y_km, a.measures});
  return json{{"metrics", metrics},   {"kinds", kinds},           {"agencies", agencies},
              {"codes", codes},       {"authorities", authorities}}
      .dump();
}

void restore(const std::string& text, StoredRun& run) {
  const json d = json::parse(text);
  for (const auto& m : d.at("metrics"))
    run.metrics.push_back(
        {m.at(0), m.at(1), m.at(2), m.at(3) == "stock" ? MetricKind::stock : MetricKind::flow, Aggregate::sum, {}});
  for (const auto& k : d.at("kinds")) run.event_types.add_kind(k.at(0), k.at(1));
  for (const auto& a : d.at("agencies")) run.event_types.add_agency(a.at(0), a.at(1));
  for (const auto& c : d.at("codes")) run.event_types.add_codes(c.at(0).get<std::string>(), c.at(1).get<std::vector<std::string>>());
  for (const auto& a : d.at("authorities"))
    run.result.authorities.push_back({a.at(0), a.at(1), a.at(2), a.at(3), a.at(4), a.at(5).get<std::map<std::string, double>>()});
}

}  // namespace

void write_stored_run(const std::string& path, const std::string& fingerprint, const StoredRun& run) {
  const fs::path final_path(path);
  const fs::path temp = final_path.parent_path() / fmt::format(".{}.partial-{}", final_path.filename().string(), ::getpid());
  std::error_code ec;
  fs::remove(temp, ec);
  try {
    H5File f = H5File::create(temp.string());
    H5Group root = f.root();
    root.set_attr("format", kFormat);
    root.set_attr("fingerprint", fingerprint);
    root.set_attr("description", describe(run));
    const ReplicateResult& r = run.result;
    root.set_attr("child_days", r.child_days);
    root.set_attr("seconds", r.seconds);
    root.set_attr("state_bytes", static_cast<int64_t>(r.state_bytes));
    const size_t days = r.series.empty() ? 0 : r.series.front().size();
    std::vector<double> series;
    series.reserve(r.series.size() * days);
    for (const auto& s : r.series) series.insert(series.end(), s.begin(), s.end());
    root.write_matrix("series", r.series.size(), days, series);
    std::vector<double> by_authority;  // [authority][metric]
    for (const auto& row : r.authority_summaries) by_authority.insert(by_authority.end(), row.begin(), row.end());
    root.write_matrix("authority_summaries", r.authority_summaries.size(), r.series.size(), by_authority);
    std::vector<EventRecord> events;
    events.reserve(r.events.size());
    for (const Event& e : r.events) events.push_back({0, e.day, e.child, e.kind, e.agency, e.detail});
    root.write_event_table("events", events);
    std::vector<int64_t> ids, births, sexes;
    for (const ChildRecord& c : r.children) {
      ids.push_back(c.child);
      births.push_back(c.birth_day);
      sexes.push_back(c.sex);
    }
    root.write_vector("child_id", std::span<const int64_t>(ids));
    root.write_vector("child_birth_day", std::span<const int64_t>(births));
    root.write_vector("child_sex", std::span<const int64_t>(sexes));
    f.close();
    fs::rename(temp, final_path);  // atomic within the directory: complete or absent
  } catch (...) {
    fs::remove(temp, ec);
    throw;
  }
}

std::optional<StoredRun> read_stored_run(const std::string& path, const std::string& fingerprint) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  H5File f = H5File::open_read(path);
  H5Group root = f.root();
  if (!root.has_attr("format") || root.attr_int("format") != kFormat || !root.has_attr("fingerprint") ||
      root.attr_string("fingerprint") != fingerprint)
    return std::nullopt;
  StoredRun run;
  restore(root.attr_string("description"), run);
  ReplicateResult& r = run.result;
  r.child_days = root.attr_double("child_days");
  r.seconds = root.attr_double("seconds");
  r.state_bytes = static_cast<size_t>(root.attr_int("state_bytes"));
  std::vector<size_t> dims;
  const std::vector<double> series = root.read_doubles("series", &dims);
  const size_t rows = dims.empty() ? 0 : dims[0], cols = dims.size() > 1 ? dims[1] : 0;
  r.series.assign(rows, std::vector<double>(cols));
  for (size_t m = 0; m < rows; ++m)
    std::copy(series.begin() + static_cast<std::ptrdiff_t>(m * cols),
              series.begin() + static_cast<std::ptrdiff_t>((m + 1) * cols), r.series[m].begin());
  const std::vector<double> by_authority = root.read_doubles("authority_summaries", &dims);
  if (dims.size() == 2 && dims[0] > 0)
    for (size_t a = 0; a < dims[0]; ++a)
      r.authority_summaries.emplace_back(by_authority.begin() + static_cast<std::ptrdiff_t>(a * dims[1]),
                                         by_authority.begin() + static_cast<std::ptrdiff_t>((a + 1) * dims[1]));
  for (const EventRecord& e : root.read_event_table("events"))
    r.events.push_back(Event{e.day, e.child, e.kind, e.agency, e.detail});
  const auto ids = root.read_int64s("child_id"), births = root.read_int64s("child_birth_day"),
             sexes = root.read_int64s("child_sex");
  for (size_t k = 0; k < ids.size(); ++k)
    r.children.push_back({static_cast<AgentId>(ids[k]), static_cast<int32_t>(births[k]), static_cast<uint8_t>(sexes[k])});
  return run;
}

}  // namespace sgsim
