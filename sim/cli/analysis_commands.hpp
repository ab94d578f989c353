#pragma once
// `sgsim report` and `sgsim export`: conveniences that hand a run file to the
// Python analysis package (analysis/, Debian's python3-h5py, -numpy, -pandas and
// -matplotlib), so that there is one implementation of each and the command line
// and `python3 -m analysis.report` always agree.
#include <string>
#include <vector>

namespace sgsim {

struct AnalysisArgs {
  std::string file, output;        // report
  std::string csv, ssda903, cin, metrics;  // export
  bool force = false;
};

// Replaces the sgsim process with `/usr/bin/python3 -m module args...` (the
// analysis package on PYTHONPATH); returns only if that fails.
int exec_python(const std::string& module, std::vector<std::string> args);
// Runs `/usr/bin/python3 -m module args...` as a child process and waits for it
// (for a server, which must go on): its exit status, or -1 if it could not start.
int run_python(const std::string& module, std::vector<std::string> args);

// Both replace the sgsim process with /usr/bin/python3 (its exit status is theirs).
int cmd_report(const AnalysisArgs& a);
int cmd_export(const AnalysisArgs& a);

}  // namespace sgsim
