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
  // Exchange, then one sweep: with nothing to hide (see stencil_baseline.cpp), an interior computed
  // during the exchange and a boundary ring after it would only add a pass over the edges.
  halo_.exchange({&u});
  const std::ptrdiff_t s = u.stride_j();
  const double* row = u.data() + u.offset(0, 0);
  double* target = out.data() + out.offset(0, 0);
  for (int j = 0; j < u.ny(); ++j, row += s, target += s) stencil_row(row, row - s, row + s, target, 0, u.nx());
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
