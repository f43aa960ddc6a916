#include "stencil_meridian.hpp"

#include "meridian/core/reproducible_sum.hpp"
#include "stencil_problem.hpp"

namespace meridian::bench {

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
  const std::ptrdiff_t s = u.stride_j();
  const auto rows = [&](int j0, int j1, int i0, int i1) {
    for (int j = j0; j < j1; ++j) {
      const double* row = u.data() + u.offset(0, j);
      stencil_row(row, row - s, row + s, out.data() + out.offset(0, j), i0, i1);
    }
  };
  // Every cell once: those that need no message while the halo is in flight, the rest after. Halos
  // filled by a self copy (x not split) are valid when start() returns, so then the rows in
  // between are whole rows, one sweep each, and nothing costs an extra pass.
  const bool x_here = decomp_.neighbour(core::Direction::west) == decomp_.rank();
  core::HaloHandle halo = halo_.start({&u});
  rows(1, ny - 1, x_here ? 0 : 1, x_here ? nx : nx - 1);
  halo.finish();
  rows(0, 1, 0, nx);
  if (ny > 1) rows(ny - 1, ny, 0, nx);
  if (!x_here) {
    rows(1, ny - 1, 0, 1);
    if (nx > 1) rows(1, ny - 1, nx - 1, nx);
  }
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
