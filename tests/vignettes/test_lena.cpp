// Lena (000_0a3acfabeaeb94cf.txt; EVIDENCE.md §6.1): the as-was preset against
// the review's patterns, and the after-reforms preset against its claims.
//
// Each preset is run for kReplicates replicates (the scenario's own seed, so the
// two presets share their random streams replicate by replicate), in an
// authority of kChildren children (half Lena's, to keep the file fast; every
// capacity in the file is per 10,000 children, so the authority's rates are the
// same). A pattern "holds in most replicates" when its share is at least
// kMost; with 20 replicates a share's sd is at most sqrt(0.25/20) = 0.11, so a
// pattern whose true share is 0.8 or more fails this with probability under 5%
// (and the replicates are fixed, so the test is deterministic).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>

#include "tests/vignettes/vignette_history.hpp"

using namespace sgsim;
using namespace sgsim::testing;

namespace {

constexpr int kReplicates = 20;
constexpr int64_t kChildren = 30000;
constexpr double kMost = 0.6;

const std::vector<VignetteReplicate>& preset(const std::string& name) {
  return cached_vignette("scenarios/vignettes/lena/" + name + ".yaml", kReplicates, {{"population.children", kChildren}});
}

// A missing episode's detail: where (low 4 bits; 0 home, else a placement) + 16 if reported to police.
bool from_placement(const Event& e) { return (e.detail & 15) != 0; }
bool reported(const Event& e) { return (e.detail & 16) != 0; }

}  // namespace

bool inside_missing(const Event& e) { return (e.detail & 2) != 0; }  // exploitation_harm: + 2 inside an episode

// Most episodes from placements never reached the police: the home's own
// handling, "few reach police from placement" (§3.27-§3.28; EVIDENCE.md §6.1
// event 6: police-visible share ≤ 0.4). Criterion: of the replicates with at
// least 5 episodes from a placement, most have under half reported (pooled
// share 0.30 at this commit). With placements reporting every
// episode with pre-recorded details (L89-L97) the pooled share rises by at least
// 0.15 (observed 0.30 → 0.61).
TEST(VignetteLena, MostPlacementMissingEpisodesAreInvisibleToPolice) {
  auto pooled = [](const std::vector<VignetteReplicate>& runs) {
    double placed = 0, seen = 0;
    for (const auto& r : runs) {
      const auto eps = r.events(0, "missing", 0, INT32_MAX, from_placement);
      placed += static_cast<double>(eps.size());
      seen += static_cast<double>(std::count_if(eps.begin(), eps.end(), reported));
    }
    return seen / placed;
  };
  std::vector<VignetteReplicate> many;
  for (const auto& r : preset("as_was"))
    if (r.count(0, "missing", 0, INT32_MAX, from_placement) >= 5) many.push_back(r);
  ASSERT_GE(many.size(), kReplicates / 2u) << "Lena rarely went missing from a placement";
  EXPECT_GE(share(many, [](const VignetteReplicate& r) {
              const auto eps = r.events(0, "missing", 0, INT32_MAX, from_placement);
              return 2 * std::count_if(eps.begin(), eps.end(), reported) < static_cast<long>(eps.size());
            }),
            kMost);
  std::printf("reported share of placement episodes: as-was %.2f, after reforms %.2f\n", pooled(preset("as_was")),
              pooled(preset("after_reforms")));
  EXPECT_GE(pooled(preset("after_reforms")), pooled(preset("as_was")) + 0.15);
}

// Missing is highest in placements (§1.1, §3.27; EVIDENCE.md §6.1 stylised
// facts): in replicates where Lena entered care with at least 60 days on either
// side inside the three years, her daily rate of episodes after entry exceeds the
// rate before it in most (observed 14 of 17).
TEST(VignetteLena, MissingRisesAfterEntryToCare) {
  std::vector<VignetteReplicate> entered;
  for (const auto& r : preset("as_was")) {
    const int32_t care = r.first(0, "care_entry", 60);
    if (care >= 0 && care <= r.days - 60) entered.push_back(r);
  }
  ASSERT_GE(entered.size(), kReplicates / 2u);
  const double rises = share(entered, [](const VignetteReplicate& r) {
    const int32_t care = r.first(0, "care_entry", 60);
    const double before = static_cast<double>(r.count(0, "missing", 0, care)) / care;
    const double after = static_cast<double>(r.count(0, "missing", care, r.days)) / (r.days - care);
    return after > before;
  });
  std::printf("missing rises after entry in %.2f of %zu replicates\n", rises, entered.size());
  EXPECT_GE(rises, kMost);
}

// She was looked after within the review's three years (s20 after 01.11.17,
// care and secure orders in early 2018: §3.24-§3.41; EVIDENCE.md §6.1 events 5
// and 7). Criterion: a care entry at any time up to the run's end, including one
// in the burn-in, in most replicates (observed 17 of 20).
TEST(VignetteLena, SheIsLookedAfterWithinTheThreeYears) {
  const double looked_after =
      share(preset("as_was"), [](const VignetteReplicate& r) { return r.count(0, "care_entry") > 0; });
  std::printf("looked after in %.2f of replicates\n", looked_after);
  EXPECT_GE(looked_after, kMost);
}

// Harm of exploitation falls inside missing episodes (rape and assault
// statements on two episodes, §1.1; §3.58): pooled over replicates, at least
// 70% of exploitation harm events are inside an episode (observed 0.85 of 227).
TEST(VignetteLena, ExploitationHarmHappensWhileMissing) {
  double all = 0, inside = 0;
  for (const auto& r : preset("as_was")) {
    const auto h = r.events(0, "exploitation_harm", 0);
    all += static_cast<double>(h.size());
    inside += static_cast<double>(std::count_if(h.begin(), h.end(), inside_missing));
  }
  ASSERT_GT(all, 40) << "too little harm to judge";
  std::printf("exploitation harm inside missing episodes: %.2f of %.0f\n", inside / all, all);
  EXPECT_GE(inside / all, 0.7);
}

// The review's changes (L87-L101) claim less harm before protection. NOT
// REPRODUCED, and so not tested (child.yaml): over 60 replicates (0-59) her
// exploitation harm events in the three years go 9.8 -> 7.7, a paired difference
// of -2.1 with a 95% interval of -6.6 to +2.4; the paired difference's sd (17.5
// events: a few replicates have very many) would need about 300 replicates to
// resolve a fall of that size. (Capped counts, harm within her first or second
// year and the share with any harm showed no fall either, measured at an earlier
// step of the 2026-12 calibration.) What the reforms do change in the model is
// reporting: episodes reported to police go 12.6 -> 24.9 (interval +3.0 to
// +21.6; the test above checks the reported share). Her episodes do not fall
// (32.1 -> 38.7, interval -6.5 to +19.6): reforms that find her sooner bring her
// into care more often (0.62 -> 0.73 of replicates within the three years; the
// first entry on day 517 -> 420 on average) and a placement carries a higher
// missing hazard than home (exploitation.missing.where_ratio): episodes from
// placements 28.2 -> 34.2. Until 2026-12 this file asked for a 20% fall over its
// 20 replicates, which passed on a favourable draw.
