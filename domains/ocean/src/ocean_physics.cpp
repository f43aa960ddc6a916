// The ocean's time step: explicit finite-volume diffusion masked at coastlines, plus sunlight and
// the imported surface flux. One halo exchange of width 1 per step.
#include <algorithm>
#include <cmath>
#include <limits>

#include "meridian/ocean/ocean.hpp"

namespace meridian::ocean {

namespace {
// Row j of a field, indexable by i from -halo to nx + halo - 1.
inline const double* row_of(const core::Field& f, int j) { return f.data() + f.offset(0, j); }
}  // namespace

Ocean::Row Ocean::row_constants(int j) const {
  return earth::diffusion_row(*grid_, j, diffusivity_, polar_latitude_);
}

double Ocean::stable_time_step() const {
  // min(f, f') / f <= 1, so the all-ocean cell is the stiffest: the bound holds for any mask.
  double rate = 0.0;
  for (int j = 0; j < grid_->ny(); ++j) {
    const Row r = row_constants(j);
    rate = std::max(rate, (2 * r.zonal + r.north + r.south) * r.inv_area / capacity_);
  }
  return rate > 0.0 ? 1.0 / rate : std::numeric_limits<double>::infinity();
}

void Ocean::step() {
  core::Field& t = *t_;
  const core::Field& f = *fraction_;
  const int nx = t.nx(), ny = t.ny();
  const double dt_over_c = dt_ / capacity_, now = time();
  core::plan_for(*decomp_, halo_width()).exchange({&t});
  for (int j = 0; j < ny; ++j) {
    const Row& row = rows_[j];
    const int gj = decomp_->y_range().begin + j;
    const double absorbed = sun_->at_surface(grid_->lat(gj), now) * (1.0 - albedo_);
    // Beyond a pole there is no neighbour: pointing at this row makes the flux exactly zero and
    // keeps the never-filled halo rows there unread.
    const int jn = gj + 1 < grid_->ny() ? j + 1 : j, js = gj > 0 ? j - 1 : j;
    const double *th = row_of(t, j), *tn = row_of(t, jn), *ts = row_of(t, js);
    const double *fh = row_of(f, j), *fn = row_of(f, jn), *fs = row_of(f, js);
    const double* forcing = row_of(*flux_, j);
    double* out = next_.data() + std::size_t(j) * nx;
    double* input = &(*input_)(0, j);
    const double* ice = row_of(*ice_, j);
    for (int i = 0; i < nx; ++i) {
      const double fi = fh[i], ti = th[i];
      if (fi <= 0.0) {  // no ocean here: the value stays as it was set
        out[i] = ti;
        continue;
      }
      // Face weights min(left, right), written as the neighbour writes them, so each face's flux has
      // the same bits on both sides and no heat crosses a coastline (weight 0).
      const double lateral = row.zonal * std::fmin(fi, fh[i + 1]) * (th[i + 1] - ti) -
                             row.zonal * std::fmin(fh[i - 1], fi) * (ti - th[i - 1]) +
                             row.north * std::fmin(fi, fn[i]) * (tn[i] - ti) -
                             row.south * std::fmin(fs[i], fi) * (ti - ts[i]);
      // Sunlight on the open water only: the ice takes its own (the mediator gives it). 1 - 0 / f is
      // exactly 1 where no ice is coupled.
      const double sunlight = absorbed * std::fmax(0.0, 1.0 - ice[i] / fi);
      out[i] = ti + dt_over_c * (lateral * row.inv_area / fi + sunlight + forcing[i]);
      input[i] += dt_ * sunlight;  // the sunlight this step adds, J m-2 of ocean
    }
  }
  for (int j = 0; j < ny; ++j) std::copy_n(next_.data() + std::size_t(j) * nx, nx, &t(0, j));
  ++steps_;
}

}  // namespace meridian::ocean
