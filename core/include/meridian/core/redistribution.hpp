#pragma once
// M x N redistribution between two decompositions of the run, planned once and reused:
//
//   Redistribution r(run, ocean_placement, atmosphere_placement, refine, 2);  // collective (dup)
//   r.gather_start({&t, &f});          // fine side: send each owned cell to the coarse owner
//   const auto& g = r.gather_finish(); // coarse side: the fine cells under this rank's block
//   ... fill r.scatter_buffer() ...    // coarse side: one value per fine cell of the block
//   r.scatter_start();  r.scatter_finish(&flux);  // fine side: receives its cells back
//
// The fine grid is `refine` times the coarse one each way (1: the same grid). The routes (which
// rank sends which box of cells to which) come from intersecting this rank's block with the other
// placement's blocks by arithmetic: no O(ranks) array, no global array, no message to plan. One
// message per pair of ranks per direction (Isend/Irecv on a private duplicate of the run
// communicator); a rank that is on both sides of a route copies locally. Fine values are delivered,
// never partial sums, so the coarse side can add them in a fixed order: the same bits on any layout.

#include <mpi.h>

#include <cstddef>
#include <vector>

#include "meridian/core/field.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace meridian::core {

class Redistribution {
 public:
  // Collective over `run`. `values` per cell travel fine -> coarse, one value per cell coarse ->
  // fine. Throws Error if fine's grid is not `refine` times coarse's.
  Redistribution(MPI_Comm run, const Placement& fine, const Placement& coarse, int refine, int values);
  Redistribution(Redistribution&&) = default;
  Redistribution& operator=(Redistribution&&) = default;

  // Fine side (empty `fields` elsewhere): sends `values` fields' owned cells. Local.
  void gather_start(const std::vector<const Field*>& fields);
  // Completes the gather. On the coarse side returns the values of the fine cells under this rank's
  // block, (nx r) x (ny r) cells i fastest, `values` per cell interleaved; empty elsewhere.
  const std::vector<double>& gather_finish();
  // Coarse side: one value per fine cell of this rank's block (same order), to send back.
  std::vector<double>& scatter_buffer() noexcept { return scatter_values_; }
  void scatter_start();
  // Completes the scatter; on the fine side writes the owned cells of `field`.
  void scatter_finish(Field* field);

  int refine() const noexcept { return refine_; }
  bool fine_side() const noexcept { return fine_member_; }
  bool coarse_side() const noexcept { return coarse_member_; }

 private:
  struct Route {
    int peer;
    IndexRange x, y;  // fine global indices
    std::size_t offset = 0;  // cells before this route in the buffers
    std::size_t cells() const noexcept { return std::size_t(x.size()) * y.size(); }
  };
  void post(std::vector<Route>& recv_routes, std::vector<double>& recv, std::vector<Route>& send_routes,
            std::vector<double>& send, int per_cell, int tag);
  std::size_t gathered_index(int i, int j) const noexcept;  // fine global -> index in the coarse block

  Comm comm_;
  int me_ = 0, refine_ = 1, values_ = 1;
  bool fine_member_ = false, coarse_member_ = false;
  IndexRange fine_x_, fine_y_;     // this rank's fine block (fine side)
  IndexRange block_x_, block_y_;   // this rank's coarse block refined (coarse side)
  std::vector<Route> to_coarse_, from_fine_;  // as the fine side, as the coarse side
  std::vector<double> fine_send_, coarse_recv_, gathered_, scatter_values_, coarse_send_, fine_recv_;
  std::vector<MPI_Request> requests_;
};

}  // namespace meridian::core
