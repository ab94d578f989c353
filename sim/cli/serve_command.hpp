#pragma once
// `sgsim serve`: a local web page for a training room. A trainer picks a vignette,
// sees one child's timeline, chooses a date, moves levers (registry parameters)
// and compares the child's path and outcomes with and without the change. The
// runs are sgsim trace's (sim/trace/trace.hpp); the page (sim/serve/page.html) is
// self-contained and draws everything from the JSON API in this command.
#include <string>
#include <vector>

#include "sim/schedule/module.hpp"

namespace sgsim {

struct ServeArgs {
  std::string host = "127.0.0.1";  // this machine only unless --host says otherwise
  int port = 8765;                 // 0: any free port (the URL printed says which)
  std::vector<std::string> scenario_dirs;  // empty: the source tree's vignettes (or local scenarios)
  std::vector<std::string> sets;           // PATH=VALUE applied to every scenario from the start
  double scale = 1.0;
};

// Serves until the process is stopped (Ctrl-C); returns only if it cannot listen.
int cmd_serve(const ServeArgs& a, const ModelFactory& factory);

// The page, embedded at build time from sim/serve/page.html (sim/serve/embed_page.cmake).
extern const char* const kServePage;

}  // namespace sgsim
