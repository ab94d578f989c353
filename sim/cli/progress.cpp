#include "sim/cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace sgsim {

bool ProgressLine::stdout_is_terminal() { return isatty(STDOUT_FILENO) && isatty(STDERR_FILENO); }

void ProgressLine::update(const Progress& p) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200) && p.days_done < p.days_total) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - began_).count();
  const double rate = secs > 0 ? p.child_days / secs : 0.0;
  const double pct = p.days_total ? 100.0 * static_cast<double>(p.days_done) / static_cast<double>(p.days_total) : 0;
  const std::string line = fmt::format("\rsgsim: replicate {}/{} · {} · {:.0f}% · {:.1f} M child-days/s   ",
                                       p.replicate + 1, p.replicates,
                                       format_iso(Date{start_.serial + static_cast<int32_t>(p.day)}), pct, rate / 1e6);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace sgsim
