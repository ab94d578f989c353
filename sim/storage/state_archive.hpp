#pragma once
// The archive a checkpoint writes a run's state to (cereal's binary archive,
// Debian libcereal-dev). Every piece of state kept between simulated days — the
// World's tables, agenda and metrics, and each module's private queues, maps and
// pools — is written and read back through it, so a run resumed from a
// checkpoint is the uninterrupted run, bit for bit (tests/sim/test_checkpoint.cpp).
//
// Structs are written member by member with a `serialize(Archive&)` method or a
// free `serialize` next to them; `SGSIM_STATE(x, y, z)` writes that method.
#include <cereal/archives/binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/common.hpp>  // enums
#include <cereal/types/deque.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/unordered_map.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

namespace sgsim {

using StateOut = cereal::BinaryOutputArchive;
using StateIn = cereal::BinaryInputArchive;

}  // namespace sgsim

#define SGSIM_STATE(...)           \
  template <class Archive>         \
  void serialize(Archive& ar) {    \
    ar(__VA_ARGS__);               \
  }
