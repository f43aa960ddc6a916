#pragma once
// The raw-MPI yardstick for core::Redistribution: the same messages (peers, sizes, tags) as its
// gather and its scatter, sent with plain MPI_Irecv/MPI_Isend of preallocated contiguous buffers and
// one MPI_Waitall each. No packing, no unpacking, no local copies: what the network alone costs.

#include <mpi.h>

#include <cstddef>
#include <vector>

#include "meridian/core/mpi_handles.hpp"
#include "meridian/core/redistribution.hpp"

namespace meridian::bench {

class RawRedistribution {
 public:
  // Collective over `run` (duplicates it): the communicator `route` was planned on.
  RawRedistribution(MPI_Comm run, const core::Redistribution& route);

  // One coupling interval's traffic: the gather's messages, then the scatter's.
  void round();
  // Bytes and messages this rank sends per round.
  std::size_t bytes_sent() const noexcept { return bytes_sent_; }
  int messages() const noexcept { return messages_; }

 private:
  struct Exchange {
    core::Redistribution::Traffic traffic;
    std::vector<double> send, recv;  // contiguous, one slice per message
    std::vector<MPI_Request> requests;
    int tag = 0;
  };
  void exchange(Exchange& e);

  core::Comm comm_;
  Exchange gather_, scatter_;
  std::size_t bytes_sent_ = 0;
  int messages_ = 0;
};

}  // namespace meridian::bench
