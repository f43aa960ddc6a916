#include "initial_state.hpp"

#include <cmath>
#include <numbers>

namespace meridian::atmosphere {

namespace {
// The planetary albedo North's profile is computed with: not an option, because the profile is only
// a starting point near equilibrium (the surface components own the real albedo).
constexpr double planetary_albedo = 0.3;
}  // namespace

double NorthProfile::at(double lat) const {
  const double x = std::sin(lat);
  return t0 + t2 * 0.5 * (3 * x * x - 1);
}

NorthProfile north_profile(const core::Config& config, double diffusivity, double olr_a, double olr_b) {
  const double q = config.has("sunlight.q") ? config.real("sunlight.q") : 340.0;
  const double s2 = config.has("sunlight.s2") ? config.real("sunlight.s2") : -0.482;
  const double absorbed = q * (1 - planetary_albedo);
  // Lap P2 = -6 P2 on the unit sphere, so each Legendre mode balances separately.
  if (olr_b == 0.0) return {0.0, 0.0};  // no equilibrium exists: start from 0 degC
  return {(absorbed - olr_a) / olr_b, absorbed * s2 / (olr_b + 6 * diffusivity)};
}

double cosine_bell(const core::SphereGrid& grid, int i, int j) {
  constexpr double h0 = 1000.0, bell_radius = 1.0 / 3.0;
  constexpr double lon_c = 1.5 * std::numbers::pi, lat_c = 0.0;
  const double lon = (i + 0.5) * grid.dlon(), lat = grid.lat(j);
  const double cos_r = std::sin(lat_c) * std::sin(lat) + std::cos(lat_c) * std::cos(lat) * std::cos(lon - lon_c);
  const double r = std::acos(std::fmin(1.0, std::fmax(-1.0, cos_r)));  // great-circle distance
  return r < bell_radius ? 0.5 * h0 * (1 + std::cos(std::numbers::pi * r / bell_radius)) : 0.0;
}

}  // namespace meridian::atmosphere
