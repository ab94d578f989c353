// exploratory
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include "tests/vignettes/vignette_history.hpp"

using namespace sgsim;
using namespace sgsim::testing;

TEST(VignetteCoventry, Explore) {
  const int n = std::getenv("COV_N") ? std::atoi(std::getenv("COV_N")) : 10;
  for (const char* preset : {"as_was", "after_reforms"}) {
    auto runs = run_vignette(std::string("scenarios/vignettes/coventry/") + preset + ".yaml", n);
    for (auto& r : runs) {
      const auto saw = r.kind("agency_saw");
      (void)saw;
      int32_t first_rec = INT32_MAX;
      for (size_t k = 0; k < 5; ++k) {
        int32_t f = r.first(k, "exploitation_recognised", 0);
        if (f >= 0) first_rec = std::min(first_rec, f);
      }
      // closures year 1
      size_t closures = 0, contacts = 0;
      for (size_t k = 0; k < 5; ++k) {
        closures += r.count(k, "contact", 0, 365, [](const Event& e) { return e.detail == 0 || e.detail == 4; });
        contacts += r.count(k, "contact", 0, 365);
        for (auto& t : r.traces(k, "assessment_decision", 0, 365)) closures += t.detail == 0;
      }
      std::set<int> agencies1, agencies3;
      size_t shared = 0, notshared = 0, held = 0, made = 0;
      const int32_t until = first_rec == INT32_MAX ? r.days : first_rec;
      for (size_t k = 0; k < 5; ++k) {
        for (auto& t : r.traces(k, "agency_saw", 0, until)) {
          if (t.detail == 1) agencies1.insert(t.agency);
          if (t.detail == 3) agencies3.insert(t.agency);
        }
        for (auto& t : r.traces(k, "agency_share", 0, until)) (t.detail & 16 ? shared : notshared)++;
        for (auto& t : r.traces(k, "agency_contact_decision", 0, until)) (t.detail >= 2 ? held : made)++;
      }
      std::printf("%s rec1=%d closuresY1=%zu/%zu ag1=%zu ag3=%zu share %zu/%zu held %zu made %zu\n", preset,
                  first_rec == INT32_MAX ? -1 : first_rec, closures, contacts, agencies1.size(), agencies3.size(),
                  shared, shared + notshared, held, made);
      for (size_t k = 0; k < 5; ++k) {
        const int32_t rec = r.first(k, "exploitation_recognised", 0);
        const size_t miss = r.count(k, "missing", 0);
        const size_t rep = r.count(k, "missing", 0, INT32_MAX, [](const Event& e) { return (e.detail & 16) != 0; });
        const size_t harm = r.count(k, "exploitation_harm", 0);
        const size_t harm_after = rec >= 0 ? r.count(k, "exploitation_harm", rec) : 0;
        const int32_t expl = r.first(k, "exploitation_stage", INT32_MIN, [](const Event& e) { return e.detail % 4 == 3; });
        const int32_t out = r.first(k, "exploitation_stage", std::max(expl, 0), [](const Event& e) { return e.detail % 4 == 0; });
        std::printf("   child%zu rec=%d nrec=%zu miss=%zu rep=%zu harm=%zu after=%zu expl=%d out=%d plan=%d care=%d disc=%zu rhi2=%zu left=%d\n",
                    k + 1, rec, r.count(k, "exploitation_recognised", 0), miss, rep, harm, harm_after, expl, out,
                    r.first(k, "status", 0, [](const Event& e) { return e.detail == 5; }), r.first(k, "care_entry", 0),
                    r.count(k, "disclosure", 0), r.count(k, "return_interview", 0, INT32_MAX, [](const Event& e) { return e.detail == 2; }),
                    int(r.children[k].left));
      }
    }
  }
}
