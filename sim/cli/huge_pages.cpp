#include "sim/cli/huge_pages.hpp"

#include <cstdlib>
#include <fstream>
#include <string>

#if defined(__GLIBC__) && defined(__linux__)
#include <unistd.h>
#endif

#include "sim/run/ensemble.hpp"

namespace sgsim {

void start_again_with_huge_pages([[maybe_unused]] char** argv) {
#if defined(__GLIBC__) && defined(__linux__)
  const char* wanted = std::getenv("SGSIM_HUGE_PAGES");
  if (wanted && std::string(wanted) == "0") return;
  if (launched_as_ensemble()) return;
  const char* set = std::getenv("GLIBC_TUNABLES");
  std::string tunables = set ? set : "";
  if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;
  std::ifstream mode_file("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string mode;
  if (!std::getline(mode_file, mode) || mode.find("[madvise]") == std::string::npos) return;
  tunables += (tunables.empty() ? "" : ":") + std::string("glibc.malloc.hugetlb=1");
  if (setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
#endif
}

}  // namespace sgsim
