#include "stencil_meridian.hpp"

#include "meridian/core/reproducible_sum.hpp"
#include "stencil_problem.hpp"

namespace meridian::bench {

namespace {
// Updates the cells [i0, i1) x [j0, j1) of `out` from `u` (local indices).
void update_block(const core::Field& u, core::Field& out, int i0, int i1, int j0, int j1) {
  for (int j = j0; j < j1; ++j)
    stencil_row(u.data() + u.offset(0, j), u.data() + u.offset(0, j - 1), u.data() + u.offset(0, j + 1),
                out.data() + out.offset(0, j), i0, i1);
}
}  // namespace

MeridianStencil::MeridianStencil(MPI_Comm comm, int nx, int ny)
    : decomp_(comm, {nx, ny, true, false}, {}, 1),
      a_("u", decomp_, 1),
      b_("u_new", decomp_, 1),
      halo_(core::plan_for(decomp_, 1)) {}

void MeridianStencil::reset() {
  const int gx = decomp_.grid().nx, gy = decomp_.grid().ny;
  const int i0 = decomp_.x_range().begin, j0 = decomp_.y_range().begin;
  // Halo cells start at 0; those beyond the closed y edges are never written afterwards.
  a_.fill(0.0);
  b_.fill(0.0);
  for (int j = 0; j < a_.ny(); ++j)
    for (int i = 0; i < a_.nx(); ++i) a_(i, j) = initial_value(i0 + i, j0 + j, gx, gy);
  a_is_current_ = true;
}

void MeridianStencil::step(core::Field& u, core::Field& out) {
  const int nx = u.nx(), ny = u.ny();
  core::HaloHandle halo = halo_.start({&u});
  update_block(u, out, 1, nx - 1, 1, ny - 1);  // needs no halo cell
  halo.finish();
  // The boundary ring; with a 1-cell-wide block a cell may be computed twice, which is harmless.
  update_block(u, out, 0, nx, 0, 1);
  update_block(u, out, 0, nx, ny - 1, ny);
  update_block(u, out, 0, 1, 1, ny - 1);
  update_block(u, out, nx - 1, nx, 1, ny - 1);
}

void MeridianStencil::run(int steps) {
  for (int s = 0; s < steps; ++s) {
    if (a_is_current_)
      step(a_, b_);
    else
      step(b_, a_);
    a_is_current_ = !a_is_current_;
  }
}

double MeridianStencil::checksum() const {
  const core::Field& u = a_is_current_ ? a_ : b_;
  return core::reproducible_sum(u.owned_values(), decomp_.comm());
}

}  // namespace meridian::bench
