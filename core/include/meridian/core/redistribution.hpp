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
// message per pair of ranks per direction, a persistent request (MPI_Send_init/Recv_init on a private
// duplicate of the run communicator) made once and started every coupling interval; a rank that is
// on both sides of a route copies locally. A route as wide as the coarse block is a contiguous slab
// of it, received into and sent from the block's own arrays with no packing. Fine values are
// delivered, never partial sums, so the coarse side can add them in a fixed order: the same bits on
// any layout.

#include <mpi.h>

#include <cstddef>
#include <vector>

#include "meridian/core/field.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace meridian::core {

class Redistribution {
 public:
  // One message of an exchange with another rank: its run rank and the doubles carried.
  struct Message {
    int peer = 0;
    int count = 0;
  };
  // What one exchange receives and sends on this rank, in posting order; local copies excluded.
  struct Traffic {
    std::vector<Message> receives, sends;
  };

  // Collective over `run`. `values` per cell travel fine -> coarse, one value per cell coarse ->
  // fine. Throws Error if fine's grid is not `refine` times coarse's.
  Redistribution(MPI_Comm run, const Placement& fine, const Placement& coarse, int refine, int values);
  ~Redistribution() = default;
  Redistribution(Redistribution&&) = default;
  Redistribution& operator=(Redistribution&&) = default;
  Redistribution(const Redistribution&) = delete;
  Redistribution& operator=(const Redistribution&) = delete;

  // Fine side (empty `fields` elsewhere): sends `values` fields' owned cells. Local. Throws if an
  // exchange is in flight.
  void gather_start(const std::vector<const Field*>& fields);
  // Completes the gather. On the coarse side returns the values of the fine cells under this rank's
  // block, (nx r) x (ny r) cells i fastest, `values` per cell interleaved; empty elsewhere. Valid
  // until the next gather_start(), which may receive straight into it.
  const std::vector<double>& gather_finish();
  // Coarse side: one value per fine cell of this rank's block (same order), to send back. Filled
  // before scatter_start() and left alone until scatter_finish(): it may be sent from directly.
  std::vector<double>& scatter_buffer() noexcept { return scatter_values_; }
  void scatter_start();
  // Completes the scatter; on the fine side writes the owned cells of `field`.
  void scatter_finish(Field* field);

  int refine() const noexcept { return refine_; }
  int values() const noexcept { return values_; }
  bool fine_side() const noexcept { return fine_member_; }
  bool coarse_side() const noexcept { return coarse_member_; }
  // The messages of the gather (fine -> coarse) and the scatter (coarse -> fine) on this rank, for
  // yardsticks that send the same ones (meridian-bench). Local.
  const Traffic& gather_traffic() const noexcept { return gather_.traffic; }
  const Traffic& scatter_traffic() const noexcept { return scatter_.traffic; }

 private:
  struct Route {
    int peer;
    IndexRange x, y;  // fine global indices
    std::size_t offset = 0;  // cells before this route in the packing buffers
    bool direct = false;     // coarse side, as wide as the block: no packing buffer
    double* gathered = nullptr;   // where its gather values are packed or land
    double* scattered = nullptr;  // where its scatter values are sent from or land
    std::size_t cells() const noexcept { return std::size_t(x.size()) * y.size(); }
  };
  // One direction's messages, planned once: persistent requests, receives first.
  struct Exchange {
    Traffic traffic;
    const double* local_from = nullptr;  // the self route: copied, not sent
    double* local_to = nullptr;
    std::size_t local_count = 0;
    std::vector<Request> requests;    // owned, persistent
    std::vector<MPI_Request> active;  // raw copies for Startall/Waitall
    std::vector<MPI_Status> statuses;
  };
  enum class Phase { none, gather, scatter };
  void place_buffers();
  Exchange plan_exchange(const std::vector<Route>& recv_routes, const std::vector<Route>& send_routes,
                         double* Route::*buffer, int per_cell, int tag) const;
  void start_receives(Exchange& e, Phase phase, const char* call);
  void start_sends(Exchange& e);
  void finish(Exchange& e, Phase phase, const char* call);
  std::size_t gathered_index(int i, int j) const noexcept;  // fine global -> index in the coarse block

  Comm comm_;
  int me_ = 0, refine_ = 1, values_ = 1;
  bool fine_member_ = false, coarse_member_ = false;
  IndexRange fine_x_, fine_y_;     // this rank's fine block (fine side)
  IndexRange block_x_, block_y_;   // this rank's coarse block refined (coarse side)
  std::vector<Route> to_coarse_, from_fine_;  // as the fine side, as the coarse side
  // Sized once in the constructor and never reallocated: routes and persistent requests point into them.
  std::vector<double> fine_send_, coarse_recv_, gathered_, scatter_values_, coarse_send_, fine_recv_;
  Exchange gather_, scatter_;  // after the buffers, so their requests are freed first
  Phase in_flight_ = Phase::none;
};

}  // namespace meridian::core
