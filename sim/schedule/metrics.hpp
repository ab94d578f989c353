#pragma once
// Daily metrics: each module declares what it reports (name, unit, meaning, and
// whether it is a flow counted per day or a stock read at the end of the day).
// The runner writes them as /scenarios/<name>/timeseries/<metric> (DESIGN.md §5).
#include <cstdint>
#include <string>
#include <vector>

#include "sim/storage/state_archive.hpp"

namespace sgsim {

enum class MetricKind { flow, stock };

struct MetricId {
  uint16_t index = UINT16_MAX;
};

// How authorities' values make a national one (a national run, sim/run/national.hpp):
// most metrics are counts and add up; an average is weighted by the metric it is
// an average over (caseloads by workers, distances by children placed); a
// maximum is the largest.
enum class Aggregate : uint8_t { sum, mean, max };

struct MetricInfo {
  std::string name, unit, meaning;
  MetricKind kind;
  Aggregate aggregate = Aggregate::sum;
  std::string weight{};  // Aggregate::mean: the metric the average is over
};

class Metrics {
 public:
  MetricId add(std::string name, std::string unit, std::string meaning, MetricKind kind) {
    info_.push_back({std::move(name), std::move(unit), std::move(meaning), kind, Aggregate::sum, {}});
    today_.push_back(0.0);
    if (kind == MetricKind::flow) flows_.push_back(static_cast<uint16_t>(info_.size() - 1));
    return MetricId{static_cast<uint16_t>(info_.size() - 1)};
  }
  // An average over the units another metric counts (Aggregate::mean), or a maximum.
  void averaged_over(MetricId m, std::string weight) {
    info_[m.index].aggregate = Aggregate::mean;
    info_[m.index].weight = std::move(weight);
  }
  void maximum(MetricId m) { info_[m.index].aggregate = Aggregate::max; }
  void set_days(int32_t days) { series_.assign(info_.size(), std::vector<double>(static_cast<size_t>(days), 0.0)); }

  void add_to(MetricId m, double v) { today_[m.index] += v; }
  void set(MetricId m, double v) { today_[m.index] = v; }
  // Today's value so far (a flow's running total, a stock once set).
  double today(MetricId m) const { return today_[m.index]; }

  // End of day: store today's values (a negative output day is burn-in: not
  // stored) and reset the flows.
  // Every World closes its day, one per authority in a national run, so this
  // reads only the values and the list of flows, not each metric's description.
  void close_day(int32_t day) {
    if (last_only_) last_ = today_;
    else if (day >= 0)
      for (size_t i = 0; i < today_.size(); ++i) series_[i][static_cast<size_t>(day)] = today_[i];
    for (uint16_t f : flows_) today_[f] = 0.0;
  }

  // A national run's authorities keep no series of their own: the runner reads
  // each day's values as it closes and adds them into the national series and
  // the authority's summary (sim/run/national.cpp), saving a series per World.
  void keep_last_day_only() {
    series_.clear();
    last_only_ = true;
    last_.assign(info_.size(), 0.0);
  }
  const std::vector<double>& last_day() const { return last_; }

  const std::vector<MetricInfo>& info() const { return info_; }
  const std::vector<double>& series(size_t i) const { return series_[i]; }
  size_t size() const { return info_.size(); }
  // Checkpoints: today's running values and the series so far.
  void save(StateOut& ar) const { ar(info_.size(), today_, series_); }
  void load(StateIn& ar) {
    size_t n = 0;
    ar(n, today_, series_);
    if (n != info_.size()) throw std::runtime_error("the checkpoint has another set of metrics");
  }

 private:
  std::vector<MetricInfo> info_;
  std::vector<double> today_;
  std::vector<uint16_t> flows_;  // the flows' indices, reset at the end of each day
  std::vector<std::vector<double>> series_;
  bool last_only_ = false;
  std::vector<double> last_;
};

}  // namespace sgsim
