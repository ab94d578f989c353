#pragma once
// `sgsim trace`: one child's narrated timeline, and a branch at a date
// (sim/trace/trace.hpp does the runs; analysis/trace.py narrates and draws).
#include <string>
#include <vector>

#include "sim/schedule/module.hpp"

namespace sgsim {

struct TraceArgs {
  std::string scenario, output, json;
  int64_t child = -1, replicate = 0, continuations = 20;
  double scale = 1.0;
  std::vector<std::string> sets, branches;  // PATH=VALUE; DATE:PATH=VALUE
  bool force = false;
};

int cmd_trace(const TraceArgs& a, const ModelFactory& factory);

}  // namespace sgsim
