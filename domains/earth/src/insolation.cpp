#include "meridian/earth/insolation.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "meridian/core/clock.hpp"

namespace meridian::earth {

using namespace meridian::core;

void declare_sunlight_options(OptionRegistry& o) {
  o.add_boolean("sunlight.enabled", true, "absorb sunlight at the surface (false: a closed system)");
  o.add_boolean("sunlight.seasonal", false, "daily-mean seasonal cycle instead of the annual mean")
      .applies_only_with("sunlight.enabled", "true");
  o.add_real("sunlight.q", 340.0, "W m-2", "global-mean insolation Q (solar constant / 4)")
      .range(0, 2000)
      .applies_only_with("sunlight.enabled", "true");
  o.add_real("sunlight.s2", -0.482, "1", "second Legendre coefficient of the annual-mean distribution")
      .range(-2, 2)
      .applies_only_with("sunlight.enabled", "true")
      .applies_only_with("sunlight.seasonal", "false");
  o.add_real("sunlight.obliquity", 23.44, "degree", "axial tilt for the seasonal cycle")
      .range(0, 90)
      .applies_only_with("sunlight.enabled", "true")
      .applies_only_with("sunlight.seasonal", "true");
  o.add_real("sunlight.absorbed_by_air", 0.0, "1",
             "fraction of the top-of-atmosphere sunlight the air column absorbs before it reaches the surface "
             "(Trenberth et al. 2009: 78 of 341 W m-2, 0.23)")
      .range(0, 1)
      .applies_only_with("sunlight.enabled", "true");
}

Insolation::Insolation(const Config& c)
    : Insolation(c.boolean("sunlight.enabled"), c.boolean("sunlight.seasonal"), c.real("sunlight.q"),
                 c.real("sunlight.s2"), c.real("sunlight.obliquity")) {
  air_fraction_ = c.real("sunlight.absorbed_by_air");
}

Insolation::Insolation(bool enabled, bool seasonal, double q, double s2, double obliquity_deg)
    : enabled_(enabled), seasonal_(seasonal), q_(q), s2_(s2), obliquity_(obliquity_deg * std::numbers::pi / 180) {}

double Insolation::at(double lat, double time) const {
  if (!enabled_) return 0.0;
  if (!seasonal_) {
    const double x = std::sin(lat);
    return q_ * (1.0 + s2_ * 0.5 * (3 * x * x - 1));
  }
  // Daily mean for a circular orbit; day 0 is 1 January, the solstice about 10 days earlier.
  const double day = std::fmod(time / seconds_per_day, days_per_year);
  const double declination = -obliquity_ * std::cos(2 * std::numbers::pi * (day + 10) / days_per_year);
  const double cos_h0 = std::clamp(-std::tan(lat) * std::tan(declination), -1.0, 1.0);
  const double h0 = std::acos(cos_h0);  // hour angle of sunset
  const double s0 = 4 * q_;
  return s0 / std::numbers::pi *
         (h0 * std::sin(lat) * std::sin(declination) + std::cos(lat) * std::cos(declination) * std::sin(h0));
}

}  // namespace meridian::earth
