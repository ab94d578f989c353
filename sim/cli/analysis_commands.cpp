#include "sim/cli/analysis_commands.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace sgsim {
namespace {

constexpr int kExitRunFailed = 1;
constexpr int kExitBadInput = 2;
// BUILD-NOTES / README: scripts call Debian's interpreter, which sees the python3-* packages.
constexpr const char* kPython = "/usr/bin/python3";

// Where the analysis package lives: $SGSIM_ANALYSIS_PATH (a directory holding
// analysis/), else the source tree sgsim was built from.
std::string analysis_root() {
  if (const char* env = std::getenv("SGSIM_ANALYSIS_PATH"); env && *env) return env;
  return SGSIM_SOURCE_DIR;
}

}  // namespace

int exec_python(const std::string& module, std::vector<std::string> args) {
  const std::string root = analysis_root();
  if (!std::filesystem::exists(std::filesystem::path(root) / "analysis" / "__init__.py")) {
    fmt::print(stderr, "sgsim: error: the analysis package is not in {} (set SGSIM_ANALYSIS_PATH to the directory "
                       "that holds analysis/)\n", root);
    return kExitBadInput;
  }
  const char* old = std::getenv("PYTHONPATH");
  const std::string path = old && *old ? root + ":" + old : root;
  ::setenv("PYTHONPATH", path.c_str(), 1);
  args.insert(args.begin(), {kPython, "-m", module});
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  ::execv(kPython, argv.data());
  fmt::print(stderr, "sgsim: error: cannot run {}: {} (install Debian's python3 with ./setup.sh build)\n", kPython,
             std::strerror(errno));
  return kExitRunFailed;
}

int run_python(const std::string& module, std::vector<std::string> args) {
  const std::string root = analysis_root();
  const char* old = std::getenv("PYTHONPATH");
  std::vector<std::string> env = {"PYTHONPATH=" + (old && *old ? root + ":" + old : root)};
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "PYTHONPATH=", 11) != 0) env.emplace_back(*e);
  args.insert(args.begin(), {kPython, "-m", module});
  std::vector<char*> argv, envp;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, kPython, nullptr, nullptr, argv.data(), envp.data()) != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cmd_report(const AnalysisArgs& a) {
  std::vector<std::string> args = {a.file, "-o", a.output};
  if (a.force) args.emplace_back("--force");
  return exec_python("analysis.report", args);
}

int cmd_export(const AnalysisArgs& a) {
  std::vector<std::string> args = {a.file};
  if (!a.csv.empty()) args.insert(args.end(), {"--csv", a.csv});
  if (!a.ssda903.empty()) args.insert(args.end(), {"--ssda903", a.ssda903});
  if (!a.cin.empty()) args.insert(args.end(), {"--cin", a.cin});
  if (!a.metrics.empty()) args.insert(args.end(), {"--metrics", a.metrics});
  if (a.force) args.emplace_back("--force");
  return exec_python("analysis.export", args);
}

}  // namespace sgsim
