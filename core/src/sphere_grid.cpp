#include "meridian/core/sphere_grid.hpp"

#include <cmath>
#include <numbers>

namespace meridian::core {

SphereGrid::SphereGrid(int nx, int ny, double radius)
    : nx_(nx), ny_(ny), radius_(radius), dlon_(2 * std::numbers::pi / nx), dlat_(std::numbers::pi / ny) {}

double SphereGrid::lon_deg(int i) const noexcept { return (i + 0.5) * 360.0 / nx_; }
double SphereGrid::lat_deg(int j) const noexcept { return -90.0 + (j + 0.5) * 180.0 / ny_; }
double SphereGrid::lon_edge_deg(int i) const noexcept { return i * 360.0 / nx_; }
double SphereGrid::lat_edge_deg(int j) const noexcept { return -90.0 + j * 180.0 / ny_; }
double SphereGrid::lat(int j) const noexcept { return -std::numbers::pi / 2 + (j + 0.5) * dlat_; }
double SphereGrid::lat_edge(int j) const noexcept {
  if (j <= 0) return -std::numbers::pi / 2;
  if (j >= ny_) return std::numbers::pi / 2;
  return -std::numbers::pi / 2 + j * dlat_;
}
double SphereGrid::unit_area(int j) const noexcept {
  return dlon_ * (std::sin(lat_edge(j + 1)) - std::sin(lat_edge(j)));
}

}  // namespace meridian::core
