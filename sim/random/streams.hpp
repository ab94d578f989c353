#pragma once
// Counter-based random streams (Philox4x64-10 from Random123).
//
// Why counter-based: a draw is a pure function of (key, counter), so no generator
// state is shared between threads and results do not depend on the thread count
// or on the order in which agents are processed (DESIGN.md §3, principle 1).
//   key     = (seed, replicate << 32 | stream)
//   counter = (agent id, day, purpose-local draw block, 0)
// Because draws are keyed by agent and purpose, two scenarios share their random
// numbers wherever they ask the same question of the same agent on the same day
// (common random numbers, DESIGN.md §3 principle 2).
#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>

namespace sgsim {

using Philox = r123::Philox4x64;

// Named purposes: each module asks for its own stream id so that adding a draw in
// one module never shifts another module's numbers.
using StreamId = uint32_t;

// A short sequence of draws for one (agent, day) under one stream. Cheap to make
// (a few words on the stack); generates four 64-bit words per Philox call.
class Draws {
 public:
  using result_type = uint64_t;

  // `continuation` is 0 but in a branch's continuation of a run (RandomStreams::fork).
  Draws(const Philox::key_type& key, uint64_t agent, int64_t day, uint64_t continuation = 0)
      : key_(key), ctr_{{agent, static_cast<uint64_t>(day), 0, continuation}} {}

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  // Uniform random bits (a UniformRandomBitGenerator, so std distributions work).
  result_type operator()() {
    if (used_ == 4) refill();
    return block_[used_++];
  }

  // Uniform in (0, 1]: never zero, so -log(u) is finite.
  double uniform() { return r123::u01<double>((*this)()); }

  bool bernoulli(double p) { return uniform() <= p; }

  // Exponential waiting time with the given rate (per unit time); infinite for rate 0.
  double exponential(double rate) {
    if (!(rate > 0.0)) return std::numeric_limits<double>::infinity();
    return -std::log(uniform()) / rate;
  }

  // Whole days (at least 1) until the next event of a hazard `rate` (events per
  // day) that starts now: the first later day on which the process fires, drawn by
  // inversion so that a higher rate gives an earlier day from the same number.
  // Today's events are settled by the phase that draws, hence the minimum of 1.
  // A zero rate gives kNeverDays: far beyond any run, yet small enough that
  // today + kNeverDays still fits in an int32 (the agenda then drops it).
  static constexpr int64_t kNeverDays = int64_t{1} << 30;
  int64_t days_until(double rate) {
    const double t = exponential(rate);
    if (t >= static_cast<double>(kNeverDays)) return kNeverDays;
    return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(t)));
  }

  // Index drawn with probability proportional to weights (weights need not sum to 1).
  size_t categorical(std::span<const double> weights) {
    double total = 0.0;
    for (double w : weights) total += w;
    double u = uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (u <= weights[i]) return i;
      u -= weights[i];
    }
    return weights.size() - 1;
  }

  // Integer in [0, n).
  uint64_t below(uint64_t n) {
    if (n == 0) return 0;
    // Lemire's multiply-shift; bias below 2^-64 · n, negligible at agent counts.
    __extension__ using u128 = unsigned __int128;
    return static_cast<uint64_t>((static_cast<u128>((*this)()) * n) >> 64);
  }

  int64_t poisson(double mean) {
    if (!(mean > 0.0)) return 0;
    std::poisson_distribution<int64_t> d(mean);
    return d(*this);
  }

 private:
  void refill() {
    block_ = Philox()(ctr_, key_);
    ++ctr_[2];
    used_ = 0;
  }
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type block_{};
  unsigned used_ = 4;
};

// The keyed source of every random number in one replicate of one scenario.
class RandomStreams {
 public:
  RandomStreams(uint64_t seed, uint32_t replicate) : seed_(seed), replicate_(replicate) {}

  Draws draws(StreamId stream, uint64_t agent, int64_t day) const {
    Philox::key_type key{{seed_, (static_cast<uint64_t>(replicate_) << 32) | stream}};
    return Draws(key, agent, day, day >= fork_day_ ? continuation_ : 0);
  }

  // From now on, draws keyed by `from_day` or later come from continuation k of
  // the run (k ≥ 1; 0 is the run itself). What was drawn before the fork, and
  // what is keyed by an earlier day (a child's lifelong draws, keyed by day 0), is
  // unchanged, so the history to `from_day` is the run's own and each k is a
  // different future from it (a trainer's branch: docs/guide-trainers.md).
  void fork(int64_t from_day, uint32_t continuation) {
    fork_day_ = from_day;
    continuation_ = continuation;
  }

  uint64_t seed() const { return seed_; }
  uint32_t replicate() const { return replicate_; }

 private:
  uint64_t seed_;
  uint32_t replicate_;
  int64_t fork_day_ = std::numeric_limits<int64_t>::max();
  uint32_t continuation_ = 0;
};

}  // namespace sgsim
