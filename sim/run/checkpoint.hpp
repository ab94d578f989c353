#pragma once
// Checkpoint files (sgsim run --checkpoint-every DAYS --checkpoint FILE, and
// sgsim run --resume FILE). A long run writes the whole state of the replicate
// in progress every DAYS simulated days, so a job killed by a scheduler, a power
// cut or Ctrl-C loses at most DAYS days of work; replicates already finished are
// kept as complete run files in OUTPUT.runs/ (sim/output/run_store.hpp), as an
// ensemble keeps them. A resumed run is the uninterrupted one bit for bit
// (tests/sim/test_checkpoint.cpp, tests/e2e/test_checkpoint.sh).
//
// The file: a header (magic, format, the program's version and revision, the
// command that was running, which run and which day), then the Simulation's
// state (Simulation::save), then a trailer with a 64-bit checksum of the state
// and an end mark. It is written to a temporary beside FILE and renamed into
// place, so FILE is always the last complete checkpoint. A file that is not a
// checkpoint, was written by another build, is cut short or fails its checksum,
// or belongs to another run, is refused with CheckpointError saying which.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "sim/run/runner.hpp"

namespace sgsim {

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CheckpointHeader {
  std::string version;      // kVersion and kGitRevision of the program that wrote it
  std::string command;      // the command being run, as the CLI stored it (opaque here)
  std::string fingerprint;  // names the run: resolved scenario, replicate, scale, event log
  uint64_t scenario = 0;
  uint32_t replicate = 0;
  int32_t day = 0;  // the internal day the state is at (the next day to simulate)
};

// Writes `sim`'s state to `path` atomically (throws std::runtime_error if it cannot).
void write_checkpoint(const std::string& path, const CheckpointHeader& header, const Simulation& sim);
// The same for any state: `save` writes it (a national run: every authority and
// the national services).
void write_checkpoint(const std::string& path, const CheckpointHeader& header,
                      const std::function<void(StateOut&)>& save);

// The header of the checkpoint at `path`, after checking the whole file: magic,
// format, version, length and checksum. Throws CheckpointError naming what is wrong.
CheckpointHeader read_checkpoint_header(const std::string& path);

// Loads the state at `path` into `sim`, which must be built from the same
// scenario, seed, replicate and options (the caller checks the fingerprint).
void load_checkpoint(const std::string& path, Simulation& sim);
void load_checkpoint(const std::string& path, const std::function<void(StateIn&)>& load);

}  // namespace sgsim
