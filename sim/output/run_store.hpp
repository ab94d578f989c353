#pragma once
// One replicate of one scenario in a file of its own: the unit of work of an
// ensemble spread over MPI ranks (sim/run/ensemble.hpp). The rank that ran it
// writes it (to a temporary, renamed into place when complete); the manager reads
// every one back and writes the ensemble's run file with write_run_file, exactly
// as a single machine would, so the analysis tools read either alike. A rerun of
// the same command finds the complete ones and skips them: a job killed by a
// scheduler continues where it stopped.
#include <optional>
#include <string>
#include <vector>

#include "sim/run/runner.hpp"

namespace sgsim {

struct StoredRun {
  ReplicateResult result;
  // Kept with every run: the manager needs one set per scenario, whichever
  // replicate finishes first.
  std::vector<MetricInfo> metrics;
  EventRegistry event_types;
};

// Writes `path` atomically (a hidden temporary beside it, renamed into place).
// `fingerprint` names what was run (the resolved scenario, replicate, scale,
// event log) so that a file left by a different command is never taken for it.
void write_stored_run(const std::string& path, const std::string& fingerprint, const StoredRun& run);

// The run stored at `path` if it is complete and its fingerprint matches; nullopt
// if there is no such file or it was made by another command. A damaged file
// throws H5Error naming it.
std::optional<StoredRun> read_stored_run(const std::string& path, const std::string& fingerprint);

}  // namespace sgsim
