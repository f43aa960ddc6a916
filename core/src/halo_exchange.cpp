#include "meridian/core/halo_exchange.hpp"

#include <algorithm>
#include <string>

#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {
// Owned cells next to the edge in direction offset `o` (what is sent), and the halo cells beyond it
// (what is received), along one axis of n owned cells.
IndexRange send_span(int o, int n, int w) { return o < 0 ? IndexRange{0, w} : o > 0 ? IndexRange{n - w, n} : IndexRange{0, n}; }
IndexRange recv_span(int o, int n, int w) { return o < 0 ? IndexRange{-w, 0} : o > 0 ? IndexRange{n, n + w} : IndexRange{0, n}; }
}  // namespace

HaloExchange::HaloExchange(const Decomposition& decomp, int width, std::vector<Field*> fields)
    : comm_(Comm::dup(decomp.comm())), width_(width), fields_(std::move(fields)) {
  const int rank = decomp.rank();
  if (width < 0) throw Error(rank, "halo exchange", "negative width " + std::to_string(width));
  for (const Field* f : fields_) {
    if (f->nx() != decomp.nx_local() || f->ny() != decomp.ny_local() || f->halo() < width)
      throw Error(rank, "halo exchange",
                  "field '" + f->name() + "' is " + std::to_string(f->nx()) + "x" + std::to_string(f->ny()) +
                      " with halo " + std::to_string(f->halo()) + "; the block is " +
                      std::to_string(decomp.nx_local()) + "x" + std::to_string(decomp.ny_local()) +
                      " and the exchange width " + std::to_string(width));
  }
  if (width == 0 || fields_.empty()) return;

  const int nx = decomp.nx_local(), ny = decomp.ny_local();
  std::size_t offset = 0;
  for (int d = 0; d < direction_count; ++d) {
    const int peer = decomp.neighbour(d);
    if (peer == MPI_PROC_NULL) continue;
    const int ox = direction_offset[d][0], oy = direction_offset[d][1];
    Side side{d, peer, {send_span(ox, nx, width), send_span(oy, ny, width)},
              {recv_span(ox, nx, width), recv_span(oy, ny, width)}};
    side.count = values_in(side.recv);
    if (peer == rank) {
      // The halo beyond edge d is filled from this rank's own cells at the opposite edge.
      side.send = {send_span(-ox, nx, width), send_span(-oy, ny, width)};
      local_.push_back(side);
      continue;
    }
    side.offset = offset;
    offset += side.count;
    remote_.push_back(side);
  }
  send_buffer_.assign(offset, 0.0);
  recv_buffer_.assign(offset, 0.0);

  // Tags are the direction of travel as the sender sees it, so two messages between the same pair
  // of ranks (periodic wrap over two ranks) never match each other's receive.
  for (const Side& s : remote_) {
    MPI_Request r;
    MERIDIAN_MPI(MPI_Recv_init(recv_buffer_.data() + s.offset, static_cast<int>(s.count), MPI_DOUBLE, s.peer,
                               opposite(s.direction), comm_.get(), &r),
                 comm_.get());
    recv_requests_.emplace_back(r);
    MERIDIAN_MPI(MPI_Send_init(send_buffer_.data() + s.offset, static_cast<int>(s.count), MPI_DOUBLE, s.peer,
                               s.direction, comm_.get(), &r),
                 comm_.get());
    send_requests_.emplace_back(r);
  }
  active_.resize(remote_.size() * 2);
  statuses_.resize(remote_.size() * 2);
}

std::size_t HaloExchange::values_in(const Box& box) const {
  std::size_t n = 0;
  for (const Field* f : fields_) n += std::size_t(f->nz()) * box.x.size() * box.y.size();
  return n;
}

void HaloExchange::pack(const Box& box, double* out) const {
  const int len = box.x.size();
  for (const Field* f : fields_)
    for (int k = 0; k < f->nz(); ++k)
      for (int j = box.y.begin; j < box.y.end; ++j, out += len)
        std::copy_n(f->data() + f->offset(box.x.begin, j, k), len, out);
}

void HaloExchange::unpack(const Box& box, const double* in) {
  const int len = box.x.size();
  for (Field* f : fields_)
    for (int k = 0; k < f->nz(); ++k)
      for (int j = box.y.begin; j < box.y.end; ++j, in += len)
        std::copy_n(in, len, f->data() + f->offset(box.x.begin, j, k));
}

void HaloExchange::start() {
  if (in_flight_) throw Error(comm_.rank(), "halo exchange", "start() called while an exchange is in flight");
  in_flight_ = true;
  const std::size_t n = remote_.size();
  for (std::size_t s = 0; s < n; ++s) active_[s] = recv_requests_[s].get();
  if (n) MERIDIAN_MPI(MPI_Startall(static_cast<int>(n), active_.data()), comm_.get());
  for (std::size_t s = 0; s < n; ++s) {
    pack(remote_[s].send, send_buffer_.data() + remote_[s].offset);
    active_[n + s] = send_requests_[s].get();
    MERIDIAN_MPI(MPI_Start(&active_[n + s]), comm_.get());
  }
}

void HaloExchange::finish() {
  if (!in_flight_) throw Error(comm_.rank(), "halo exchange", "finish() called with no exchange in flight");
  in_flight_ = false;
  // Self copies first: they overlap with messages still arriving.
  for (const Side& s : local_) {
    const int len = s.send.x.size();
    for (Field* f : fields_)
      for (int k = 0; k < f->nz(); ++k)
        for (int j = 0; j < s.send.y.size(); ++j)
          std::copy_n(f->data() + f->offset(s.send.x.begin, s.send.y.begin + j, k), len,
                      f->data() + f->offset(s.recv.x.begin, s.recv.y.begin + j, k));
  }
  if (remote_.empty()) return;
  MERIDIAN_MPI(MPI_Waitall(static_cast<int>(active_.size()), active_.data(), statuses_.data()), comm_.get());
  for (std::size_t s = 0; s < remote_.size(); ++s) {
    int received = 0;
    MERIDIAN_MPI(MPI_Get_count(&statuses_[s], MPI_DOUBLE, &received), comm_.get());
    if (received != static_cast<int>(remote_[s].count))
      throw Error(comm_.rank(), "halo exchange",
                  "expected " + std::to_string(remote_[s].count) + " values from rank " +
                      std::to_string(remote_[s].peer) + ", received " + std::to_string(received) +
                      " (ranks disagree on the decomposition or the field set)");
    unpack(remote_[s].recv, recv_buffer_.data() + remote_[s].offset);
  }
}

}  // namespace meridian::core
