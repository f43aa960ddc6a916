#include "meridian/core/halo_plan.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "halo_copy.hpp"
#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {
// Owned cells next to the edge in direction offset `o` (what is sent), and the halo cells beyond it
// (what is received), along one axis of n owned cells.
IndexRange send_span(int o, int n, int w) {
  return o < 0 ? IndexRange{0, w} : o > 0 ? IndexRange{n - w, n} : IndexRange{0, n};
}
IndexRange recv_span(int o, int n, int w) {
  return o < 0 ? IndexRange{-w, 0} : o > 0 ? IndexRange{n, n + w} : IndexRange{0, n};
}

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
// offset side_of gives, scaled by the level count), field by field, level by level, row by row.
template <bool to_buffer, class Sides, class SideOf>
void copy_boxes(const std::vector<Field*>& fields, const Sides& sides, SideOf side_of, double* buffer, int width,
                std::size_t levels) {
  std::array<double*, direction_count> cursor{};
  for (std::size_t s = 0; s < sides.size(); ++s) cursor[s] = buffer + levels * side_of(sides[s]).second;
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

HaloPlan::HaloPlan(const Decomposition& decomp, MPI_Comm comm, int width, int tag)
    : comm_(comm), width_(width), tag_(tag), rank_(decomp.rank()), nx_(decomp.nx_local()), ny_(decomp.ny_local()) {
  if (width < 0) throw Error(rank_, "halo exchange", "negative width " + std::to_string(width));
  if (width == 0) return;
  for (int d = 0; d < direction_count; ++d) {
    const int peer = decomp.neighbour(d);
    if (peer == MPI_PROC_NULL) continue;
    const int ox = direction_offset[d][0], oy = direction_offset[d][1];
    Side side{d,
              peer,
              {send_span(ox, nx_, width), send_span(oy, ny_, width)},
              {recv_span(ox, nx_, width), recv_span(oy, ny_, width)}};
    side.count = std::size_t(side.recv.x.size()) * side.recv.y.size();
    if (peer == rank_) {
      // The halo beyond edge d is filled from this rank's own cells at the opposite edge.
      side.send = {send_span(-ox, nx_, width), send_span(-oy, ny_, width)};
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
      messages_.push_back({remote_[k].peer, per_level_, 0});
    remote_[k].send_offset = per_level_;
    per_level_ += remote_[k].count;
    recv_order[k]->recv_offset = recv_offset;  // the same peer's group: both orders sort by peer first
    recv_offset += recv_order[k]->count;
    messages_.back().count += remote_[k].count;
  }
}

void HaloPlan::check_fields(std::span<Field* const> fields) const {
  for (const Field* f : fields)
    if (f->nx() != nx_ || f->ny() != ny_ || f->halo() < width_)
      throw Error(rank_, "halo exchange",
                  "field '" + f->name() + "' is " + std::to_string(f->nx()) + "x" + std::to_string(f->ny()) +
                      " with halo " + std::to_string(f->halo()) + "; the block is " + std::to_string(nx_) + "x" +
                      std::to_string(ny_) + " and the exchange width " + std::to_string(width_));
}

HaloPlan::Channel& HaloPlan::channel_for(int levels) {
  for (Channel& c : channels_)
    if (c.levels == levels) return c;
  // A larger field set than any before: larger buffers, so every persistent request (they point
  // into the buffers) is rebuilt on its next use. Happens once per new maximum, never per step.
  if (levels > buffer_levels_) {
    channels_.clear();  // none is active: at most one exchange in flight, and it has finished
    buffer_levels_ = levels;
    send_buffer_.assign(std::size_t(levels) * per_level_, 0.0);
    recv_buffer_.assign(std::size_t(levels) * per_level_, 0.0);
  }
  // One message each way between two ranks per plan and exchange (and one exchange in flight per
  // plan), so the plan's own tag cannot mismatch.
  Channel& c = channels_.emplace_back();
  c.levels = levels;
  const std::size_t scale = std::size_t(levels);
  for (const Message& m : messages_) {
    const int count = static_cast<int>(scale * m.count);
    MPI_Request r;
    MERIDIAN_MPI(MPI_Recv_init(recv_buffer_.data() + scale * m.offset, count, MPI_DOUBLE, m.peer, tag_, comm_, &r),
                 comm_);
    c.recv.emplace_back(r);
    MERIDIAN_MPI(MPI_Send_init(send_buffer_.data() + scale * m.offset, count, MPI_DOUBLE, m.peer, tag_, comm_, &r),
                 comm_);
    c.send.emplace_back(r);
  }
  c.active.resize(messages_.size() * 2);
  c.statuses.resize(messages_.size() * 2);
  return c;
}

HaloHandle HaloPlan::start(std::span<Field* const> fields) {
  if (in_flight_) throw Error(rank_, "halo exchange", "start() called while an exchange of this plan is in flight");
  check_fields(fields);
  int levels = 0;
  for (const Field* f : fields) levels += f->nz();
  bound_.assign(fields.begin(), fields.end());  // keeps its capacity: no allocation in the steady state
  current_ = (levels == 0 || messages_.empty()) ? nullptr : &channel_for(levels);
  in_flight_ = true;
  if (!current_) return HaloHandle(this);
  Channel& c = *current_;
  const std::size_t n = messages_.size();
  for (std::size_t m = 0; m < n; ++m) c.active[m] = c.recv[m].get();
  MERIDIAN_MPI(MPI_Startall(static_cast<int>(n), c.active.data()), comm_);
  // Pack every side, then start all sends at once.
  copy_boxes<true>(
      bound_, remote_,
      [](const Side& s) {
        return std::pair<const Box&, std::size_t>{s.send, s.send_offset};
      },
      send_buffer_.data(), width_, std::size_t(levels));
  for (std::size_t m = 0; m < n; ++m) c.active[n + m] = c.send[m].get();
  MERIDIAN_MPI(MPI_Startall(static_cast<int>(n), c.active.data() + n), comm_);
  return HaloHandle(this);
}

void HaloPlan::finish() {
  in_flight_ = false;
  // Self copies first: they overlap with messages still arriving.
  if (!local_.empty()) copy_local(bound_, local_, width_);
  if (!current_) return;
  Channel& c = *current_;
  current_ = nullptr;
  MERIDIAN_MPI(MPI_Waitall(static_cast<int>(c.active.size()), c.active.data(), c.statuses.data()), comm_);
  const std::size_t levels = std::size_t(c.levels);
  for (std::size_t m = 0; m < messages_.size(); ++m)
    if (const std::string wrong =
            received_mismatch(c.statuses[m], levels * messages_[m].count, messages_[m].peer, comm_);
        !wrong.empty())
      throw Error(rank_, "halo exchange", wrong + " (ranks disagree on the decomposition or the field set)");
  copy_boxes<false>(
      bound_, remote_,
      [](const Side& s) {
        return std::pair<const Box&, std::size_t>{s.recv, s.recv_offset};
      },
      recv_buffer_.data(), width_, levels);
}

void HaloPlan::abandon() noexcept {
  in_flight_ = false;
  if (!current_) return;
  // Errors are ignored: this runs while an exception unwinds, which main reports.
  MPI_Waitall(static_cast<int>(current_->active.size()), current_->active.data(), current_->statuses.data());
  current_ = nullptr;
}

HaloHandle::~HaloHandle() {
  if (plan_) plan_->abandon();
}

HaloHandle& HaloHandle::operator=(HaloHandle&& other) noexcept {
  if (this != &other) {
    if (plan_) plan_->abandon();
    plan_ = std::exchange(other.plan_, nullptr);
  }
  return *this;
}

void HaloHandle::finish() {
  if (!plan_) throw Error(-1, "halo exchange", "finish() called on a handle with no exchange in flight");
  std::exchange(plan_, nullptr)->finish();
}

HaloPlan& HaloPlanCache::plan(const Decomposition& decomp, int width) {
  for (const auto& p : plans_)
    if (p->width() == width) return *p;
  if (width < 0) throw Error(decomp.rank(), "halo exchange", "negative width " + std::to_string(width));
  if (!comm_) comm_ = Comm::dup(decomp.comm());
  // The width is the tag: unique among this communicator's plans, and the same on every rank.
  return *plans_.emplace_back(std::make_unique<HaloPlan>(decomp, comm_.get(), width, width));
}

HaloPlan& plan_for(const Decomposition& decomp, int width) { return decomp.halo_plans().plan(decomp, width); }

}  // namespace meridian::core
