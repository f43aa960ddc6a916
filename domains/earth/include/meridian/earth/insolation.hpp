#pragma once
// Top-of-atmosphere sunlight, W m-2: the annual mean Q (1 + s2 P2(sin lat)) of North (1975), or a
// daily-mean seasonal cycle from the solar declination. Options live in [sunlight]; the driver
// declares them, components that absorb sunlight read them through this class.

#include "meridian/core/config.hpp"

namespace meridian::earth {

using core::Config;
using core::OptionRegistry;

void declare_sunlight_options(OptionRegistry& options);

class Insolation {
 public:
  explicit Insolation(const Config& config);
  Insolation(bool enabled, bool seasonal, double q, double s2, double obliquity_deg);
  // Daily-mean insolation at latitude `lat` (radians) at model time `time` (s since the start).
  double at(double lat, double time) const;
  // What reaches the surface, at() (1 - a), and what the air column absorbs, at() a, with a =
  // sunlight.absorbed_by_air (0 for the two-argument constructor: all reaches the surface, bit for bit).
  double at_surface(double lat, double time) const { return at(lat, time) * (1.0 - air_fraction_); }
  double in_air(double lat, double time) const { return at(lat, time) * air_fraction_; }
  double air_fraction() const noexcept { return air_fraction_; }
  bool enabled() const noexcept { return enabled_; }

 private:
  bool enabled_, seasonal_;
  double q_, s2_, obliquity_;
  double air_fraction_ = 0.0;
};

}  // namespace meridian::earth
