#include "sim/cli/commands.hpp"

#include <fmt/format.h>
#include <tbb/global_control.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "sgsim/version.hpp"
#include "sim/cli/progress.hpp"
#include "sim/output/pending_file.hpp"
#include "sim/output/run_file.hpp"
#include "sim/run/runner.hpp"

namespace sgsim {
namespace {

constexpr int kExitRunFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

std::atomic<bool> g_cancel{false};
extern "C" void on_signal(int) { g_cancel.store(true); }

std::string join_args(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

std::string md_cell(std::string s) {
  std::string out;
  for (char c : s) out += (c == '|') ? std::string("\\|") : std::string(1, c);
  return out;
}

struct RunArgs {
  std::string scenario, output;
  int64_t replicates = 0, seed = -1;
  int threads = 0;
  double scale = 1.0;
  std::vector<std::string> sets;
  bool force = false, events = false;
};

void print_summary(const ScenarioResult& r, double scale) {
  // What a reader checks first: harm, the front door, care and money (a metric a
  // model does not write is skipped).
  const std::vector<std::string> headline = {
      "population", "harm_true", "unprotected_high_risk", "referrals", "cp_plans_open", "cin_open", "cla_open",
      "cla_starts", "out_of_area", "placement_moves", "caseload_mean", "cost_placements", "cost"};
  fmt::print("{}: {} replicate(s) of {} days from {}{}\n", r.name, r.run.replicates, r.run.days, r.run.start_date,
             scale != 1.0 ? fmt::format(" at scale {}", scale) : "");
  fmt::print("  {:<28}{:>16}{:>16}{:>14}\n", "metric (last year)", "mean", "per 10k", "unit");
  size_t pop = 0;
  for (size_t m = 0; m < r.metrics.size(); ++m)
    if (r.metrics[m].name == "population") pop = m;
  for (const auto& name : headline) {
    for (size_t m = 0; m < r.metrics.size(); ++m) {
      if (r.metrics[m].name != name) continue;
      double mean = 0, per10k = 0;
      for (const auto& rep : r.replicates) {
        const double v = summarise(rep.series[m], r.metrics[m].kind, r.run.measure_days);
        const double p = summarise(rep.series[pop], MetricKind::stock, r.run.measure_days);
        mean += v / static_cast<double>(r.replicates.size());
        per10k += (p > 0 ? v / p * 1e4 : 0) / static_cast<double>(r.replicates.size());
      }
      fmt::print("  {:<28}{:>16.1f}{:>16.1f}{:>14}\n", name, mean, per10k,
                 r.metrics[m].kind == MetricKind::flow ? "per year" : "mean stock");
    }
  }
}

int cmd_run(const RunArgs& a, const ModelFactory& factory, const std::string& command_line) {
  auto model = bind_model(factory);
  Scenario sc = load_scenario(a.scenario, model->registry);
  for (const auto& s : a.sets) apply_override(sc, s, model->registry);
  if (a.replicates > 0) apply_override(sc, fmt::format("run.replicates={}", a.replicates), model->registry);
  if (a.seed >= 0) apply_override(sc, fmt::format("run.seed={}", a.seed), model->registry);

  // Refuse to clobber or write nowhere before doing any work.
  PendingFile out(a.output, a.force);

  const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::thread::hardware_concurrency());
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(std::max(1, threads)));

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  model->registry.apply(sc.overrides);
  ProgressLine progress(ProgressLine::stdout_is_terminal(), *parse_iso_date(model->run.start_date));
  std::mutex progress_mu;
  RunOptions opt;
  opt.scale = a.scale;
  opt.keep_event_log = a.events;
  opt.cancel = &g_cancel;
  opt.progress = [&](const Progress& p) { progress.update(p); };

  RunProvenance prov;
  prov.command_line = command_line;
  prov.started_at = utc_now_iso();
  prov.threads = threads;
  prov.scale = a.scale;

  ScenarioResult result;
  try {
    result = run_scenario(sc, factory, opt);
  } catch (const Cancelled&) {
    progress.finish();
    std::cerr << "sgsim: interrupted; no output written\n";
    return kExitInterrupted;
  }
  progress.finish();
  if (g_cancel.load()) {
    std::cerr << "sgsim: interrupted; no output written\n";
    return kExitInterrupted;
  }
  prov.finished_at = utc_now_iso();
  write_run_file(out.temp_path(), {result}, prov);
  out.commit();
  print_summary(result, a.scale);
  fmt::print("wrote {}\n", a.output);
  return 0;
}

int cmd_validate(const std::vector<std::string>& files, bool print_resolved, const ModelFactory& factory) {
  int status = 0;
  for (const auto& f : files) {
    auto model = bind_model(factory);
    try {
      Scenario sc = load_scenario(f, model->registry);
      if (print_resolved) {
        std::cout << resolved_yaml(sc, model->registry);
      } else {
        fmt::print("{}: ok (scenario '{}', {} value(s) set over the defaults)\n", f, sc.name, sc.overrides.size());
      }
    } catch (const ScenarioError& e) {
      std::cerr << e.what() << "\n";
      status = kExitBadInput;
    }
  }
  return status;
}

int cmd_describe(const std::string& module, bool markdown, const ModelFactory& factory) {
  if (markdown) {
    std::cout << scenario_reference_markdown(factory);
    return 0;
  }
  auto model = bind_model(factory);
  bool found = module.empty();
  std::string current;
  for (const auto& s : model->registry.specs()) {
    const std::string mod = s.module();
    if (!module.empty() && mod != module) continue;
    found = true;
    if (mod != current) {
      current = mod;
      std::string summary = "engine run settings";
      for (const auto& m : model->modules)
        if (m->name() == mod) summary = std::string(m->summary());
      fmt::print("\n{} — {}\n", mod, summary);
    }
    fmt::print("  {}  = {}  [{}]  {}\n", s.path, format_value(s.default_value), s.unit.empty() ? "-" : s.unit,
               to_string(s.type));
    fmt::print("      range: {}\n      {}\n      source ({}): {}\n", s.range_text(), s.meaning,
               to_string(s.provenance), s.source);
  }
  for (const auto& d : describe_modules(factory)) {
    if (!module.empty() && d.name != module) continue;
    fmt::print("\n{} — state, metrics and daily work\n", d.name);
    for (const auto& [table, c] : d.columns)
      fmt::print("  column {}.{} ({}, {}): {}\n", table, c.name, c.type, c.unit.empty() ? "-" : c.unit, c.meaning);
    for (const auto& m : d.metrics)
      fmt::print("  metric {} ({}, {}): {}\n", m.name, m.kind == MetricKind::flow ? "flow" : "stock", m.unit, m.meaning);
    for (const auto& [phase, name] : d.work) fmt::print("  phase {}: {}\n", to_string(phase), name);
  }
  if (!found) {
    std::vector<std::string> names = {"run"};
    for (const auto& m : model->modules) names.emplace_back(m->name());
    std::string hint;
    size_t best = SIZE_MAX;
    for (const auto& n : names)
      if (size_t d = edit_distance(module, n); d < best) best = d, hint = n;
    std::cerr << fmt::format("sgsim describe: error: no module '{}' (did you mean '{}'?)\n", module, hint);
    return kExitBadInput;
  }
  return 0;
}

}  // namespace

std::string scenario_reference_markdown(const ModelFactory& factory) {
  auto model = bind_model(factory);
  std::string out =
      "# Scenario reference\n\n"
      "Generated by `sgsim describe --markdown` from the parameter registry; do not edit by hand\n"
      "(`cmake --build build --target docs` regenerates it, and a test fails if it drifts).\n\n"
      "Every parameter can be set in a scenario file, nested by module (`population: {children: 150000}`),\n"
      "with a dotted path under `set:` (`set: {population.children: 150000}`), or on the command line\n"
      "(`--set population.children=150000`). Provenance tags (EVIDENCE.md §1.2): SEED = anchored to a\n"
      "case-review document, NATIONAL = a national statistic, USER = the scenario author's choice,\n"
      "PLACEHOLDER = a neutral value awaiting calibration.\n";
  std::string current;
  for (const auto& s : model->registry.specs()) {
    const std::string mod = s.module();
    if (mod != current) {
      current = mod;
      std::string summary = "engine run settings (the `run:` block)";
      for (const auto& m : model->modules)
        if (m->name() == mod) summary = std::string(m->summary());
      out += fmt::format("\n## `{}`\n\n{}\n\n| parameter | type | unit | default | range | meaning | source |\n"
                         "|---|---|---|---|---|---|---|\n",
                         mod, md_cell(summary));
    }
    out += fmt::format("| `{}` | {} | {} | `{}` | {} | {} | {}: {} |\n", s.path, to_string(s.type),
                       md_cell(s.unit.empty() ? "–" : s.unit), md_cell(format_value(s.default_value)),
                       md_cell(s.range_text()), md_cell(s.meaning), to_string(s.provenance), md_cell(s.source));
  }
  out += "\n## State, metrics and daily work of each module\n\n"
         "The phases of a day run in this order: arrivals, households, children (in parallel),\n"
         "agencies, accounting (docs/ODD.md, process overview).\n";
  for (const auto& d : describe_modules(factory)) {
    out += fmt::format("\n### `{}`\n\n| kind | name | type or phase | unit | meaning |\n|---|---|---|---|---|\n", d.name);
    for (const auto& [table, c] : d.columns)
      out += fmt::format("| column | `{}.{}` | {} | {} | {} |\n", table, c.name, c.type, md_cell(c.unit.empty() ? "–" : c.unit),
                         md_cell(c.meaning));
    for (const auto& m : d.metrics)
      out += fmt::format("| metric | `{}` | {} | {} | {} |\n", m.name, m.kind == MetricKind::flow ? "flow" : "stock",
                         md_cell(m.unit), md_cell(m.meaning));
    for (const auto& [phase, name] : d.work)
      out += fmt::format("| work | {} | {} | – | – |\n", md_cell(name), to_string(phase));
  }
  return out;
}

int sgsim_main(int argc, char** argv, const ModelFactory& factory) {
  CLI::App app{"sgsim: an agent-based simulator of children's safeguarding systems"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", fmt::format("sgsim {} ({})", kVersion, kGitRevision));

  RunArgs ra;
  auto* run = app.add_subcommand("run", "run a scenario and write an HDF5 run file");
  run->add_option("scenario", ra.scenario, "scenario YAML file")->required();
  run->add_option("-o,--output", ra.output, "output HDF5 file")->required();
  run->add_option("-r,--replicates", ra.replicates, "replicates (overrides run.replicates)")->check(CLI::Range(1, 100000));
  run->add_option("-j,--threads", ra.threads, "threads (default: all cores)")->check(CLI::Range(1, 1024));
  run->add_option("--seed", ra.seed, "random seed (overrides run.seed)")->check(CLI::Range(int64_t{0}, int64_t{9007199254740991}));
  run->add_option("--scale", ra.scale, "simulate this fraction of the population, same rates")->check(CLI::Range(1e-6, 1.0));
  run->add_option("--set", ra.sets, "override a parameter: PATH=VALUE (repeatable)");
  run->add_flag("--force", ra.force, "overwrite the output file if it exists");
  run->add_flag("--events", ra.events, "keep the event log in the output");

  std::vector<std::string> vfiles;
  bool resolved = false;
  auto* validate = app.add_subcommand("validate", "check scenario files without running them");
  validate->add_option("files", vfiles, "scenario YAML files")->required();
  validate->add_flag("--resolved", resolved, "print each file fully resolved (every parameter and its value)");

  std::string module;
  bool markdown = false;
  auto* describe = app.add_subcommand("describe", "list parameters: name, unit, default, range, meaning, source");
  describe->add_option("module", module, "only this module (e.g. population, family_risk, run)");
  describe->add_flag("--markdown", markdown, "print the scenario reference as Markdown");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    if (*run) return cmd_run(ra, factory, join_args(argc, argv));
    if (*validate) return cmd_validate(vfiles, resolved, factory);
    if (*describe) return cmd_describe(module, markdown, factory);
    std::cout << app.help();
    return 0;
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const OutputPathError& e) {
    std::cerr << "sgsim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const OutputExistsError& e) {
    std::cerr << "sgsim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "sgsim: error: " << e.what() << "\n";
    return kExitRunFailed;
  }
}

}  // namespace sgsim
