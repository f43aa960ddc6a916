#include "raw_halo.hpp"

#include <algorithm>

#include "meridian/core/error.hpp"

namespace meridian::bench {

using core::direction_count;
using core::direction_offset;

RawHalo::RawHalo(const core::Decomposition& decomp, int width, int values_per_cell)
    : comm_(core::Comm::dup(decomp.comm())) {
  // The halo cells this rank receives from each peer: what the peer sends it, as the exchange is
  // symmetric. One message per peer, whatever the directions it is the neighbour in.
  std::vector<std::pair<int, std::size_t>> per_peer;
  for (int d = 0; d < direction_count; ++d) {
    const int peer = decomp.neighbour(d);
    if (peer == MPI_PROC_NULL || peer == decomp.rank()) continue;
    const std::size_t lx = direction_offset[d][0] ? width : decomp.nx_local();
    const std::size_t ly = direction_offset[d][1] ? width : decomp.ny_local();
    const auto p = std::find_if(per_peer.begin(), per_peer.end(), [&](const auto& e) { return e.first == peer; });
    if (p == per_peer.end())
      per_peer.emplace_back(peer, lx * ly * values_per_cell);
    else
      p->second += lx * ly * values_per_cell;
  }
  std::size_t offset = 0;
  for (const auto& [peer, count] : per_peer) {
    peers_.push_back({peer, offset, count});
    offset += count;
  }
  send_.assign(offset, 1.0);
  recv_.assign(offset, 0.0);
  requests_.resize(2 * peers_.size());
}

void RawHalo::exchange() {
  const MPI_Comm comm = comm_.get();
  const std::size_t n = peers_.size();
  for (std::size_t s = 0; s < n; ++s)
    MERIDIAN_MPI(MPI_Irecv(recv_.data() + peers_[s].offset, static_cast<int>(peers_[s].count), MPI_DOUBLE,
                           peers_[s].peer, 0, comm, &requests_[s]),
                 comm);
  for (std::size_t s = 0; s < n; ++s)
    MERIDIAN_MPI(MPI_Isend(send_.data() + peers_[s].offset, static_cast<int>(peers_[s].count), MPI_DOUBLE,
                           peers_[s].peer, 0, comm, &requests_[n + s]),
                 comm);
  if (n) MERIDIAN_MPI(MPI_Waitall(static_cast<int>(2 * n), requests_.data(), MPI_STATUSES_IGNORE), comm);
}

}  // namespace meridian::bench
