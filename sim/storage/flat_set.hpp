#pragma once
// A set kept as a sorted vector: the placement markets' lists of places with room
// (by type, nearest first, or by host and type), walked in order on every
// search and changed only when a place fills or frees. A std::set walked there
// chased a pointer per place; a national run's searches, made one authority
// after another while the other threads wait, spent a third of their time in
// the walk (docs/performance.md). Iteration order is the set's (ascending), so
// the searches find the same places.
#include <algorithm>
#include <vector>

namespace sgsim {

template <class T>
class FlatSet {
 public:
  using const_iterator = typename std::vector<T>::const_iterator;

  void insert(const T& x) {
    const auto it = std::lower_bound(v_.begin(), v_.end(), x);
    if (it == v_.end() || x < *it) v_.insert(it, x);
  }
  void erase(const T& x) {
    const auto it = std::lower_bound(v_.begin(), v_.end(), x);
    if (it != v_.end() && !(x < *it)) v_.erase(it);
  }
  bool contains(const T& x) const { return std::binary_search(v_.begin(), v_.end(), x); }
  const_iterator begin() const { return v_.begin(); }
  const_iterator end() const { return v_.end(); }
  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  void clear() { v_.clear(); }

  // Checkpoints: the elements in order.
  template <class Archive>
  void serialize(Archive& ar) {
    ar(v_);
  }

 private:
  std::vector<T> v_;
};

}  // namespace sgsim
