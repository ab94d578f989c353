#pragma once
// A team's workers ordered by weighted load, then id: the lightest first, which
// is who gets the next case. Kept as a sorted vector rather than a std::set: a
// team is tens to a few hundred workers, a load changes a few times a day, and
// every worker is visited every day (leaving hazards, the day's caseload
// figures), which on a tree was a pointer chase per worker, about 2% of a
// national run (docs/performance.md). The order, and so every run, is the set's.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/storage/state_archive.hpp"

namespace sgsim::models {

class WorkersByLoad {
 public:
  using Entry = std::pair<double, uint32_t>;  // weighted load, worker id
  void insert(const Entry& e) { v_.insert(std::lower_bound(v_.begin(), v_.end(), e), e); }
  // Takes the entry away if it is there (as std::set::erase(key)).
  void erase(const Entry& e) {
    const auto it = std::lower_bound(v_.begin(), v_.end(), e);
    if (it != v_.end() && *it == e) v_.erase(it);
  }
  // A worker's load changed from `from` to `to`: the same order as erase(from)
  // then insert(to), moving only the entries between the two places (a load
  // changes by a case's weight, so they are near) rather than all after each.
  void update(const Entry& from, const Entry& to) {
    const auto at = std::lower_bound(v_.begin(), v_.end(), from);
    if (at == v_.end() || *at != from) return insert(to);
    if (to < from) {
      const auto place = std::lower_bound(v_.begin(), at, to);
      std::rotate(place, at, at + 1);
      *place = to;
    } else {
      const auto place = std::lower_bound(at + 1, v_.end(), to);
      std::rotate(at, at + 1, place);
      *(place - 1) = to;
    }
  }
  auto begin() const { return v_.begin(); }
  auto end() const { return v_.end(); }
  bool empty() const { return v_.empty(); }
  size_t size() const { return v_.size(); }
  SGSIM_STATE(v_)

 private:
  std::vector<Entry> v_;
};

}  // namespace sgsim::models
