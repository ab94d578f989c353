#pragma once
// A one-line progress display on a terminal: replicate, simulated date and
// child-days per second. Silent when stdout is not a terminal (pipes, CI), so
// logs stay clean. Debian packages no C++ progress-bar library; this is one line.
#include <chrono>
#include <string>

#include "sim/calendar/calendar.hpp"
#include "sim/run/runner.hpp"

namespace sgsim {

class ProgressLine {
 public:
  ProgressLine(bool enabled, Date start) : enabled_(enabled), start_(start) {}
  static bool stdout_is_terminal();
  void update(const Progress& p);  // throttled to a few updates a second
  void finish();                   // clear the line

 private:
  bool enabled_;
  Date start_;
  std::chrono::steady_clock::time_point began_ = std::chrono::steady_clock::now(), last_{};
  bool drawn_ = false;
};

}  // namespace sgsim
