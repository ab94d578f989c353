#pragma once
// Transparent huge pages for the program's memory (called first thing by the
// programs: the CLI and the benchmark).

namespace sgsim {

// A day's work reads columns of children and households at scattered rows,
// gigabytes of them at national scale, so with 4 KiB pages many of those reads
// also miss the TLB (docs/performance.md, "Huge pages"). Where the kernel gives
// huge pages on request (transparent_hugepage "madvise", Debian's default),
// glibc asks for them when its tunable glibc.malloc.hugetlb is 1; tunables are
// read only as a program starts, so the program starts itself again, once, with
// the tunable added to GLIBC_TUNABLES. Not done when the tunable is already set
// (by the user, or by the first start), when SGSIM_HUGE_PAGES=0, as a rank of an
// MPI ensemble (launched_as_ensemble: the launcher started it; docs/cluster.md
// says how to pass the tunable on), or where the kernel has no such setting. If
// starting again fails the program goes on as it is.
void start_again_with_huge_pages(char** argv);

}  // namespace sgsim
