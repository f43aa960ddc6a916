#include "meridian/core/halo_exchange.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "meridian/core/error.hpp"
#include "halo_copy.hpp"

namespace meridian::core {

namespace {
// Owned cells next to the edge in direction offset `o` (what is sent), and the halo cells beyond it
// (what is received), along one axis of n owned cells.
IndexRange send_span(int o, int n, int w) { return o < 0 ? IndexRange{0, w} : o > 0 ? IndexRange{n - w, n} : IndexRange{0, n}; }
IndexRange recv_span(int o, int n, int w) { return o < 0 ? IndexRange{-w, 0} : o > 0 ? IndexRange{n, n + w} : IndexRange{0, n}; }

// The west and east sides' indices in `sides` when both are there, to be copied in one pass.
template <class Sides>
std::array<int, 2> west_east_pair(const Sides& sides) {
  std::array<int, 2> pair{-1, -1};
  for (std::size_t s = 0; s < sides.size(); ++s)
    if (sides[s].direction == int(Direction::west) || sides[s].direction == int(Direction::east))
      pair[sides[s].direction] = int(s);
  if (pair[0] < 0 || pair[1] < 0) return {-1, -1};
  return pair;
}

template <class Box>
halo_copy::Rect rect_of(const Field& f, const Box& box) {
  return {f.offset(box.x.begin, box.y.begin), box.y.size(), box.x.size()};
}

// Calls body.template operator()<W>(field, plane) for every level of every field, with the width
// as a template argument where halo_copy has a kernel for it (see halo_copy::with_width).
template <class Body>
void for_each_plane(const std::vector<Field*>& fields, int width, Body&& body) {
  halo_copy::with_width(width, [&]<int W>() {
    for (Field* f : fields)
      for (int k = 0; k < f->nz(); ++k) body.template operator()<W>(*f, f->data() + k * f->stride_k());
  });
}

// Packs (to_buffer) or unpacks every side's box of every field. Buffer layout: per side (at the
// offset side_of gives), field by field, level by level, row by row.
template <bool to_buffer, class Sides, class SideOf>
void copy_boxes(const std::vector<Field*>& fields, const Sides& sides, SideOf side_of, double* buffer, int width) {
  std::array<double*, direction_count> cursor{};
  for (std::size_t s = 0; s < sides.size(); ++s) cursor[s] = buffer + side_of(sides[s]).second;
  const auto box_of = [&](const auto& side) -> const auto& { return side_of(side).first; };
  const std::array<int, 2> pair = west_east_pair(sides);  // not a structured binding: clang 14 cannot capture one
  const int west = pair[0], east = pair[1];
  for_each_plane(fields, width, [&]<int W>(const Field& f, double* plane) {
    for (int s = 0; s < int(sides.size()); ++s)
      if (s != west && s != east)
        cursor[s] = halo_copy::copy_rect<W, to_buffer>(plane, f.stride_j(), rect_of(f, box_of(sides[s])), cursor[s]);
    if (west >= 0)
      halo_copy::copy_pair<W, to_buffer>(plane, f.stride_j(), rect_of(f, box_of(sides[west])),
                                         rect_of(f, box_of(sides[east])), cursor[west], cursor[east]);
  });
}

// Fills the halos whose neighbour is this rank from its own cells at the opposite edge.
template <class Sides>
void copy_local(const std::vector<Field*>& fields, const Sides& sides, int width) {
  const std::array<int, 2> pair = west_east_pair(sides);  // not a structured binding: clang 14 cannot capture one
  const int west = pair[0], east = pair[1];
  for_each_plane(fields, width, [&]<int W>(const Field& f, double* plane) {
    for (int s = 0; s < int(sides.size()); ++s)
      if (s != west && s != east)
        halo_copy::copy_within<W>(plane, f.stride_j(), rect_of(f, sides[s].send), rect_of(f, sides[s].recv));
    if (west >= 0)
      halo_copy::copy_within_pair<W>(plane, f.stride_j(), rect_of(f, sides[west].send), rect_of(f, sides[west].recv),
                                     rect_of(f, sides[east].send), rect_of(f, sides[east].recv));
  });
}
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
    remote_.push_back(side);
  }
  // One message per peer. The sender lays its sides to a peer out in direction order; the receiver
  // expects them in the order of the direction they were sent in, opposite() of its own, so both
  // agree even when one peer is the neighbour in several directions (periodic wrap over two ranks).
  std::stable_sort(remote_.begin(), remote_.end(), [](const Side& a, const Side& b) { return a.peer < b.peer; });
  std::vector<Side*> recv_order;
  for (Side& s : remote_) recv_order.push_back(&s);
  std::stable_sort(recv_order.begin(), recv_order.end(), [](const Side* a, const Side* b) {
    return a->peer != b->peer ? a->peer < b->peer : opposite(a->direction) < opposite(b->direction);
  });
  std::size_t recv_offset = 0;
  for (std::size_t k = 0; k < remote_.size(); ++k) {
    if (messages_.empty() || messages_.back().peer != remote_[k].peer)
      messages_.push_back({remote_[k].peer, offset, offset, 0});
    remote_[k].send_offset = offset;
    offset += remote_[k].count;
    recv_order[k]->recv_offset = recv_offset;  // the same peer's group: both orders sort by peer first
    recv_offset += recv_order[k]->count;
    messages_.back().count += remote_[k].count;
  }
  send_buffer_.assign(offset, 0.0);
  recv_buffer_.assign(offset, 0.0);

  // One message each way between two ranks per exchange (and one exchange in flight per
  // communicator), so a single tag cannot mismatch.
  for (const Message& m : messages_) {
    MPI_Request r;
    MERIDIAN_MPI(MPI_Recv_init(recv_buffer_.data() + m.recv_offset, static_cast<int>(m.count), MPI_DOUBLE, m.peer, 0,
                               comm_.get(), &r),
                 comm_.get());
    recv_requests_.emplace_back(r);
    MERIDIAN_MPI(MPI_Send_init(send_buffer_.data() + m.send_offset, static_cast<int>(m.count), MPI_DOUBLE, m.peer, 0,
                               comm_.get(), &r),
                 comm_.get());
    send_requests_.emplace_back(r);
  }
  active_.resize(messages_.size() * 2);
  statuses_.resize(messages_.size() * 2);
}

std::size_t HaloExchange::values_in(const Box& box) const {
  std::size_t n = 0;
  for (const Field* f : fields_) n += std::size_t(f->nz()) * box.x.size() * box.y.size();
  return n;
}

void HaloExchange::start() {
  if (in_flight_) throw Error(comm_.rank(), "halo exchange", "start() called while an exchange is in flight");
  in_flight_ = true;
  const std::size_t n = messages_.size();
  for (std::size_t m = 0; m < n; ++m) active_[m] = recv_requests_[m].get();
  if (n == 0) return;
  MERIDIAN_MPI(MPI_Startall(static_cast<int>(n), active_.data()), comm_.get());
  // Pack every side, then start all sends at once.
  copy_boxes<true>(fields_, remote_, [](const Side& s) { return std::pair<const Box&, std::size_t>{s.send, s.send_offset}; },
                   send_buffer_.data(), width_);
  for (std::size_t m = 0; m < n; ++m) active_[n + m] = send_requests_[m].get();
  MERIDIAN_MPI(MPI_Startall(static_cast<int>(n), active_.data() + n), comm_.get());
}

void HaloExchange::finish() {
  if (!in_flight_) throw Error(comm_.rank(), "halo exchange", "finish() called with no exchange in flight");
  in_flight_ = false;
  // Self copies first: they overlap with messages still arriving.
  if (!local_.empty()) copy_local(fields_, local_, width_);
  if (messages_.empty()) return;
  MERIDIAN_MPI(MPI_Waitall(static_cast<int>(active_.size()), active_.data(), statuses_.data()), comm_.get());
  for (std::size_t m = 0; m < messages_.size(); ++m)
    if (const std::string wrong = received_mismatch(statuses_[m], messages_[m].count, messages_[m].peer, comm_.get());
        !wrong.empty())
      throw Error(comm_.rank(), "halo exchange", wrong + " (ranks disagree on the decomposition or the field set)");
  copy_boxes<false>(fields_, remote_, [](const Side& s) { return std::pair<const Box&, std::size_t>{s.recv, s.recv_offset}; },
                    recv_buffer_.data(), width_);
}

}  // namespace meridian::core
