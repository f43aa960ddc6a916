// The atmosphere's time step: finite-volume diffusion, flux-limited advection and longwave cooling,
// all explicit and single stage, so one halo exchange of width 2 serves a whole step.
#include <algorithm>
#include <cmath>
#include <limits>

#include "meridian/atmosphere/atmosphere.hpp"

namespace meridian::atmosphere {

namespace {

// The MC limiter of van Leer (1977) in slope form: phi(r) * down with r = up / down, written without
// the division so a flat region (down == 0) needs no special case.
inline double limited_difference(double up, double down) {
  if (up * down <= 0.0) return 0.0;
  const double s = std::fmin(std::fmin(2 * std::fabs(up), 2 * std::fabs(down)), 0.5 * std::fabs(up + down));
  return down > 0.0 ? s : -s;
}

// T on the face between cells i and i+1 of one row (Sweby's flux-limited Lax-Wendroff), Courant
// number c of either sign. Reads t[i-1 .. i+2] at most, so a halo of 2 suffices. The same call
// gives the east face of cell i and the west face of cell i+1: the flux leaving one enters the other
// bit for bit, which conserves heat along the row.
inline double face_value(const double* t, int i, double c) {
  if (c >= 0.0) return t[i] + 0.5 * (1.0 - c) * limited_difference(t[i] - t[i - 1], t[i + 1] - t[i]);
  return t[i + 1] - 0.5 * (1.0 + c) * limited_difference(t[i + 2] - t[i + 1], t[i + 1] - t[i]);
}

// Row j of a field, indexable by i from -halo to nx + halo - 1.
inline const double* row_of(const core::Field& f, int j) { return f.data() + f.offset(0, j); }

}  // namespace

Atmosphere::Row Atmosphere::row_constants(int j) const {
  return earth::diffusion_row(*grid_, j, diffusivity_, polar_latitude_);
}

double Atmosphere::stable_time_step() const {
  // Every global row, not only the owned ones, so that every rank reports the same number.
  double diffusion_rate = 0.0;  // s-1
  for (int j = 0; j < grid_->ny(); ++j) {
    const Row r = row_constants(j);
    diffusion_rate = std::max(diffusion_rate, (2 * r.zonal + r.north + r.south) * r.inv_area / capacity_);
  }
  // Each rate alone is the sharp limit of its process (checkerboard mode for diffusion, c <= 1 for the
  // limited advection, B dt / C <= 1 for monotone decay); their sum keeps the update a convex
  // combination of old values when all act at once.
  const double advection_rate = std::fabs(wind_) / (grid_->radius() * grid_->dlon());
  const double longwave_rate = longwave_ ? olr_b_ / capacity_ : 0.0;
  const double rate = diffusion_rate + advection_rate + longwave_rate;
  return rate > 0.0 ? 1.0 / rate : std::numeric_limits<double>::infinity();
}

void Atmosphere::update_cells(int i0, int i1, int j0, int j1) {
  const core::Field& t = *t_;
  // Locals, not members, inside the loops: the stores to the input count could otherwise alias them and
  // force a reload every cell.
  const double dt = dt_, dt_over_c = dt_ / capacity_, c = courant_, now = double(steps_) * dt_;
  const double olr_a = olr_a_, olr_b = olr_b_;
  const bool longwave_on = longwave_, absorbs = sun_.has_value();
  const int nx = t.nx();
  for (int j = j0; j < j1; ++j) {
    const Row& row = rows_[j];
    const int gj = decomp_->y_range().begin + j;
    const double* here = row_of(t, j);
    // Beyond a pole there is no neighbour (the halo rows there are never filled): pointing at this
    // row instead makes the gradient exactly zero, on top of the zero face coefficient.
    const double* up = gj + 1 < grid_->ny() ? row_of(t, j + 1) : here;
    const double* down = gj > 0 ? row_of(t, j - 1) : here;
    const double* forcing = row_of(*flux_, j);
    double* input = &(*input_)(0, j);
    const double sunlight = absorbs ? sun_->in_air(grid_->lat(gj), now) : 0.0;
    for (int i = i0; i < i1; ++i) {
      const double ti = here[i];
      // Face fluxes into the cell, each written exactly as its neighbour writes it.
      const double diffusion = row.zonal * (here[i + 1] - ti) - row.zonal * (ti - here[i - 1]) +
                               row.north * (up[i] - ti) - row.south * (ti - down[i]);
      const double longwave = longwave_on ? olr_a + olr_b * ti : 0.0;
      // Without absorbed sunlight the sum is the one North's verification was written for, bit for bit.
      const double heating = absorbs ? diffusion * row.inv_area + forcing[i] + sunlight - longwave
                                     : diffusion * row.inv_area + forcing[i] - longwave;
      double value = ti + dt_over_c * heating;
      input[i] += dt * (sunlight - longwave);  // what crossed the top this step, J m-2
      if (c != 0.0) value -= c * (face_value(here, i, c) - face_value(here, i - 1, c));
      next_[std::size_t(j) * nx + i] = value;
    }
  }
}

void Atmosphere::step() {
  core::Field& t = *t_;
  const int nx = t.nx(), ny = t.ny();
  // Cells two columns and one row inside the block read no halo: update them while messages fly.
  const int i0 = std::min(2, nx), i1 = std::max(i0, nx - 2);
  const int j0 = std::min(1, ny), j1 = std::max(j0, ny - 1);
  core::HaloHandle halo = core::plan_for(*decomp_, halo_width()).start({&t});
  update_cells(i0, i1, j0, j1);
  halo.finish();
  update_cells(0, nx, 0, j0);
  update_cells(0, nx, j1, ny);
  update_cells(0, i0, j0, j1);
  update_cells(i1, nx, j0, j1);
  for (int j = 0; j < ny; ++j) std::copy_n(next_.data() + std::size_t(j) * nx, nx, &t(0, j));
  ++steps_;
}

}  // namespace meridian::atmosphere
