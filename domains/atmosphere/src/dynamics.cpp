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

// The diffusive face fluxes into a cell of temperature `ti` from its four neighbours (W K-1 x K on the
// unit sphere), each face written exactly as its neighbour writes it, so the heat one cell loses the
// next gains bit for bit.
inline double diffusion_into(const earth::DiffusionRow& row, double west, double ti, double east, double north,
                             double south) {
  return row.zonal * (east - ti) - row.zonal * (ti - west) + row.north * (north - ti) - row.south * (ti - south);
}

// The same for cell i of a row, with its neighbours in the rows above and below.
inline double diffusion_into(const earth::DiffusionRow& row, const double* here, const double* up, const double* down,
                             int i) {
  return diffusion_into(row, here[i - 1], here[i], here[i + 1], up[i], down[i]);
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

double Atmosphere::bytes_per_cell_step() const {
  constexpr double value = sizeof(double);
  // Explicit: read T, the imported flux, read and write the input count, write next, copy it into T.
  if (stages_ <= 1) return 7 * value;
  // Advection: read T, write next, copy back. Stage 1 reads Y_0 and the flux, updates the input
  // count and writes D_1; stage 2 also reads D_1; later stages also read D_{j-2} under D_j. Then
  // T += D_s reads D_s and updates T.
  const double advection = courant_ != 0.0 ? 4 * value : 0.0;
  return advection + 5 * value + 6 * value + (stages_ - 2) * 7 * value + 3 * value;
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

namespace {

// What one row of an RKL2 stage shares (see Atmosphere::stage_cells).
struct StageRow {
  earth::DiffusionRow row;
  earth::Rkl2Stage k;
  double weight, dt, dt_over_c, olr_a, olr_b, sunlight;
};

// One row of stage Kind (1: the first, D_0 = 0; 2: the second, D_0 = 0 as D_{j-2}; 0: any later):
// D_j into d_next (over D_{j-2}), W_{j-1} times the energy crossing the top added to input. The
// restrict parameters (the only arrays written) let the loop vectorize without a dozen alias checks.
template <int Kind>
void stage_row(const StageRow s, const double* y0, const double* y0_up, const double* y0_down, const double* d,
               const double* d_up, const double* d_down, const double* forcing, double* __restrict d_next,
               double* __restrict input, int i0, int i1) {
  for (int i = i0; i < i1; ++i) {
    // dt L(Y) at this cell, for Y_0 and for Y_{j-1}: heat is conserved by every stage's fluxes, hence
    // by the recurrence.
    const double t0 = y0[i];
    const double l0 = s.dt_over_c * (diffusion_into(s.row, y0, y0_up, y0_down, i) * s.row.inv_area + forcing[i] +
                                     s.sunlight - (s.olr_a + s.olr_b * t0));
    double ti = t0, increment;
    if constexpr (Kind == 1) {
      increment = s.k.mu_tilde * l0;
    } else {
      ti = t0 + d[i];
      const double diffusion = diffusion_into(s.row, y0[i - 1] + d[i - 1], ti, y0[i + 1] + d[i + 1],
                                              y0_up[i] + d_up[i], y0_down[i] + d_down[i]);
      const double l =
          s.dt_over_c * (diffusion * s.row.inv_area + forcing[i] + s.sunlight - (s.olr_a + s.olr_b * ti));
      const double older = Kind == 2 ? 0.0 : d_next[i];  // D_{j-2}
      increment = s.k.mu * d[i] + s.k.nu * older + s.k.mu_tilde * l + s.k.gamma_tilde * l0;
    }
    d_next[i] = increment;
    input[i] += s.weight * (s.dt * (s.sunlight - (s.olr_a + s.olr_b * ti)));  // J m-2 across the top
  }
}

}  // namespace

// Stage `stage` (1-based) of RKL2 for owned cells [i0, i1) x [j0, j1): D_stage over D_{stage-2}'s
// field, and W_{stage-1} times this stage's energy crossing the top added to the input count. Neither
// Y_{stage-1} nor L(Y_0) is stored: both are recomputed from Y_0 (t_, halo 1 valid) and D_{stage-1}
// (halo 1 valid) as y0 + d, the very sum a stored Y held, so the bits are those of storing them. A
// stage then streams five arrays (Y_0, D_{j-1}, D_{j-2}, the imported flux, the input count) instead
// of twelve: memory traffic, not arithmetic, is what a stage costs.
template <int Kind>
void Atmosphere::stage_cells(int stage, int i0, int i1, int j0, int j1) {
  const core::Field& t = *t_;  // Y_0
  StageRow s{};
  s.k = rkl2_[std::size_t(stage) - 1];
  s.weight = rkl2_weights_[std::size_t(stage) - 1];
  s.dt = dt_;
  s.dt_over_c = dt_ / capacity_;
  // Without longwave A + B T becomes 0 + 0 T, which adds as exactly as the 0 it replaces: no branch.
  s.olr_a = longwave_ ? olr_a_ : 0.0;
  s.olr_b = longwave_ ? olr_b_ : 0.0;
  const double now = double(steps_) * dt_;
  core::Field& out = stage % 2 ? *d_b_ : *d_a_;          // D_stage, written over D_{stage-2}
  const core::Field& last = stage % 2 ? *d_a_ : *d_b_;  // D_{stage-1} (not read by stage 1)
  for (int j = j0; j < j1; ++j) {
    const int gj = decomp_->y_range().begin + j;
    s.row = rows_[j];
    s.sunlight = sun_ ? sun_->in_air(grid_->lat(gj), now) : 0.0;
    // Beyond a pole: this row again, so the gradient there is exactly zero (as in update_cells).
    const int j_up = gj + 1 < grid_->ny() ? j + 1 : j, j_down = gj > 0 ? j - 1 : j;
    stage_row<Kind>(s, row_of(t, j), row_of(t, j_up), row_of(t, j_down), row_of(last, j), row_of(last, j_up),
                    row_of(last, j_down), row_of(*flux_, j), &out(0, j), &(*input_)(0, j), i0, i1);
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
  // Then the RKL2 stages, each after a width-1 exchange of what it reads: Y_0 (t) for the first,
  // D_{stage-1} for the others (Y_0's halo stays valid through the step).
  core::HaloPlan& plan = core::plan_for(*decomp_, 1);
  for (int stage = 1; stage <= stages_; ++stage) {
    core::Field& read = stage == 1 ? t : (stage % 2 ? *d_a_ : *d_b_);
    const auto cells = [&](int i0, int i1, int j0, int j1) {
      if (stage == 1)
        stage_cells<1>(stage, i0, i1, j0, j1);
      else if (stage == 2)
        stage_cells<2>(stage, i0, i1, j0, j1);
      else
        stage_cells<0>(stage, i0, i1, j0, j1);
    };
    overlapping(plan.start({&read}), nx, ny, 1, 1, cells);
  }
  // Y_s = Y_0 + D_s, in place: no stage reads Y_0 any more.
  const core::Field& increment = stages_ % 2 ? *d_b_ : *d_a_;
  for (int j = 0; j < ny; ++j) {
    double* y = &t(0, j);
    const double* d = row_of(increment, j);
    for (int i = 0; i < nx; ++i) y[i] = y[i] + d[i];
  }
}

}  // namespace meridian::atmosphere
