#include "sim/cli/experiment_commands.hpp"

#include <fmt/format.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

#include "sim/cli/progress.hpp"
#include "sim/experiment/headlines.hpp"
#include "sim/experiment/sweep.hpp"
#include "sim/output/pending_file.hpp"
#include "sim/output/run_file.hpp"
#include "sim/run/checkpoint.hpp"
#include "sim/run/ensemble.hpp"
#include "sim/run/runner.hpp"

namespace sgsim {
namespace {

constexpr int kExitInterrupted = 130;

std::atomic<bool> g_cancel{false};
extern "C" void on_signal(int) { g_cancel.store(true); }

// A scenario file with the command line's settings applied on top.
Scenario load_with_settings(const std::string& file, const RunArgs& a, const ParamRegistry& reg) {
  Scenario sc = load_scenario(file, reg);
  if (!a.authorities.empty()) {
    if (!std::filesystem::is_regular_file(a.authorities))
      throw ScenarioError({"--authorities", 0, 0}, fmt::format("'{}': file not found", a.authorities));
    set_authorities(sc, a.authorities);
  }
  for (const auto& s : a.sets) apply_override(sc, s, reg);
  if (a.replicates > 0) apply_override(sc, fmt::format("run.replicates={}", a.replicates), reg);
  if (a.seed >= 0) apply_override(sc, fmt::format("run.seed={}", a.seed), reg);
  return sc;
}

// Scenario names become HDF5 group names, folder names in exports and table
// headings: they must be plain words, and unique.
void make_names_unique(std::vector<Scenario>& scenarios) {
  std::set<std::string> seen;
  for (auto& s : scenarios) {
    const bool plain = !s.name.empty() && s.name != "." && s.name != ".." &&
                       std::all_of(s.name.begin(), s.name.end(), [](char ch) {
                         return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.';
                       });
    if (!plain)
      throw ScenarioError({s.files.empty() ? std::string("scenario") : s.files.back(), 0, 0},
                          fmt::format("scenario name '{}' must be letters, digits, '_', '-' or '.' (it names a group "
                                      "in the run file and a folder in exports)",
                                      s.name));
    std::string name = s.name;
    for (int k = 2; seen.count(name); ++k) name = fmt::format("{}-{}", s.name, k);
    s.name = name;
    seen.insert(name);
  }
}

// Thousands grouped, three significant decimals for small values.
std::string fmt_num(double v) {
  const double a = std::abs(v);
  // Below this a printed difference is rounding left over from sums that cancel
  // (the file keeps the exact value).
  constexpr double kPrintedZero = 1e-9;
  if (a < kPrintedZero) return "0";
  if (a < 0.01) return fmt::format("{:.2g}", v);
  if (a < 10) return fmt::format("{:.3f}", v);
  if (a < 1000) return fmt::format("{:.1f}", v);
  std::string text = a < 1e4 ? fmt::format("{:.1f}", a) : fmt::format("{:.0f}", a);
  const size_t point = std::min(text.find('.'), text.size());
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && i < point && (point - i) % 3 == 0) out += ',';
    out += text[i];
  }
  return (v < 0 ? "-" : "") + out;
}

void print_run_summary(const ScenarioResult& r, double scale) {
  // What a reader checks first: harm, the front door, care and money (a metric a
  // model does not write is skipped).
  const std::vector<std::string> headline = {
      "population", "harm_true", "unprotected_high_risk", "referrals", "cp_plans_open", "cin_open", "cla_open",
      "cla_starts", "out_of_area", "placement_moves", "caseload_mean", "cost_placements", "cost"};
  fmt::print("{}: {} replicate(s) of {} days from {}{}\n", r.name, r.run.replicates, r.run.days, r.run.start_date,
             scale != 1.0 ? fmt::format(" at scale {}", scale) : "");
  fmt::print("  {:<28}{:>16}{:>16}{:>14}\n", "metric (measured window)", "mean", "per 10k", "unit");
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

// The comparison table: each option against the baseline, headline by headline.
void print_comparison(const std::vector<ScenarioResult>& rs, double scale) {
  const auto table = compare_headlines(rs);
  const ScenarioResult& base = rs.front();
  fmt::print("Baseline '{}' against {} option(s): {} replicate(s) each of {} days from {}{}, paired by seed\n"
             "(common random numbers). Means per year over the last {} days; differences are option minus\n"
             "baseline with {:.0f}% t intervals from the paired replicates (docs/statistics.md).\n",
             base.name, rs.size() - 1, base.run.replicates, base.run.days, base.run.start_date,
             scale != 1.0 ? fmt::format(" at scale {}", scale) : "", std::min(base.run.measure_days, base.run.days),
             kConfidenceLevel * 100);
  for (size_t k = 1; k < rs.size(); ++k) {
    fmt::print("\n{} vs {}\n", rs[k].name, base.name);
    fmt::print("  {:<52}{:>13}{:>13}{:>13}  {:<26}{:>9}  {}\n", "outcome", "baseline", "option", "difference",
               fmt::format("{:.0f}% interval", kConfidenceLevel * 100), "advice n", "unit");
    std::vector<std::string> advice;
    for (const auto& c : table) {
      const SampleSummary& d = c.difference[k];
      const std::string interval =
          d.n >= 2 ? fmt::format("[{}, {}]", fmt_num(d.ci_low), fmt_num(d.ci_high)) : "(one replicate: none)";
      const std::string need = c.replicates_needed[k] > 0 ? fmt::format("{}", c.replicates_needed[k]) : "";
      fmt::print("  {:<52}{:>13}{:>13}{:>13}  {:<26}{:>9}  {}\n", c.headline.label, fmt_num(c.level[0].mean),
                 fmt_num(c.level[k].mean), fmt_num(d.mean), interval, need, c.headline.unit);
    }
    if (std::any_of(table.begin(), table.end(), [&](const auto& c) { return c.replicates_needed[k] > 0; }))
      advice.push_back(fmt::format("where the interval is wider than the difference, 'advice n' is about the number "
                                   "of replicates that would\n  narrow it to half the difference (but no finer than "
                                   "±{}% of the baseline): rerun with -r N to tell the effect from chance",
                                   kDefaultPrecision * 100));
    for (const auto& line : advice) fmt::print("  {}\n", line);
  }
}

void print_sweep(const std::vector<ScenarioResult>& rs, const ExperimentInfo& e) {
  const auto table = compare_headlines(rs);
  fmt::print("Sweep over {} point(s), {} replicate(s) each, same seeds at every point. Means per year over the\n"
             "last {} days (every headline and its interval is in the run file and the report).\n\n",
             rs.size(), rs.front().run.replicates, std::min(rs.front().run.measure_days, rs.front().run.days));
  std::string head = fmt::format("{:<16}", "point");
  for (const auto& p : e.sweep_parameters) head += fmt::format("{:>{}}", p, std::max<size_t>(p.size() + 2, 12));
  for (const auto& c : table) head += fmt::format("{:>{}}", c.headline.name, std::max<size_t>(c.headline.name.size() + 2, 12));
  fmt::print("{}\n", head);
  for (size_t k = 0; k < rs.size(); ++k) {
    std::string row = fmt::format("{:<16}", rs[k].name);
    for (size_t a = 0; a < e.sweep_parameters.size(); ++a)
      row += fmt::format("{:>{}}", sweep_value_text(e.sweep_values[k][a]),
                         std::max<size_t>(e.sweep_parameters[a].size() + 2, 12));
    for (const auto& c : table)
      row += fmt::format("{:>{}}", fmt_num(c.level[k].mean), std::max<size_t>(c.headline.name.size() + 2, 12));
    fmt::print("{}\n", row);
  }
}

// The command a checkpoint carries so that `sgsim run --resume FILE` needs
// nothing else: which command, its options, and its command line.
struct StoredCommand {
  std::string kind, command_line;
  RunArgs args;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(kind, command_line, args.scenarios, args.output, args.replicates, args.seed, args.threads, args.scale, args.sets,
       args.force, args.events, args.share, args.checkpoint_every, args.checkpoint, args.authorities);
  }
};

std::string stored_command(const RunArgs& a, const std::string& kind, const std::string& command_line) {
  std::ostringstream out;
  {
    StateOut ar(out);
    StoredCommand c{kind, command_line, a};
    ar(c);
  }
  return out.str();
}

StoredCommand read_stored_command(const std::string& checkpoint, const std::string& bytes) {
  StoredCommand c;
  try {
    std::istringstream in(bytes);
    StateIn ar(in);
    ar(c);
  } catch (const std::exception&) {
    throw CheckpointError(checkpoint + ": damaged (its command cannot be read)");
  }
  return c;
}

// A checkpoint resumed by a command whose runs no longer include the one it
// holds (a scenario file it reads was edited since) would start that run again
// from day 0 and leave the checkpoint to be overwritten: refuse instead.
void check_resumable(const std::string& path, const std::vector<Scenario>& scenarios, const ModelFactory& factory,
                     const RunOptions& options) {
  const CheckpointHeader h = read_checkpoint_header(path);
  const auto shells = empty_results(scenarios, factory);
  for (const auto& sh : shells)
    for (uint32_t r = 0; r < sh.replicates.size(); ++r)
      if (run_fingerprint(sh.resolved, r, options) == h.fingerprint) {
        std::cerr << fmt::format("sgsim: resuming scenario '{}' replicate {} from day {} of {} (internal days, "
                                 "burn-in included)\n",
                                 sh.name, r, h.day, sh.run.burn_in_days + sh.run.days);
        return;
      }
  throw CheckpointError(fmt::format("{}: it holds replicate {} of scenario {} of a run this command no longer makes: "
                                    "a scenario file it reads has changed since the checkpoint was written",
                                    path, h.replicate, h.scenario + 1));
}

// Run a set of scenarios with common random numbers and write one run file.
template <class Print>
int run_set(const RunArgs& a, std::vector<Scenario> scenarios, ExperimentInfo experiment, const ModelFactory& factory,
            const std::string& command_line, Print print) {
  make_names_unique(scenarios);
  int part = 1, parts = 1;  // --share K/N
  if (!a.share.empty()) {
    char slash = 0;
    std::istringstream in(a.share);
    if (!(in >> part >> slash >> parts) || slash != '/' || !in.eof() || parts < 1 || part < 1 || part > parts)
      throw ScenarioError({"--share", 0, 0}, "'" + a.share + "': expected K/N with 1 <= K <= N, e.g. 3/20 (in a "
                                             "Slurm job array: --share $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)");
    if (launched_as_ensemble())
      throw ScenarioError({"--share", 0, 0}, "--share is for job arrays without MPI; under mpirun the ranks share the runs");
  }
  const bool checkpoints = !a.checkpoint.empty() || a.checkpoint_every > 0;
  if (checkpoints) {
    if (a.checkpoint.empty() || a.checkpoint_every <= 0)
      throw ScenarioError({"--checkpoint", 0, 0}, "give both --checkpoint-every DAYS and --checkpoint FILE");
    if (parts > 1 || launched_as_ensemble())
      throw ScenarioError({"--checkpoint", 0, 0}, "checkpoints are for a run on one machine; an ensemble or a job "
                                                  "array keeps each complete run instead (docs/cluster.md)");
    if (!a.resuming && std::filesystem::exists(a.checkpoint)) {
      if (!a.force)
        throw OutputExistsError(fmt::format("{} exists: carry on from it with `sgsim run --resume {}`, or add --force "
                                            "to start again and replace it", a.checkpoint, a.checkpoint));
      std::filesystem::remove(a.checkpoint);
    }
  }
  // Refuse to clobber or write nowhere before doing any work (a share writes no
  // run file, only its runs, so it only checks that the folder can be made).
  PendingFile out(a.output, a.force || parts > 1);

  const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::thread::hardware_concurrency());
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(std::max(1, threads)));
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  auto model = bind_model(factory);
  model->registry.apply(scenarios.front().overrides);
  ProgressLine progress(ProgressLine::stdout_is_terminal(), *parse_iso_date(model->run.start_date));
  RunOptions opt;
  opt.scale = a.scale;
  opt.keep_event_log = a.events;
  opt.cancel = &g_cancel;
  opt.progress = [&](const Progress& p) { progress.update(p); };
  if (checkpoints) {
    opt.checkpoint = CheckpointPlan{a.checkpoint, static_cast<int32_t>(a.checkpoint_every), stored_command(a, experiment.kind, command_line), "", 0};
    if (a.resuming) check_resumable(a.checkpoint, scenarios, factory, opt);
  }

  RunProvenance prov;
  prov.command_line = command_line;
  prov.started_at = utc_now_iso();
  prov.threads = threads;
  prov.scale = a.scale;
  prov.experiment = std::move(experiment);

  std::vector<ScenarioResult> results;
  try {
    if (launched_as_ensemble()) {  // one of several mpirun ranks: sim/run/ensemble.hpp
      Ensemble ensemble;
      prov.threads = threads * ensemble.size();
      auto got = ensemble.run(scenarios, factory, opt, runs_folder(a.output));
      if (!got) return 0;  // a worker: its runs are in the runs folder; the manager writes the file
      results = std::move(*got);
    } else if (parts > 1 || checkpoints || std::filesystem::is_directory(runs_folder(a.output))) {
      // A job array's share, or the command that gathers the shares (or finishes
      // a killed ensemble): runs already complete in the folder are not run again.
      // A checkpointed run goes this way too: its runs one after another, each
      // kept in the folder when complete, the one in progress in the checkpoint.
      auto got = run_share(scenarios, factory, opt, runs_folder(a.output), part, parts);
      if (!got) {
        fmt::print("share {}/{} done: its runs are in {}\n", part, parts, runs_folder(a.output));
        return 0;
      }
      results = std::move(*got);
    } else {
      results = run_scenarios(scenarios, factory, opt);
    }
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
  write_run_file(out.temp_path(), results, prov);
  out.commit();
  if (std::filesystem::is_directory(runs_folder(a.output))) {  // the run file holds every run: the folder's work is done
    std::error_code ec;
    std::filesystem::remove_all(runs_folder(a.output), ec);
  }
  if (checkpoints) std::filesystem::remove(a.checkpoint);  // the run file holds everything now
  print(results, prov.experiment);
  fmt::print("wrote {}\n", a.output);
  return 0;
}

}  // namespace

int cmd_run(const RunArgs& a, const ModelFactory& factory, const std::string& command_line) {
  auto model = bind_model(factory);
  ExperimentInfo e;
  e.sources = a.scenarios;
  return run_set(a, {load_with_settings(a.scenarios.front(), a, model->registry)}, e, factory, command_line,
                 [&](const std::vector<ScenarioResult>& rs, const ExperimentInfo&) { print_run_summary(rs.front(), a.scale); });
}

int cmd_compare(const RunArgs& a, const ModelFactory& factory, const std::string& command_line) {
  auto model = bind_model(factory);
  std::vector<Scenario> set;
  for (const auto& f : a.scenarios) set.push_back(load_with_settings(f, a, model->registry));
  // Pairing needs every option to use the baseline's seed and replicate count, and
  // to cover the same days so that the measurement windows are the same dates.
  auto value = [&](const Scenario& s, const char* path) { return format_value(s.value(model->registry, path)); };
  for (size_t k = 1; k < set.size(); ++k) {
    for (const char* path : {"run.start_date", "run.days", "run.measure_days", "run.burn_in_days"})
      if (value(set[k], path) != value(set[0], path))
        throw ScenarioError({a.scenarios[k], 0, 0},
                            fmt::format("{} is {} here but {} in the baseline {}; options must cover the same period",
                                        path, value(set[k], path), value(set[0], path), a.scenarios[0]));
    for (const char* path : {"run.seed", "run.replicates"})
      if (value(set[k], path) != value(set[0], path)) {
        fmt::print(stderr, "sgsim compare: note: {} sets {} = {}; the baseline's {} is used so replicates pair\n",
                   a.scenarios[k], path, value(set[k], path), value(set[0], path));
        apply_override(set[k], fmt::format("{}={}", path, value(set[0], path)), model->registry);
      }
  }
  ExperimentInfo e;
  e.kind = "compare";
  e.sources = a.scenarios;
  return run_set(a, std::move(set), e, factory, command_line,
                 [&](const std::vector<ScenarioResult>& rs, const ExperimentInfo&) { print_comparison(rs, a.scale); });
}

int cmd_sweep(const RunArgs& a, const ModelFactory& factory, const std::string& command_line) {
  auto model = bind_model(factory);
  std::vector<SweepAxis> axes;
  std::vector<std::string> fixed;
  for (const auto& s : a.sets) {
    SweepAxis axis;
    if (parse_sweep_axis(s, model->registry, &axis))
      axes.push_back(std::move(axis));
    else
      fixed.push_back(s);
  }
  RunArgs with_fixed = a;
  with_fixed.sets = fixed;  // as in run and compare: --set, then -r and --seed
  Scenario base = load_with_settings(a.scenarios.front(), with_fixed, model->registry);
  if (axes.empty())
    throw ScenarioError({"sgsim sweep", 0, 0}, "nothing to sweep: give at least one --set PATH=FROM:TO:STEP or PATH=A,B,...");
  ExperimentInfo e;
  e.kind = "sweep";
  for (const auto& ax : axes) e.sweep_parameters.push_back(ax.path);
  std::vector<Scenario> set;
  for (auto& p : expand_sweep(base, axes, model->registry)) {
    set.push_back(std::move(p.scenario));
    e.sweep_values.push_back(std::move(p.values));
    e.sources.push_back(a.scenarios.front());
  }
  return run_set(a, std::move(set), e, factory, command_line,
                 [&](const std::vector<ScenarioResult>& rs, const ExperimentInfo& info) { print_sweep(rs, info); });
}

int cmd_resume(const std::string& checkpoint, int threads, const ModelFactory& factory) {
  const CheckpointHeader h = read_checkpoint_header(checkpoint);
  StoredCommand c = read_stored_command(checkpoint, h.command);
  c.args.resuming = true;
  c.args.checkpoint = checkpoint;  // where it is now, if it was moved
  if (threads > 0) c.args.threads = threads;
  std::cerr << fmt::format("sgsim: resuming `{}`\n", c.command_line);
  if (c.kind == "compare") return cmd_compare(c.args, factory, c.command_line);
  if (c.kind == "sweep") return cmd_sweep(c.args, factory, c.command_line);
  return cmd_run(c.args, factory, c.command_line);
}

}  // namespace sgsim
