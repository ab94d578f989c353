#pragma once
// `sgsim run`, `sgsim compare` and `sgsim sweep`: one path that loads scenarios,
// runs them with common random numbers and writes one run file, so the three
// differ only in which scenarios they build and what they print.
#include <string>
#include <vector>

#include "sim/schedule/module.hpp"

namespace sgsim {

struct RunArgs {
  std::vector<std::string> scenarios;  // run: one; compare: baseline then options; sweep: one
  std::string output;
  int64_t replicates = 0, seed = -1;
  int threads = 0;
  double scale = 1.0;
  std::vector<std::string> sets;  // PATH=VALUE (sweep: also PATH=FROM:TO:STEP and PATH=A,B)
  bool force = false, events = false;
  std::string share;  // "K/N": run only the K-th of N shares into the runs folder (a job array's task)
  int64_t checkpoint_every = 0;  // simulated days between checkpoints (0: none)
  std::string checkpoint;        // the checkpoint file
  bool resuming = false;         // set by --resume: the checkpoint file is expected, not refused
  std::string authorities;       // --authorities FILE: a national run over this table (docs/authorities.md)
};

int cmd_run(const RunArgs& a, const ModelFactory& factory, const std::string& command_line);
int cmd_compare(const RunArgs& a, const ModelFactory& factory, const std::string& command_line);
int cmd_sweep(const RunArgs& a, const ModelFactory& factory, const std::string& command_line);
// `sgsim run --resume FILE`: the command stored in the checkpoint, carried on
// (threads > 0 replaces the stored thread count: results do not depend on it).
int cmd_resume(const std::string& checkpoint, int threads, const ModelFactory& factory);

}  // namespace sgsim
