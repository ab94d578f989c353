#pragma once
// An ensemble over MPI ranks: `mpirun -np N sgsim sweep|compare|run ...` spreads
// the runs (scenario × parameter point × replicate) over the ranks. Rank 0 is the
// manager: it hands out one run at a time to whichever worker asks, so a fast
// worker takes more; each worker writes each run to its own file in the runs
// folder (sim/output/run_store.hpp); when all are done the manager reads them
// back and writes the one run file, exactly as a single machine would (so the
// results are bit-identical to the same command without MPI, and the analysis
// tools read either alike). Runs already complete in the folder are skipped, so a
// job killed by a scheduler continues where it stopped; a run that fails is
// reported by its worker and the others go on (the command then fails, writing
// no run file). Built when Open MPI is found (SGSIM_MPI); never required.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/run/runner.hpp"

namespace sgsim {

// True when this process is one of several ranks started by mpirun or srun (their
// environment says so): a run then belongs to an ensemble.
bool launched_as_ensemble();
bool built_with_mpi();

class Ensemble {
 public:
  // Joins the MPI job (throws if this sgsim was built without MPI).
  Ensemble();
  ~Ensemble();
  Ensemble(const Ensemble&) = delete;
  Ensemble& operator=(const Ensemble&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool manager() const { return rank_ == 0; }

  // Every replicate of every scenario, over the ranks. The manager returns the
  // results (every run read back from `runs_dir`, which it creates); workers
  // return nullopt once there is no more work. Throws on the manager if a run
  // failed (after every other run has finished).
  std::optional<std::vector<ScenarioResult>> run(const std::vector<Scenario>& scenarios, const ModelFactory& factory,
                                                 const RunOptions& options, const std::string& runs_dir);

 private:
  int rank_ = 0, size_ = 1;
};

// The folder an ensemble keeps its runs in: beside the output, "<output>.runs".
std::string runs_folder(const std::string& output);

// What names one run (its resolved scenario, replicate, scale and event log) in
// the runs folder and in a checkpoint, so neither is taken for another run's.
std::string run_fingerprint(const std::string& resolved, uint32_t replicate, const RunOptions& options);

// Without MPI (a job array, or finishing an ensemble on one machine): run share
// `part` of `parts` (1-based: runs whose index i has i % parts == part - 1) that
// are not yet complete in `runs_dir`, one after another, each with every core.
// With parts == 1 this runs whatever is missing and returns every result, as
// Ensemble::run's manager does; with parts > 1 it returns nullopt (the last
// command, without a share, gathers them).
std::optional<std::vector<ScenarioResult>> run_share(const std::vector<Scenario>& scenarios,
                                                     const ModelFactory& factory, const RunOptions& options,
                                                     const std::string& runs_dir, int part, int parts);

}  // namespace sgsim
