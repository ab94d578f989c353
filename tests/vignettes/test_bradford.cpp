// TEMPORARY exploration (being written).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "tests/vignettes/vignette_history.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {
void dump(const char* path, int n) {
  auto runs = run_vignette(path, n);
  for (size_t i = 0; i < runs.size(); ++i) {
    auto& r = runs[i];
    std::printf("== %s rep %zu left=%d\n", path, i, int(r.children[0].left));
    std::printf("  status:");
    for (auto& e : r.events(0, "status", -400)) std::printf(" %d:%d", e.day, e.detail);
    std::printf("\n  planrev:");
    for (auto& t : r.traces(0, "plan_review_decision", -400)) std::printf(" %d:%d(%.1f/%.1f)", t.day, t.detail, t.estimate, t.threshold);
    std::printf("\n  care:");
    for (auto& e : r.events(0, "care_entry")) std::printf(" entry%d:%d", e.day, e.detail);
    for (auto& e : r.events(0, "placement")) std::printf(" pl%d:%d", e.day, e.detail);
    for (auto& e : r.events(0, "care_exit")) std::printf(" exit%d:%d", e.day, e.detail);
    std::printf("\n  stage:");
    for (auto& e : r.events(0, "exploitation_stage", -400)) std::printf(" %d:%d", e.day, e.detail);
    std::printf("\n  recog:");
    for (auto& e : r.events(0, "exploitation_recognised", -400)) std::printf(" %d:%d", e.day, e.detail);
    std::printf("  arrests:");
    for (auto& e : r.events(0, "exploited_child_arrested", -400)) std::printf(" %d", e.day);
    std::printf("  discl:");
    for (auto& e : r.events(0, "disclosure", -400)) std::printf(" %d:%d", e.day, e.detail);
    auto miss = r.events(0, "missing", -400);
    auto rets = r.events(0, "missing_return", -400);
    std::printf("\n  missing %zu:", miss.size());
    for (size_t k = 0; k < miss.size(); ++k)
      std::printf(" %d/%d/%d", miss[k].day, miss[k].detail & 15, k < rets.size() ? rets[k].detail >> 2 : -1);
    std::printf("\n  xharm %zu harm %zu\n", r.count(0, "exploitation_harm", 0), r.count(0, "harm", 0));
  }
}
}  // namespace

TEST(VignetteAnna, Explore) {
  if (!std::getenv("BRADFORD_EXPLORE")) GTEST_SKIP();
  const char* p = std::getenv("BRADFORD_PRESET");
  dump(p ? p : "scenarios/vignettes/anna/as_was.yaml", std::atoi(std::getenv("BRADFORD_N") ? std::getenv("BRADFORD_N") : "5"));
}
