#pragma once
// The benchmark stencil written on meridian's core: two Fields with halo 1 and the decomposition's
// halo plan of width 1, bound each step to the field being read; the cells that need no halo from
// another rank are computed while the halo is in flight, each cell once.

#include <mpi.h>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/halo_plan.hpp"

namespace meridian::bench {

class MeridianStencil {
 public:
  // Collective over `comm`: an nx x ny grid, periodic in x, automatic process grid.
  MeridianStencil(MPI_Comm comm, int nx, int ny);
  // Not movable: the plan is the decomposition's.
  MeridianStencil(const MeridianStencil&) = delete;
  MeridianStencil& operator=(const MeridianStencil&) = delete;

  // Sets u to the initial condition (local).
  void reset();
  // Collective: `steps` time steps.
  void run(int steps);
  // Collective: reproducible sum of u's owned cells.
  double checksum() const;
  const core::Decomposition& decomposition() const noexcept { return decomp_; }

 private:
  void step(core::Field& u, core::Field& out);

  core::Decomposition decomp_;
  core::Field a_, b_;
  core::HaloPlan& halo_;
  bool a_is_current_ = true;
};

}  // namespace meridian::bench
