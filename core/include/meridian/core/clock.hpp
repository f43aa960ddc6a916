#pragma once
// Model time. Time is step * dt, never a running sum, so a restarted run has the same bits.
// Dates use a 365-day ("noleap") calendar starting at year 1.

#include <string>

namespace meridian::core {

inline constexpr double seconds_per_day = 86400.0;
inline constexpr double days_per_year = 365.0;

class Clock {
 public:
  Clock(double dt, long long total_steps, long long step = 0) : dt_(dt), total_(total_steps), step_(step) {}
  double dt() const noexcept { return dt_; }               // base step, s
  long long step() const noexcept { return step_; }        // base steps done
  long long total_steps() const noexcept { return total_; }
  double time() const noexcept { return double(step_) * dt_; }  // s since the start of the run
  bool done() const noexcept { return step_ >= total_; }
  void advance(long long steps) noexcept { step_ += steps; }
  // "0001-01-01 00:30:00" for time(): what progress lines and file names show.
  std::string date() const;

 private:
  double dt_;
  long long total_;
  long long step_;
};

}  // namespace meridian::core
