#pragma once
// The benchmark stencil written on meridian's core: two Fields with halo 1 and one HaloExchange per
// field (a Field referenced by an exchange must not be swapped or moved), alternating each step.
// The interior is computed while the halo is in flight.

#include <mpi.h>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/halo_exchange.hpp"

namespace meridian::bench {

class MeridianStencil {
 public:
  // Collective over `comm`: an nx x ny grid, periodic in x, automatic process grid.
  MeridianStencil(MPI_Comm comm, int nx, int ny);
  // Not movable: the exchanges point at the fields.
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
  void step(const core::Field& u, core::Field& out, core::HaloExchange& halo);

  core::Decomposition decomp_;
  core::Field a_, b_;
  core::HaloExchange halo_a_, halo_b_;
  bool a_is_current_ = true;
};

}  // namespace meridian::bench
