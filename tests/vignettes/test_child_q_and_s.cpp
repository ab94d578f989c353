#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "tests/vignettes/vignette_history.hpp"

using namespace sgsim;
using namespace sgsim::testing;

static void dump(const char* path, int n, bool skip_missing) {
  auto runs = run_vignette(path, n);
  for (auto& r : runs) {
    std::printf("--- %s\n", path);
    for (auto& e : r.children[0].events) {
      const auto& nm = r.types.kinds()[e.kind].name;
      if (skip_missing && (nm == "missing" || nm == "missing_return" || nm == "exploitation_harm" || nm == "harm")) continue;
      std::printf("%d %s a%d d%d\n", e.day, nm.c_str(), e.agency, e.detail);
    }
    std::printf("missing %zu notices %zu placements %zu\n", r.count(0, "missing"), r.count(0, "placement_notice"), r.count(0, "placement"));
  }
}

TEST(VignetteChildQ, Explore) {
  const char* p = std::getenv("QS_PATH");
  const char* n = std::getenv("QS_N");
  if (!p) GTEST_SKIP();
  dump(p, n ? std::atoi(n) : 3, std::getenv("QS_ALL") == nullptr);
}
