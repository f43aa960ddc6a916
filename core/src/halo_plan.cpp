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
  // x wraps onto this rank (a 1 x P grid, periodic in x): the x halos of the owned rows are filled
  // locally before anything is sent, so the rows sent north and south may run over the whole padded
  // width and carry the corners: N, NE and NW (one peer) become one box of whole rows.
  const bool x_self = decomp.neighbour(Direction::west) == rank_ && decomp.neighbour(Direction::east) == rank_;
  for (int d = 0; d < direction_count; ++d) {
    const int peer = decomp.neighbour(d);
    if (peer == MPI_PROC_NULL) continue;
    const int ox = direction_offset[d][0], oy = direction_offset[d][1];
    Side side{d,
              peer,
              {send_span(ox, nx_, width), send_span(oy, ny_, width)},
              {recv_span(ox, nx_, width), recv_span(oy, ny_, width)}};
    if (peer == rank_) {
      // The halo beyond edge d is filled from this rank's own cells at the opposite edge.
      side.send = {send_span(-ox, nx_, width), send_span(-oy, ny_, width)};
      side.count = std::size_t(side.recv.x.size()) * side.recv.y.size();
      local_.push_back(side);
      continue;
    }
    if (x_self && oy != 0) {
      if (ox != 0) continue;  // the corner rides with the row of its peer
      side.send.x = side.recv.x = {-width, nx_ + width};
    }
    side.count = std::size_t(side.recv.x.size()) * side.recv.y.size();
    // A row of 16 values or more goes in place (its own block of the datatype); shorter ones, a
    // block per row of the halo column, are cheaper packed. Both ends see the same box shapes.
    side.packed = side.send.x.size() < 16;
    remote_.push_back(side);
  }
  // One message per peer: the sender lays its sides out in direction order; the receiver expects
  // them in the order of the direction they were sent in, opposite() of its own, so both agree even
  // when one peer is the neighbour in several directions (periodic wrap over two ranks).
  for (int k = 0; k < int(remote_.size()); ++k) {
    auto m = std::find_if(messages_.begin(), messages_.end(), [&](const Message& x) { return x.peer == remote_[k].peer; });
    if (m == messages_.end()) m = messages_.insert(messages_.end(), Message{remote_[k].peer, 0, {}, {}});
    m->send.push_back(k);  // remote_ is in direction order already
    m->recv.push_back(k);
    m->count += remote_[k].count;
    per_level_ += remote_[k].count;
  }
  for (Message& m : messages_)
    std::stable_sort(m.recv.begin(), m.recv.end(),
                     [&](int a, int b) { return opposite(remote_[a].direction) < opposite(remote_[b].direction); });
  // The buffers hold the packed sides one after another (a local layout: the datatypes say where
  // each side's values are, so the peers need not agree on it).
  for (Side& s : remote_)
    if (s.packed) {
      s.send_offset = s.recv_offset = packed_per_level_;
      packed_per_level_ += s.count;
      packed_.push_back(s);
    }
  // Self copies that rows about to be sent carry (the x wrap of the rows sent north and south, when
  // merged) go before the sends; the rest after them, while the messages travel.
  bool merged = false;
  for (const Side& s : remote_) merged = merged || (s.direction >= 2 && s.direction < 4 && s.send.x.begin < 0);
  for (const Side& s : local_) {
    const bool wrap_x = s.direction < 2;  // west or east: rows [0, ny)
    if (!merged || !wrap_x) {
      local_after_.push_back(s);
      continue;
    }
    const int w = std::min(width, ny_);
    for (IndexRange rows : {IndexRange{0, w}, IndexRange{std::max(ny_ - width, w), ny_}, IndexRange{w, ny_ - width}}) {
      if (rows.size() <= 0) continue;
      Side part = s;
      part.send.y = part.recv.y = rows;
      (rows.begin == w && rows.end == ny_ - width ? local_after_ : local_before_).push_back(part);
    }
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

void HaloPlan::copy_self(std::span<Field* const> fields) {
  if (in_flight_) throw Error(rank_, "halo exchange", "copy_self() called while an exchange of this plan is in flight");
  check_fields(fields);
  bound_.assign(fields.begin(), fields.end());
  if (!local_before_.empty()) copy_local(bound_, local_before_, width_);
  if (!local_after_.empty()) copy_local(bound_, local_after_, width_);
}

// The values of message `m` in message order, as blocks of the bound fields' memory (rows sent in
// place) and of the buffers (packed sides), over MPI_BOTTOM. Blocks that touch are merged, so the
// whole rows of a field's north or south edge are one block.
Datatype HaloPlan::message_type(const Message& m, std::span<Field* const> fields, bool sending, std::size_t levels,
                                double*& single, int& count) {
  std::vector<MPI_Aint> where;
  std::vector<int> length;
  const double* first = nullptr;
  const auto add = [&](const double* p, std::size_t n) {
    if (!first) first = p;
    MPI_Aint a;
    MERIDIAN_MPI(MPI_Get_address(p, &a), comm_);
    if (!where.empty() && MPI_Aint_add(where.back(), MPI_Aint(length.back() * sizeof(double))) == a) {
      length.back() += int(n);
      return;
    }
    where.push_back(a);
    length.push_back(int(n));
  };
  for (int k : sending ? m.send : m.recv) {
    const Side& s = remote_[k];
    if (s.packed) {
      // copy_boxes lays a side out field by field, level by level: one run of levels * count values.
      const double* buffer = sending ? send_buffer_.data() + levels * s.send_offset
                                     : recv_buffer_.data() + levels * s.recv_offset;
      add(buffer, levels * s.count);
      continue;
    }
    const Box& box = sending ? s.send : s.recv;
    for (const Field* f : fields)
      for (int z = 0; z < f->nz(); ++z)
        for (int j = box.y.begin; j < box.y.end; ++j) add(f->data() + f->offset(box.x.begin, j, z), box.x.size());
  }
  if (where.size() == 1) {
    // One block (one field's whole rows): plain doubles, MPI's fastest path, no datatype.
    single = const_cast<double*>(first);
    count = length[0];
    return {};
  }
  MPI_Datatype type;
  MERIDIAN_MPI(MPI_Type_create_hindexed(int(where.size()), length.data(), where.data(), MPI_DOUBLE, &type), comm_);
  return Datatype::commit(type);
}

HaloPlan::Channel& HaloPlan::channel_for(std::span<Field* const> fields, int levels) {
  const auto same_set = [&](const Channel& c) {
    if (c.key.size() != fields.size()) return false;
    for (std::size_t f = 0; f < fields.size(); ++f)
      if (!(c.key[f] == Channel::Key{fields[f]->data(), fields[f]->halo(), fields[f]->nz()})) return false;
    return true;
  };
  for (std::size_t c = 0; c < channels_.size(); ++c)
    if (same_set(*channels_[c])) {
      std::rotate(channels_.begin() + c, channels_.begin() + c + 1, channels_.end());  // most recent last
      return *channels_.back();
    }
  // A larger field set than any before: larger buffers, so every persistent request (their
  // datatypes point into the buffers) is remade on its next use. Once per new maximum.
  if (levels > buffer_levels_) {
    channels_.clear();  // none is active: at most one exchange in flight, and it has finished
    buffer_levels_ = levels;
    send_buffer_.assign(std::size_t(levels) * packed_per_level_, 0.0);
    recv_buffer_.assign(std::size_t(levels) * packed_per_level_, 0.0);
  }
  if (channels_.size() >= channels_kept) channels_.erase(channels_.begin());  // the least recently used
  auto c = std::make_unique<Channel>();
  for (const Field* f : fields) c->key.push_back({f->data(), f->halo(), f->nz()});
  c->levels = levels;
  // One message each way between two ranks per plan and exchange (and one exchange in flight per
  // plan), so the plan's own tag cannot mismatch.
  for (const Message& m : messages_) {
    MPI_Request r;
    double* single = nullptr;
    int count = 1;
    const Datatype& in = c->types.emplace_back(message_type(m, fields, false, std::size_t(levels), single, count));
    MERIDIAN_MPI(in.get() == MPI_DATATYPE_NULL ? MPI_Recv_init(single, count, MPI_DOUBLE, m.peer, tag_, comm_, &r)
                                               : MPI_Recv_init(MPI_BOTTOM, 1, in.get(), m.peer, tag_, comm_, &r),
                 comm_);
    c->recv.emplace_back(r);
    count = 1;
    const Datatype& out = c->types.emplace_back(message_type(m, fields, true, std::size_t(levels), single, count));
    MERIDIAN_MPI(out.get() == MPI_DATATYPE_NULL ? MPI_Send_init(single, count, MPI_DOUBLE, m.peer, tag_, comm_, &r)
                                                : MPI_Send_init(MPI_BOTTOM, 1, out.get(), m.peer, tag_, comm_, &r),
                 comm_);
    c->send.emplace_back(r);
  }
  c->active.resize(messages_.size() * 2);
  c->statuses.resize(messages_.size() * 2);
  channels_.push_back(std::move(c));
  return *channels_.back();
}

HaloHandle HaloPlan::start(std::span<Field* const> fields) {
  if (in_flight_) throw Error(rank_, "halo exchange", "start() called while an exchange of this plan is in flight");
  check_fields(fields);
  int levels = 0;
  for (const Field* f : fields) levels += f->nz();
  bound_.assign(fields.begin(), fields.end());  // keeps its capacity: no allocation in the steady state
  current_ = (levels == 0 || messages_.empty()) ? nullptr : &channel_for(fields, levels);
  in_flight_ = true;
  if (current_) {
    Channel& c = *current_;
    const std::size_t n = messages_.size();
    for (std::size_t m = 0; m < n; ++m) c.active[m] = c.recv[m].get();
    MERIDIAN_MPI(MPI_Startall(static_cast<int>(n), c.active.data()), comm_);
  }
  // Self copies of rows about to be sent (over the padded width, carrying the x halos they fill).
  if (!local_before_.empty()) copy_local(bound_, local_before_, width_);
  if (!current_) {
    if (!local_after_.empty()) copy_local(bound_, local_after_, width_);
    return HaloHandle(this);
  }
  Channel& c = *current_;
  const std::size_t n = messages_.size();
  if (!packed_.empty())
    copy_boxes<true>(
        bound_, packed_,
        [](const Side& s) {
          return std::pair<const Box&, std::size_t>{s.send, s.send_offset};
        },
        send_buffer_.data(), width_, std::size_t(levels));
  for (std::size_t m = 0; m < n; ++m) c.active[n + m] = c.send[m].get();
  MERIDIAN_MPI(MPI_Startall(static_cast<int>(n), c.active.data() + n), comm_);
  if (!local_after_.empty()) copy_local(bound_, local_after_, width_);  // while the messages travel
  return HaloHandle(this);
}

void HaloPlan::finish() {
  in_flight_ = false;
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
  if (!packed_.empty())
    copy_boxes<false>(
        bound_, packed_,
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
