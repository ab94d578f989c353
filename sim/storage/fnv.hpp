#pragma once
// FNV-1a, 64 bits: a stable name for some bytes (a run's fingerprint, a table's
// digest, a checkpoint's checksum). Not for security. Feed it in pieces by
// passing the last result back in.
#include <cstdint>
#include <string_view>

namespace sgsim {

inline constexpr uint64_t kFnvOffset = 1469598103934665603ull;

constexpr uint64_t fnv1a64(std::string_view bytes, uint64_t h = kFnvOffset) {
  constexpr uint64_t kPrime = 1099511628211ull;
  for (char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * kPrime;
  return h;
}

}  // namespace sgsim
