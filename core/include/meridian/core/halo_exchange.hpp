#pragma once
// Split-phase halo exchange, planned once and reused every step:
//
//   HaloExchange halo(decomp, 2, {&u, &v});   // collective: duplicates the communicator
//   halo.start();                              // post receives, pack, send
//   compute_interior();                        // owned cells may be read and written
//   halo.finish();                             // wait, unpack: halos (corners too) are now valid
//
// One message per neighbouring rank carries every field and every direction shared with that rank
// (on a 1 x P grid, N, NE and NW are one message). Neighbours that are this rank itself (one rank
// across a periodic direction) are served by a local copy, with no MPI traffic.

#include <cstddef>
#include <vector>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace meridian::core {

class HaloExchange {
 public:
  // Collective over decomp.comm(). Every field must have this rank's block shape and a halo of at
  // least `width`. The fields are referenced, not owned: they must outlive the exchange and must
  // not be reallocated. Throws Error on a shape mismatch.
  HaloExchange(const Decomposition& decomp, int width, std::vector<Field*> fields);
  ~HaloExchange() = default;
  HaloExchange(HaloExchange&&) = default;
  HaloExchange& operator=(HaloExchange&&) = default;
  HaloExchange(const HaloExchange&) = delete;
  HaloExchange& operator=(const HaloExchange&) = delete;

  // Starts an exchange (local; the matching start happens on the neighbours). Throws if one is
  // already in flight.
  void start();
  // Completes the exchange started by start(); writes the halo cells of every field.
  void finish();
  void exchange() {
    start();
    finish();
  }
  bool in_flight() const noexcept { return in_flight_; }

  int width() const noexcept { return width_; }
  // Bytes this rank sends to other ranks per exchange (self copies excluded).
  std::size_t bytes_sent() const noexcept { return send_buffer_.size() * sizeof(double); }
  // Number of messages this rank sends per exchange: one per distinct neighbouring rank.
  int messages() const noexcept { return static_cast<int>(messages_.size()); }

 private:
  struct Box {
    IndexRange x, y;
  };
  struct Side {
    int direction;
    int peer;
    Box send, recv;
    std::size_t send_offset = 0, recv_offset = 0;  // into the send and receive buffers
    std::size_t count = 0;                         // doubles each way
  };
  // The sides shared with one peer travel as one message: contiguous spans of both buffers.
  struct Message {
    int peer;
    std::size_t send_offset, recv_offset, count;
  };
  std::size_t values_in(const Box& box) const;

  Comm comm_;
  int width_;
  std::vector<Field*> fields_;
  std::vector<Side> remote_, local_;
  std::vector<Message> messages_;
  std::vector<double> send_buffer_, recv_buffer_;
  std::vector<Request> recv_requests_, send_requests_;  // persistent, owned
  std::vector<MPI_Request> active_;                     // raw copies for Startall/Waitall
  std::vector<MPI_Status> statuses_;
  bool in_flight_ = false;
};

}  // namespace meridian::core
