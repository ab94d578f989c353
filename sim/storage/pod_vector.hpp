#pragma once
// A vector of plain records that grows with realloc, for stores that live for a
// whole run and grow to millions of elements (the agencies' records of
// children). Past the mmap threshold (sim/storage/allocator.hpp) realloc grows a
// block by remapping its pages where they are; std::vector copies every element
// to fresh pages, which fault in one by one while the old ones are unmapped (a
// few per cent of a national run, docs/performance.md). It grows by a quarter at
// a time rather than by doubling (which leaves up to half of it spare).
// Checkpoints write it exactly as cereal writes a std::vector of the same
// elements.
#include <cereal/cereal.hpp>

#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace sgsim {

template <class T>
class PodVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "PodVector moves its elements as bytes");

 public:
  PodVector() = default;
  PodVector(const PodVector& o) {
    reserve(o.size_);
    if (o.size_ > 0) std::memcpy(static_cast<void*>(data_), o.data_, o.size_ * sizeof(T));
    size_ = o.size_;
  }
  PodVector(PodVector&& o) noexcept : data_(o.data_), size_(o.size_), capacity_(o.capacity_) {
    o.data_ = nullptr;
    o.size_ = o.capacity_ = 0;
  }
  PodVector& operator=(PodVector o) noexcept {  // copy or move, then swap
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
    return *this;
  }
  ~PodVector() { std::free(data_); }

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }

  // A new element at the end, value-initialised (T{}) or a copy of `x`.
  T& emplace_back() { return push_back(T{}); }
  T& push_back(const T& x) {
    if (size_ == capacity_) reserve(capacity_ + capacity_ / 4 + 4);
    data_[size_] = x;
    return data_[size_++];
  }
  // `n` elements: the first ones kept, any new ones value-initialised.
  void resize(size_t n) {
    reserve(n);
    for (size_t i = size_; i < n; ++i) data_[i] = T{};
    size_ = n;
  }
  void reserve(size_t n) {
    if (n <= capacity_) return;
    void* p = std::realloc(data_, n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();  // the old block is still ours
    data_ = static_cast<T*>(p);
    capacity_ = n;
  }
  void clear() { size_ = 0; }

  template <class Archive>
  void save(Archive& ar) const {
    ar(cereal::make_size_tag(static_cast<cereal::size_type>(size_)));
    for (size_t i = 0; i < size_; ++i) ar(data_[i]);
  }
  template <class Archive>
  void load(Archive& ar) {
    cereal::size_type n = 0;
    ar(cereal::make_size_tag(n));
    clear();
    reserve(static_cast<size_t>(n));
    for (cereal::size_type i = 0; i < n; ++i) ar(emplace_back());
  }

 private:
  T* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

}  // namespace sgsim
