#pragma once
// How the process asks the C library for memory (called first thing by the
// programs: the CLI and the benchmark).
#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

}  // namespace sgsim
