#include "sim/run/national.hpp"

#include "sim/output/run_file.hpp"
#include "sim/run/checkpoint.hpp"
#include "sim/storage/allocator.hpp"

#include <csv.h>
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace sgsim {
namespace {

// Fields of one CSV file, row by row, with where each field starts (libcsv from
// Debian does the quoting; positions are found on the raw lines for errors).
struct CsvCell {
  std::string text;
  int line = 0, column = 0;
};
using CsvRows = std::vector<std::vector<CsvCell>>;

struct CsvState {
  CsvRows rows;
  std::vector<CsvCell> row;
};

extern "C" void csv_field(void* s, size_t len, void* data) {
  auto* st = static_cast<CsvState*>(data);
  st->row.push_back({std::string(static_cast<const char*>(s), len), 0, 0});
}
extern "C" void csv_row(int, void* data) {
  auto* st = static_cast<CsvState*>(data);
  st->rows.push_back(std::move(st->row));
  st->row.clear();
}

// The 1-based character column where each field of a raw line starts (commas
// inside double quotes do not separate fields).
std::vector<int> field_columns(const std::string& line) {
  std::vector<int> starts = {1};
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    else if (line[i] == ',' && !quoted) starts.push_back(static_cast<int>(i) + 2);
  }
  return starts;
}

CsvRows read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError({path, 0, 0}, "cannot read the table of authorities");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  csv_parser p;
  if (csv_init(&p, CSV_APPEND_NULL) != 0) throw std::runtime_error("libcsv: cannot initialise");
  CsvState st;
  const size_t used = csv_parse(&p, text.data(), text.size(), csv_field, csv_row, &st);
  if (used != text.size() || csv_fini(&p, csv_field, csv_row, &st) != 0) {
    const std::string why = csv_strerror(csv_error(&p));
    csv_free(&p);
    throw ScenarioError({path, 0, 0}, "not a valid CSV table: " + why);
  }
  csv_free(&p);
  // Rows as libcsv reports them skip blank lines; lay them back on the file's lines.
  std::vector<std::string> lines;
  std::istringstream ls(text);
  for (std::string l; std::getline(ls, l);) lines.push_back(l);
  size_t li = 0;
  for (auto& row : st.rows) {
    while (li < lines.size() && lines[li].find_first_not_of(" \t\r") == std::string::npos) ++li;
    const auto cols = li < lines.size() ? field_columns(lines[li]) : std::vector<int>{};
    for (size_t k = 0; k < row.size(); ++k) {
      row[k].line = static_cast<int>(li) + 1;
      row[k].column = k < cols.size() ? cols[k] : 1;
    }
    ++li;
  }
  return st.rows;
}

std::optional<double> number(const std::string& s) {
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  while (b < e && *b == ' ') ++b;
  auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || ptr != e) return std::nullopt;
  return v;
}

}  // namespace

AuthorityTable load_authority_table(const std::string& path, const ParamRegistry& registry) {
  const CsvRows rows = read_csv(path);
  if (rows.empty()) throw ScenarioError({path, 1, 1}, "the table of authorities is empty (expected a header row)");
  const auto& header = rows.front();
  AuthorityTable t;
  t.file = path;
  auto at = [&](const CsvCell& c) { return Origin{path, c.line, c.column}; };
  std::set<std::string> seen;
  for (const auto& h : header) {
    if (h.text.empty()) throw ScenarioError(at(h), "a column has no name");
    if (!seen.insert(h.text).second) throw ScenarioError(at(h), fmt::format("column '{}' appears twice", h.text));
    if (h.text.rfind("run.", 0) == 0)
      throw ScenarioError(at(h), fmt::format("'{}': run settings are the same for every authority; set them in the "
                                             "scenario", h.text));
    if (h.text.find('.') != std::string::npos && !registry.find(h.text)) {
      if (registry.is_prefix(h.text))
        throw ScenarioError(at(h), fmt::format("'{}' is a group of parameters, not one: name a single parameter", h.text));
      const auto near = registry.nearest(h.text);
      throw ScenarioError(at(h), fmt::format("unknown parameter '{}'{}", h.text,
                                             near ? fmt::format("; did you mean '{}'?", *near) : ""));
    }
  }
  for (const char* required : {"code", "name", "population.children"})
    if (!seen.count(required))
      throw ScenarioError(at(header.front()),
                          fmt::format("the table needs a '{}' column (docs/authorities.md lists the columns)", required));
  if (rows.size() < 2) throw ScenarioError({path, 2, 1}, "the table has a header but no authorities");
  std::set<std::string> codes;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.size() != header.size())
      throw ScenarioError(at(row.empty() ? header.front() : row.back()),
                          fmt::format("expected {} fields as in the header, found {}", header.size(), row.size()));
    AuthorityInfo a;
    Scenario scratch;
    for (size_t k = 0; k < row.size(); ++k) {
      const std::string& col = header[k].text;
      const CsvCell& cell = row[k];
      if (col == "code") a.code = cell.text;
      else if (col == "name") a.name = cell.text;
      else if (col == "region") a.region = cell.text;
      else if (col.find('.') == std::string::npos) {
        const auto v = number(cell.text);
        if (!v) throw ScenarioError(at(cell), fmt::format("column '{}' expects a number, found '{}'", col, cell.text));
        if (col == "x_km") a.x_km = *v;
        else if (col == "y_km") a.y_km = *v;
        else a.measures[col] = *v;
      } else {
        try {
          apply_override(scratch, col + "=" + cell.text, registry);
        } catch (const ScenarioError& e) {
          throw ScenarioError(at(cell), fmt::format("{}: {}", col, e.message()));
        }
        scratch.origins.back() = at(cell);
        if (const auto v = number(cell.text)) a.measures[col] = *v;  // e.g. population.children, for the market
      }
    }
    if (a.code.empty()) throw ScenarioError(at(row.front()), "an authority needs a code");
    if (!codes.insert(a.code).second) throw ScenarioError(at(row.front()), fmt::format("code '{}' appears twice", a.code));
    t.authorities.push_back(std::move(a));
    t.overrides.push_back(std::move(scratch.overrides));
    t.origins.push_back(std::move(scratch.origins));
  }
  if (t.authorities.size() > UINT16_MAX) throw ScenarioError({path, 0, 0}, "more authorities than a run can hold");
  return t;
}

// Metrics per task when the day's national series are added up over authorities.
constexpr size_t kMetricsPerTask = 64;
// How often a national run gives free heap pages back (return_free_memory): a
// year. The resident set peaks at the run's end, so a yearly trim takes as much
// off the peak as a quarterly one (England, ten years: 3,718,444 KiB against
// 3,628,424 quarterly and 3,899,984 without), and pages given back and then
// asked for again cost page faults: the three runs with trims took 308-331 s,
// the two without 287-289 s (docs/performance.md).
constexpr int32_t kReturnMemoryEveryDays = 365;

ReplicateResult run_national_replicate(const Scenario& scenario, const ModelFactory& factory, uint32_t replicate,
                                       const RunOptions& options, std::vector<MetricInfo>* metrics,
                                       EventRegistry* event_types) {
  if (options.keep_event_log || options.trace_everyone || !options.traced_children.empty() || options.branch)
    throw ScenarioError({scenario.authorities, 0, 0},
                        "a national run keeps national and per-authority series; the event log, traces and branches "
                        "are for a run of one authority (drop `authorities:` or --events)");
  const auto started = std::chrono::steady_clock::now();
  const auto model = bind_model(factory);
  const AuthorityTable table = load_authority_table(scenario.authorities, model->registry);

  Nation nation;
  nation.authorities = table.authorities;
  // The authorities are built side by side (about 5% of a ten-year run of England
  // when built one after another), except for the modules whose initialise uses
  // the national services (the placement market), which run authority by
  // authority in table order, as they would one authority after another.
  std::vector<std::unique_ptr<Simulation>> sims(table.authorities.size());
  tbb::parallel_for(size_t{0}, sims.size(), size_t{1}, [&](size_t a) {
    if (options.cancel && options.cancel->load(std::memory_order_relaxed)) throw Cancelled();
    // The scenario, then the authority's row, then the command line again (a
    // --set applies to every authority, over the table).
    Scenario local = scenario;
    local.authorities.clear();
    for (size_t k = 0; k < table.overrides[a].size(); ++k)
      local.set(table.overrides[a][k].first, table.overrides[a][k].second, table.origins[a][k]);
    for (size_t k = 0; k < scenario.overrides.size(); ++k)
      if (scenario.origins[k].file.rfind("--set ", 0) == 0)
        local.set(scenario.overrides[k].first, scenario.overrides[k].second, scenario.origins[k]);
    sims[a] = std::make_unique<Simulation>(local, factory, replicate, options, &nation, static_cast<uint16_t>(a),
                                           /*staged=*/true);
    // At once, so that 152 Worlds' series never exist together.
    sims[a]->world().metrics.keep_last_day_only();
    sims[a]->initialise(Simulation::Stage::before_national);
  });
  for (auto& s : sims) s->initialise(Simulation::Stage::national);
  tbb::parallel_for(size_t{0}, sims.size(), size_t{1},
                    [&](size_t a) { sims[a]->initialise(Simulation::Stage::after_national); });
  // National series and each authority's window totals, added up day by day.
  model->registry.apply(scenario.overrides);
  const auto days = static_cast<size_t>(model->run.days);
  const size_t window = std::min(days, static_cast<size_t>(std::max<int64_t>(model->run.measure_days, 1)));
  const auto& info = sims.front()->world().metrics.info();
  const size_t metric_count = info.size();
  std::map<std::string, size_t> index;
  for (size_t m = 0; m < metric_count; ++m) index[info[m].name] = m;
  std::vector<size_t> weight_of(metric_count, 0);
  for (size_t m = 0; m < metric_count; ++m)
    if (info[m].aggregate == Aggregate::mean) weight_of[m] = index.at(info[m].weight);
  ReplicateResult r;
  r.series.assign(metric_count, std::vector<double>(days, 0.0));
  std::vector<std::vector<double>> in_window(sims.size(), std::vector<double>(metric_count, 0.0));

  const size_t n = sims.size();

  // Checkpoints (sim/run/checkpoint.hpp): every authority's state, the national
  // services', and the national series and window totals so far.
  auto save = [&](StateOut& ar) {
    ar(n);
    for (const auto& s : sims) s->save(ar);
    nation.save(ar);
    ar(r.series, in_window);
  };
  auto load = [&](StateIn& ar) {
    size_t saved = 0;
    ar(saved);
    if (saved != n) throw std::runtime_error(fmt::format("{} authorities, not {}", saved, n));
    for (auto& s : sims) s->load(ar);
    nation.load(ar);
    ar(r.series, in_window);
  };
  const CheckpointPlan* ck = options.checkpoint ? &*options.checkpoint : nullptr;
  if (ck && std::filesystem::exists(ck->path) && read_checkpoint_header(ck->path).fingerprint == ck->fingerprint)
    load_checkpoint(ck->path, load);  // this run was under way: carry on from its last checkpoint

  std::vector<double> day_total(metric_count), day_weights(metric_count);
  while (!sims.front()->done()) {
    if (options.cancel && options.cancel->load(std::memory_order_relaxed)) throw Cancelled();
    const int32_t day = sims.front()->day();
    // Authorities side by side until the day's national work; grain 1 so that a
    // large county and a small borough do not hold each other up.
    nation.set_concurrent(true);
    tbb::parallel_for(size_t{0}, n, size_t{1}, [&](size_t a) {
      sims[a]->begin_day();
      for (Phase p : {Phase::arrivals, Phase::households, Phase::children, Phase::agencies}) sims[a]->run_phase(p);
    });
    nation.set_concurrent(false);
    nation.run_after_agencies(day);
    tbb::parallel_for(size_t{0}, n, size_t{1}, [&](size_t a) {
      sims[a]->run_phase(Phase::accounting);
      sims[a]->end_day();
    });
    const int64_t out = day - static_cast<int64_t>(sims.front()->world().record_from);
    if (out >= 0) {
      // Blocks of metrics side by side (about 2% of a national run when added up
      // on one thread); within a block authority by authority, so that each
      // metric's total is still added up in table order.
      const auto d = static_cast<size_t>(out);
      const bool measuring = d >= days - window;
      tbb::parallel_for(tbb::blocked_range<size_t>(0, metric_count, kMetricsPerTask), [&](const auto& block) {
        for (size_t m = block.begin(); m < block.end(); ++m) day_total[m] = day_weights[m] = 0.0;
        for (size_t a = 0; a < n; ++a) {
          const auto& last = sims[a]->world().metrics.last_day();
          for (size_t m = block.begin(); m < block.end(); ++m) {
            switch (info[m].aggregate) {
              case Aggregate::sum: day_total[m] += last[m]; break;
              case Aggregate::max: day_total[m] = std::max(day_total[m], last[m]); break;
              case Aggregate::mean:
                day_total[m] += last[m] * last[weight_of[m]];
                day_weights[m] += last[weight_of[m]];
                break;
            }
            if (measuring) in_window[a][m] += last[m];
          }
        }
        for (size_t m = block.begin(); m < block.end(); ++m)
          r.series[m][d] = info[m].aggregate == Aggregate::mean
                               ? (day_weights[m] > 0 ? day_total[m] / day_weights[m] : 0.0)
                               : day_total[m];
      });
    }
    const int32_t next = sims.front()->day();
    if (next % kReturnMemoryEveryDays == 0) return_free_memory();
    if (ck && ck->every > 0 && next % ck->every == 0 && !sims.front()->done())
      write_checkpoint(ck->path, {"", ck->command, ck->fingerprint, ck->scenario, replicate, next}, save);
    if (options.progress) {
      Progress p;
      p.replicate = replicate;
      p.day = day - static_cast<int64_t>(sims.front()->world().record_from);
      p.days_done = 1;
      for (auto& s : sims) p.child_days += static_cast<double>(s->world().children.active_count());
      options.progress(p);
    }
  }

  if (metrics) *metrics = info;
  if (event_types) *event_types = sims.front()->world().event_types;
  r.authorities = table.authorities;
  for (size_t a = 0; a < n; ++a) {
    const World& w = sims[a]->world();
    r.child_days += w.child_days;
    r.state_bytes += w.children.bytes() + w.households.bytes();
    std::vector<double> row(metric_count);
    for (size_t m = 0; m < metric_count; ++m)  // as summarise(): a flow per year, a stock's mean
      row[m] = info[m].kind == MetricKind::flow ? in_window[a][m] * kDaysPerYear / static_cast<double>(window)
                                                : in_window[a][m] / static_cast<double>(window);
    r.authority_summaries.push_back(std::move(row));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

}  // namespace sgsim
