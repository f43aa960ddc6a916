// The atmosphere's time step: finite-volume diffusion, flux-limited advection and longwave cooling.
// Within the explicit limit all of it is one explicit stage, so one halo exchange of width 2 serves a
// whole step. Beyond it (fine grids, where the polar rows' cells shrink) the limited advection is
// its own explicit substep and the rest, whose eigenvalues are real and negative, is super-stepped
// with RKL2 (earth/super_time_step.hpp): each stage is the same flux-form stencil after a width-1
// exchange, so the answer is still bitwise independent of the decomposition and needs no solve.
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

// Runs update(i0, i1, j0, j1) on the cells `x_rim` columns and `y_rim` rows inside the block, which
// read no halo, while `halo` is in flight; then, once it has arrived, on the rim.
template <typename Update>
void overlapping(core::HaloHandle halo, int nx, int ny, int x_rim, int y_rim, Update update) {
  const int i0 = std::min(x_rim, nx), i1 = std::max(i0, nx - x_rim);
  const int j0 = std::min(y_rim, ny), j1 = std::max(j0, ny - y_rim);
  update(i0, i1, j0, j1);
  halo.finish();
  update(0, nx, 0, j0);
  update(0, nx, j1, ny);
  update(0, i0, j0, j1);
  update(i1, nx, j0, j1);
}

// The diffusive face fluxes into cell i of a row (W K-1 x K on the unit sphere), each face written
// exactly as its neighbour writes it, so the heat one cell loses the next gains bit for bit.
inline double diffusion_into(const earth::DiffusionRow& row, const double* here, const double* up, const double* down,
                             int i) {
  const double ti = here[i];
  return row.zonal * (here[i + 1] - ti) - row.zonal * (ti - here[i - 1]) + row.north * (up[i] - ti) -
         row.south * (ti - down[i]);
}

}  // namespace

Atmosphere::Row Atmosphere::row_constants(int j) const {
  return earth::diffusion_row(*grid_, j, diffusivity_, polar_latitude_);
}

double Atmosphere::diffusion_rate() const {
  // Every global row, not only the owned ones, so that every rank reports the same number.
  double rate = 0.0;  // s-1
  for (int j = 0; j < grid_->ny(); ++j) {
    const Row r = row_constants(j);
    rate = std::max(rate, (2 * r.zonal + r.north + r.south) * r.inv_area / capacity_);
  }
  return rate;
}

double Atmosphere::advection_rate() const { return std::fabs(wind_) / (grid_->radius() * grid_->dlon()); }
double Atmosphere::longwave_rate() const { return longwave_ ? olr_b_ / capacity_ : 0.0; }

namespace {
double inverse(double rate) { return rate > 0.0 ? 1.0 / rate : std::numeric_limits<double>::infinity(); }
}  // namespace

double Atmosphere::explicit_time_step() const {
  // Each rate alone is the sharp limit of its process (checkerboard mode for diffusion, c <= 1 for the
  // limited advection, B dt / C <= 1 for monotone decay); their sum keeps the update a convex
  // combination of old values when all act at once.
  return inverse(diffusion_rate() + advection_rate() + longwave_rate());
}

double Atmosphere::parabolic_time_step() const {
  // Diffusion plus longwave damping: the eigenvalues lie in [-2 (diffusion + longwave), 0]
  // (Gershgorin), so forward Euler is stable up to the inverse of the sum; RKL2 stretches that.
  return inverse(diffusion_rate() + longwave_rate());
}

double Atmosphere::stable_time_step() const {
  // Super-stepped, the advection substep alone must keep c <= 1 and the RKL2 part may take up to
  // max_stages stages; within the explicit limit the explicit stage is used, so never less than it.
  const double super = std::min(inverse(advection_rate()), parabolic_time_step() * earth::rkl2_gain(max_stages));
  return std::max(explicit_time_step(), super);
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
      const double diffusion = diffusion_into(row, here, up, down, i);
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
  if (stages_ > 1)
    super_step();
  else
    explicit_step();
  ++steps_;
}

void Atmosphere::explicit_step() {
  core::Field& t = *t_;
  const int nx = t.nx(), ny = t.ny();
  // The limiter reads two columns each way, diffusion one row.
  overlapping(core::plan_for(*decomp_, halo_width()).start({&t}), nx, ny, 2, 1,
              [this](int i0, int i1, int j0, int j1) { update_cells(i0, i1, j0, j1); });
  for (int j = 0; j < ny; ++j) std::copy_n(next_.data() + std::size_t(j) * nx, nx, &t(0, j));
}

void Atmosphere::advect_cells(int i0, int i1, int j0, int j1) {
  const core::Field& t = *t_;
  const double c = courant_;
  const int nx = t.nx();
  for (int j = j0; j < j1; ++j) {
    const double* here = row_of(t, j);
    double* out = next_.data() + std::size_t(j) * nx;
    for (int i = i0; i < i1; ++i) out[i] = here[i] - c * (face_value(here, i, c) - face_value(here, i - 1, c));
  }
}

void Atmosphere::stage_cells(int stage, const core::Field& y, int i0, int i1, int j0, int j1) {
  const core::Field& t = *t_;  // Y_0
  const earth::Rkl2Stage k = rkl2_[std::size_t(stage) - 1];
  const double dt = dt_, dt_over_c = dt_ / capacity_, now = double(steps_) * dt_;
  const double olr_a = olr_a_, olr_b = olr_b_;
  const bool longwave_on = longwave_, absorbs = sun_.has_value(), first = stage == 1, last = stage == stages_;
  const int nx = t.nx();
  core::Field& out = stage % 2 ? *stage_a_ : *stage_b_;  // Y_j; y is the other one (or Y_0)
  for (int j = j0; j < j1; ++j) {
    const Row& row = rows_[j];
    const int gj = decomp_->y_range().begin + j;
    const double* here = row_of(y, j);
    // Beyond a pole: this row again, so the gradient there is exactly zero (as in update_cells).
    const double* up = gj + 1 < grid_->ny() ? row_of(y, j + 1) : here;
    const double* down = gj > 0 ? row_of(y, j - 1) : here;
    const double* forcing = row_of(*flux_, j);
    const double* y0 = row_of(t, j);
    const std::size_t base = std::size_t(j) * nx;
    double *d1 = d1_.data() + base, *d2 = d2_.data() + base, *e1 = i1_.data() + base, *e2 = i2_.data() + base;
    double *l0 = l0_.data() + base, *s0 = s0_.data() + base;
    double* y_next = &out(0, j);
    double* t_out = &(*t_)(0, j);
    double* input = &(*input_)(0, j);
    const double sunlight = absorbs ? sun_->in_air(grid_->lat(gj), now) : 0.0;
    for (int i = i0; i < i1; ++i) {
      const double ti = here[i];
      // Heat is conserved by every stage's fluxes, hence by the recurrence.
      const double diffusion = diffusion_into(row, here, up, down, i);
      const double longwave = longwave_on ? olr_a + olr_b * ti : 0.0;
      const double dt_l = dt_over_c * (diffusion * row.inv_area + forcing[i] + sunlight - longwave);
      const double dt_src = dt * (sunlight - longwave);  // J m-2 crossing the top, as dt_l counts it
      double d, e;
      if (first) {
        l0[i] = dt_l;
        s0[i] = dt_src;
        d = k.mu_tilde * dt_l;
        e = k.mu_tilde * dt_src;
        d1[i] = 0.0;  // D_0 and I_0: after the swap below they are D_{j-2} and I_{j-2} of stage 2
        e1[i] = 0.0;
      } else {
        d = k.mu * d1[i] + k.nu * d2[i] + k.mu_tilde * dt_l + k.gamma_tilde * l0[i];
        e = k.mu * e1[i] + k.nu * e2[i] + k.mu_tilde * dt_src + k.gamma_tilde * s0[i];
      }
      if (last) {
        t_out[i] = y0[i] + d;  // only this cell reads Y_0 here: in place is safe
        input[i] += e;
      } else {
        d2[i] = d;  // D_j replaces D_{j-2}; the caller swaps the names
        e2[i] = e;
        y_next[i] = y0[i] + d;
      }
    }
  }
}

void Atmosphere::super_step() {
  core::Field& t = *t_;
  const int nx = t.nx(), ny = t.ny();
  // Advection first, as in the explicit step's own cells-that-read-no-halo overlap.
  if (courant_ != 0.0) {
    // Zonal only: two columns each way, no row.
    overlapping(core::plan_for(*decomp_, halo_width()).start({&t}), nx, ny, 2, 0,
                [this](int i0, int i1, int j0, int j1) { advect_cells(i0, i1, j0, j1); });
    for (int j = 0; j < ny; ++j) std::copy_n(next_.data() + std::size_t(j) * nx, nx, &t(0, j));
  }
  // Then the RKL2 stages, each after a width-1 exchange of the state it reads (Y_0 is t itself).
  core::HaloPlan& plan = core::plan_for(*decomp_, 1);
  for (int stage = 1; stage <= stages_; ++stage) {
    core::Field& y = stage == 1 ? t : (stage % 2 ? *stage_b_ : *stage_a_);  // Y_{stage-1}
    overlapping(plan.start({&y}), nx, ny, 1, 1,
                [&](int i0, int i1, int j0, int j1) { stage_cells(stage, y, i0, i1, j0, j1); });
    std::swap(d1_, d2_);
    std::swap(i1_, i2_);
  }
}

}  // namespace meridian::atmosphere
