#pragma once
// How the process asks the C library for memory (called first thing by the
// programs: the CLI and the benchmark).
#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
#endif

#include <cstdlib>
#include <fstream>
#include <string>

namespace sgsim {

// Agent columns, agenda lists and record stores grow in steps of a quarter
// (grow_by_quarter), and each step frees the old buffer. glibc raises its mmap
// threshold to the largest buffer freed so far, so later buffers of up to 32 MB
// come from the heap and the freed ones stay resident as holes: about 0.24 GB of
// England's peak at full scale (docs/performance.md). A fixed threshold keeps
// every buffer above it mapped on its own and returned when freed.
inline constexpr int kMmapThresholdBytes = 128 * 1024;  // glibc's own starting value

inline void keep_large_buffers_mapped() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
#endif
}

// Free memory back to the kernel. Buffers under the mmap threshold (a day's
// agenda list, a child's short lists) come from the heap, and as they grow and
// move the heap keeps the old ones' pages resident, free but counted; a national
// run's resident set grows for ten years and peaks at its end. glibc's
// malloc_trim gives whole free pages back (England as 152 authorities, ten
// years, a trim a year: 3.99 -> 3.81 x 10^9 bytes at the peak; the same results).
inline void return_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

// Transparent huge pages for the program's memory. A day's work reads columns of
// children and households at scattered rows, gigabytes of them at national scale,
// so with 4 KiB pages most of those reads also miss the TLB; with 2 MiB pages a
// national run at 10% took 10-18% less time, with the same results
// (docs/performance.md, "Huge pages"). Where the kernel gives huge pages on
// request (transparent_hugepage "madvise", Debian's default), glibc asks for them
// when its tunable glibc.malloc.hugetlb is 1; tunables are read only as a program
// starts, so the program starts itself again, once, with the tunable added to
// GLIBC_TUNABLES. Not done when the tunable is already set (by the user, or by
// the first start), when SGSIM_HUGE_PAGES=0, under MPI (ranks are started by
// mpirun: pass the variable with `mpirun -x GLIBC_TUNABLES=glibc.malloc.hugetlb=1`,
// docs/cluster.md), or where the kernel has no such setting. If starting again
// fails the program goes on as it is.
inline void start_again_with_huge_pages([[maybe_unused]] char** argv) {
#if defined(__GLIBC__) && defined(__linux__)
  const char* wanted = std::getenv("SGSIM_HUGE_PAGES");
  if (wanted && std::string(wanted) == "0") return;
  for (const char* rank : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(rank)) return;
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
