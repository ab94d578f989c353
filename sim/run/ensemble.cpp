#include "sim/run/ensemble.hpp"

#include "sim/storage/fnv.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "sim/output/run_store.hpp"
#include "sim/scenario/scenario.hpp"

#ifdef SGSIM_WITH_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only (the C++ bindings are deprecated and not linked)
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace sgsim {

namespace fs = std::filesystem;

bool launched_as_ensemble() {
  // Open MPI's mpirun, then PMIx and PMI launchers (srun): set in every rank.
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
    if (const char* s = std::getenv(v); s && *s) return v != std::string("PMI_SIZE") || std::atoi(s) > 1;
  return false;
}

bool built_with_mpi() {
#ifdef SGSIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

std::string runs_folder(const std::string& output) { return output + ".runs"; }

namespace {

// FNV-1a, 64 bits: a stable name for what a run is (not for security).
std::string fingerprint(const std::string& resolved, uint32_t replicate, const RunOptions& o) {
  const std::string text = fmt::format("{}\nreplicate={}\nscale={:.17g}\nevents={}\n", resolved, replicate, o.scale,
                                       o.keep_event_log);
  return fmt::format("{:016x}-{}", fnv1a64(text), text.size());
}

}  // namespace

std::string run_fingerprint(const std::string& resolved, uint32_t replicate, const RunOptions& o) {
  return fingerprint(resolved, replicate, o);
}

namespace {

std::string run_path(const std::string& dir, size_t scenario, uint32_t replicate) {
  return (fs::path(dir) / fmt::format("run-{:05}-{:05}.h5", scenario, replicate)).string();
}

struct Task {
  size_t scenario;
  uint32_t replicate;
};

// One run, start to finish, written where the manager will look for it.
void run_one(const std::vector<Scenario>& scenarios, const std::vector<ScenarioResult>& shells, const Task& t,
             const ModelFactory& factory, const RunOptions& options, const std::string& dir) {
  StoredRun run;
  RunOptions o = options;
  if (o.checkpoint) {  // checkpoints name the run they belong to
    o.checkpoint->fingerprint = fingerprint(shells[t.scenario].resolved, t.replicate, options);
    o.checkpoint->scenario = t.scenario;
  }
  run.result = run_replicate(scenarios[t.scenario], factory, t.replicate, o, &run.metrics, &run.event_types);
  write_stored_run(run_path(dir, t.scenario, t.replicate),
                   fingerprint(shells[t.scenario].resolved, t.replicate, options), run);
}

#ifdef SGSIM_WITH_MPI
constexpr int kTagAsk = 1, kTagWork = 2;
constexpr int kNoMoreWork = -1;
// A worker's message: the task it finished (or -1 on its first ask) and 1 if it failed.
struct Report {
  int task = -1, failed = 0;
};
#endif

}  // namespace

Ensemble::Ensemble() {
#ifdef SGSIM_WITH_MPI
  int provided = 0;
  // Only the main thread calls MPI; TBB's threads inside a run never do.
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  throw std::runtime_error("this sgsim was built without MPI (Open MPI was not found when it was built: install "
                           "libopenmpi-dev and rebuild), so it cannot run as one of several mpirun ranks");
#endif
}

Ensemble::~Ensemble() {
#ifdef SGSIM_WITH_MPI
  MPI_Finalize();
#endif
}

namespace {

struct Plan {
  std::vector<ScenarioResult> out;
  std::vector<Task> tasks;
};

Plan plan_runs(const std::vector<Scenario>& scenarios, const ModelFactory& factory) {
  Plan p{empty_results(scenarios, factory), {}};
  for (size_t s = 0; s < p.out.size(); ++s)
    for (uint32_t r = 0; r < p.out[s].replicates.size(); ++r) p.tasks.push_back({s, r});
  return p;
}

// The runs not yet complete in the folder (a rerun skips the complete ones).
std::vector<int> still_to_run(const Plan& p, const RunOptions& options, const std::string& runs_dir, int part,
                              int parts, size_t* skipped) {
  fs::create_directories(runs_dir);
  std::vector<int> todo;
  for (size_t k = 0; k < p.tasks.size(); ++k) {
    if (static_cast<int>(k % static_cast<size_t>(parts)) != part - 1) continue;
    const Task& t = p.tasks[k];
    bool complete = false;
    try {
      complete = read_stored_run(run_path(runs_dir, t.scenario, t.replicate),
                                 fingerprint(p.out[t.scenario].resolved, t.replicate, options))
                     .has_value();
    } catch (const std::exception& e) {  // damaged (a disk fault): run it again
      std::cerr << fmt::format("sgsim: {} is damaged and will be run again ({})\n",
                               run_path(runs_dir, t.scenario, t.replicate), e.what());
    }
    if (complete)
      ++*skipped;
    else
      todo.push_back(static_cast<int>(k));
  }
  return todo;
}

// Every run read back, in order: the results a single machine would hold.
std::vector<ScenarioResult> gather(Plan& p, const RunOptions& options, const std::string& runs_dir) {
  for (const Task& t : p.tasks) {
    auto stored = read_stored_run(run_path(runs_dir, t.scenario, t.replicate),
                                  fingerprint(p.out[t.scenario].resolved, t.replicate, options));
    if (!stored)
      throw std::runtime_error(fmt::format("run {} of scenario '{}' is missing from {}", t.replicate,
                                           p.out[t.scenario].name, runs_dir));
    ScenarioResult& res = p.out[t.scenario];
    if (t.replicate == 0) {
      res.metrics = std::move(stored->metrics);
      res.event_types = std::move(stored->event_types);
    }
    res.replicates[t.replicate] = std::move(stored->result);
  }
  return std::move(p.out);
}

class Tally {
 public:
  Tally(const Plan& p, size_t todo) : p_(p), todo_(todo), t0_(std::chrono::steady_clock::now()) {}
  void done(int task, bool bad) {
    ++done_;
    failed_ += bad;
    const Task& t = p_.tasks[static_cast<size_t>(task)];
    std::cerr << fmt::format("sgsim: {} of {} runs {} (scenario '{}' replicate {}, {:.0f} s)\n", done_, todo_,
                             bad ? "ended, this one FAILED" : "done", p_.out[t.scenario].name, t.replicate,
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count());
  }
  void check(size_t skipped, const std::string& runs_dir) const {
    if (failed_ > 0)
      throw std::runtime_error(fmt::format("{} of {} runs failed (see above); the {} complete ones are kept in {}, "
                                           "and the same command again runs only the rest",
                                           failed_, todo_, todo_ - failed_ + skipped, runs_dir));
  }

 private:
  const Plan& p_;
  size_t todo_, done_ = 0, failed_ = 0;
  std::chrono::steady_clock::time_point t0_;
};

RunOptions without_progress(const RunOptions& options) {
  RunOptions quiet = options;
  quiet.progress = nullptr;  // runs are reported as they finish instead
  return quiet;
}

}  // namespace

std::optional<std::vector<ScenarioResult>> run_share(const std::vector<Scenario>& scenarios,
                                                     const ModelFactory& factory, const RunOptions& options,
                                                     const std::string& runs_dir, int part, int parts) {
  Plan p = plan_runs(scenarios, factory);
  size_t skipped = 0;
  const std::vector<int> todo = still_to_run(p, options, runs_dir, part, parts, &skipped);
  std::cerr << fmt::format("sgsim: share {} of {}: {} runs to do, {} already complete in {}\n", part, parts,
                           todo.size(), skipped, runs_dir);
  const RunOptions quiet = without_progress(options);
  Tally tally(p, todo.size());
  for (int k : todo) {
    bool bad = false;
    try {
      run_one(scenarios, p.out, p.tasks[static_cast<size_t>(k)], factory, quiet, runs_dir);
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& e) {
      std::cerr << "sgsim: run failed: " << e.what() << "\n";
      bad = true;
    }
    tally.done(k, bad);
  }
  tally.check(skipped, runs_dir);
  if (parts > 1) return std::nullopt;
  return gather(p, options, runs_dir);
}

std::optional<std::vector<ScenarioResult>> Ensemble::run(const std::vector<Scenario>& scenarios,
                                                         const ModelFactory& factory, const RunOptions& options,
                                                         const std::string& runs_dir) {
  if (size_ == 1) return run_share(scenarios, factory, options, runs_dir, 1, 1);
#ifndef SGSIM_WITH_MPI
  (void)factory;
  throw std::logic_error("an ensemble of several ranks without MPI");
#else
  Plan p = plan_runs(scenarios, factory);
  const RunOptions quiet = without_progress(options);
  if (rank_ != 0) {  // a worker: ask, run, report, until told there is no more
    Report rep;
    for (;;) {
      MPI_Send(&rep, 2, MPI_INT, 0, kTagAsk, MPI_COMM_WORLD);
      int task = kNoMoreWork;
      MPI_Recv(&task, 1, MPI_INT, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (task == kNoMoreWork) return std::nullopt;
      rep = {task, 0};
      const Task& t = p.tasks[static_cast<size_t>(task)];
      try {
        run_one(scenarios, p.out, t, factory, quiet, runs_dir);
      } catch (const std::exception& e) {
        std::cerr << fmt::format("sgsim: rank {}: run {} (scenario '{}', replicate {}) failed: {}\n", rank_, task,
                                 p.out[t.scenario].name, t.replicate, e.what());
        rep.failed = 1;
      }
    }
  }

  // The manager hands out what is still to do, one run to whichever worker asks.
  size_t skipped = 0;
  const std::vector<int> todo = still_to_run(p, options, runs_dir, 1, 1, &skipped);
  std::cerr << fmt::format("sgsim: ensemble of {} runs over {} rank(s); {} already complete in {}\n", p.tasks.size(),
                           size_, skipped, runs_dir);
  Tally tally(p, todo.size());
  size_t next = 0;
  int working = size_ - 1;
  while (working > 0) {
    int arrived = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagAsk, MPI_COMM_WORLD, &arrived, &st);
    if (!arrived) {  // poll gently: Open MPI's blocking receive spins a core
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    Report rep;
    MPI_Recv(&rep, 2, MPI_INT, st.MPI_SOURCE, kTagAsk, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (rep.task >= 0) tally.done(rep.task, rep.failed != 0);
    int task = kNoMoreWork;
    const bool interrupted = options.cancel && options.cancel->load();  // SIGINT/SIGTERM: no new work
    if (next < todo.size() && !interrupted)
      task = todo[next++];
    else
      --working;
    MPI_Send(&task, 1, MPI_INT, st.MPI_SOURCE, kTagWork, MPI_COMM_WORLD);
  }
  if (options.cancel && options.cancel->load()) throw Cancelled();  // the complete runs stay for the rerun
  tally.check(skipped, runs_dir);
  return gather(p, options, runs_dir);
#endif
}

}  // namespace sgsim
