#pragma once
// Initial states of the atmosphere that have a closed form (internal to meridian_atmosphere).

#include "meridian/core/config.hpp"
#include "meridian/core/sphere_grid.hpp"

namespace meridian::atmosphere {

// North's (1975) equilibrium T(lat) = T0 + T2 P2(sin lat), degC, for annual-mean sunlight
// Q (1 + s2 P2) absorbed with a fixed planetary albedo, diffusion D and longwave A + B T.
struct NorthProfile {
  double t0 = 0, t2 = 0;
  double at(double lat) const;  // lat in radians
};
// Q and s2 come from [sunlight] when the run declares it, else North's 340 W m-2 and -0.482.
NorthProfile north_profile(const core::Config& config, double diffusivity, double olr_a, double olr_b);

// Williamson et al. (1992) test 1 cosine bell at global cell (i, j): h0 = 1000, radius 1/3 on the
// unit sphere, centred at lon 3 pi / 2, lat 0.
double cosine_bell(const core::SphereGrid& grid, int i, int j);

}  // namespace meridian::atmosphere
