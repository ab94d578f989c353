#pragma once
// How the process asks the C library for memory (called first thing by the
// programs: the CLI and the benchmark; sim/cli/huge_pages.hpp for huge pages).
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sgsim {

// Agent tables, agenda lists and record stores grow in steps of a quarter
// (ColumnTable, PodVector: with realloc, which past the threshold remaps a
// block's pages where they are). glibc raises its mmap threshold to the
// largest buffer freed so far, so later buffers of up to 32 MB
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

}  // namespace sgsim
