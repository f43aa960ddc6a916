#pragma once
// Component time steps are whole multiples of the base step (the driver moves in base steps), and a
// component advances by whole steps. Shared by every component so the rule and its message are one.
#include <string>

namespace meridian::core {

// The step set by option `key` ("ocean.dt"): 0 means `base_dt`, anything else must be a positive
// whole multiple of it. Throws ConfigError naming the key, the value and the base step. Local.
double component_time_step(double configured, double base_dt, const std::string& key, int rank);

// The number of steps of `dt` in `duration`; throws Error if it is not whole. Local.
long long whole_steps(double duration, double dt, const std::string& key, int rank);

// "2700 s", "0.5 s": seconds as people write them.
std::string format_seconds(double seconds);

}  // namespace meridian::core
