#pragma once
// The raw-MPI yardstick for core::HaloPlan: the same bytes, in the best plain way: one message per
// distinct neighbouring rank (all directions and fields to it together), sent with plain
// MPI_Irecv/MPI_Isend of preallocated contiguous buffers and one MPI_Waitall. No packing, no
// unpacking: what the network alone costs. Neighbours that are this rank get no message (their
// halos are a local copy, timed on its own by the halo benchmark).

#include <mpi.h>

#include <cstddef>
#include <vector>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace meridian::bench {

class RawHalo {
 public:
  // Collective over decomp.comm() (duplicates it). `values_per_cell` = fields x levels.
  RawHalo(const meridian::core::Decomposition& decomp, int width, int values_per_cell);

  // One exchange: post receives, post sends, wait for all.
  void exchange();
  std::size_t bytes_sent() const noexcept { return send_.size() * sizeof(double); }
  int messages() const noexcept { return static_cast<int>(peers_.size()); }

 private:
  struct Message {
    int peer;
    std::size_t offset, count;
  };
  core::Comm comm_;
  std::vector<Message> peers_;
  std::vector<double> send_, recv_;
  std::vector<MPI_Request> requests_;
};

}  // namespace meridian::bench
