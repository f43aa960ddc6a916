#pragma once
// Face coefficients of explicit flux-form diffusion on the unit sphere, shared by every component
// that diffuses heat laterally, so all of them use the same metrics and the same polar treatment.

#include <cmath>

#include "meridian/core/sphere_grid.hpp"

namespace meridian::earth {

using core::SphereGrid;

// For global row j and diffusivity D (W m-2 K-1 on the unit sphere); multiply by a temperature
// difference for a face flux, W K-1 x K. Depends only on j, so every rank computes the same bits.
struct DiffusionRow {
  double zonal = 0;     // D r_j dlat / (cos(lat_j) dlon), r_j = min(1, cos^2 lat_j / cos^2 polar_latitude)
  double north = 0;     // D dlon cos(lat_edge(j+1)) / dlat; 0 at the north pole (the face has no length)
  double south = 0;     // the north coefficient of row j-1; 0 at the south pole
  double inv_area = 0;  // 1 / unit_area(j)
};

inline double north_face_coefficient(const SphereGrid& g, int j, double diffusivity) {
  if (j < 0 || j >= g.ny() - 1) return 0.0;
  return diffusivity * g.dlon() * std::cos(g.lat_edge(j + 1)) / g.dlat();
}

// `polar_latitude` in radians: poleward of it zonal diffusion is reduced by r_j so that its stable
// step does not shrink like cos^2(lat) toward the poles (meridional diffusion is untouched).
inline DiffusionRow diffusion_row(const SphereGrid& g, int j, double diffusivity, double polar_latitude) {
  const double c = std::cos(g.lat(j)), cp = std::cos(polar_latitude);
  const double reduction = std::fmin(1.0, (c * c) / (cp * cp));
  DiffusionRow row;
  row.zonal = diffusivity * reduction * g.dlat() / (c * g.dlon());
  row.north = north_face_coefficient(g, j, diffusivity);
  row.south = north_face_coefficient(g, j - 1, diffusivity);
  row.inv_area = 1.0 / g.unit_area(j);
  return row;
}

}  // namespace meridian::earth
