#include "meridian/core/time_step.hpp"

#include <charconv>
#include <cmath>

#include "meridian/core/error.hpp"

namespace meridian::core {

std::string format_seconds(double seconds) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, seconds);
  return (ec == std::errc() ? std::string(buf, end) : std::to_string(seconds)) + " s";
}

double component_time_step(double configured, double base_dt, const std::string& key, int rank) {
  if (configured == 0.0) return base_dt;
  const double ratio = configured / base_dt;
  const double whole = std::round(ratio);
  if (!(configured > 0.0) || whole < 1.0 || std::abs(ratio - whole) > 1e-9 * whole)
    throw ConfigError(rank, "", key + " = " + format_seconds(configured) + " is not a whole multiple of run.dt = " +
                                    format_seconds(base_dt) + " (use 0 for run.dt)");
  return whole * base_dt;
}

long long whole_steps(double duration, double dt, const std::string& key, int rank) {
  const double steps = std::round(duration / dt);
  if (!(steps >= 0) || std::abs(duration - steps * dt) > 1e-9 * dt)
    throw Error(rank, key, format_seconds(duration) + " is not a whole number of steps of " + format_seconds(dt));
  return static_cast<long long>(steps);
}

}  // namespace meridian::core
