#include "meridian/core/redistribution.hpp"

#include <algorithm>
#include <climits>
#include <string>

#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {

IndexRange intersect(IndexRange a, IndexRange b) noexcept {
  return {std::max(a.begin, b.begin), std::min(a.end, b.end)};
}

IndexRange scaled(IndexRange r, int factor) noexcept { return {r.begin * factor, r.end * factor}; }

}  // namespace

Redistribution::Redistribution(MPI_Comm run, const Placement& fine, const Placement& coarse, int refine, int values)
    : comm_(Comm::dup(run)), refine_(refine), values_(values) {
  me_ = comm_.rank();
  if (fine.grid.nx != coarse.grid.nx * refine || fine.grid.ny != coarse.grid.ny * refine)
    throw Error(me_, "redistribution", "the fine grid is not " + std::to_string(refine) + " times the coarse grid");
  const auto plan = [&](const Placement& mine, const Placement& other, int scale_mine, int scale_other,
                        std::vector<Route>& routes, IndexRange& x, IndexRange& y) {
    // `mine` blocks in fine indices are mine.x_range * scale_mine; the other's likewise.
    x = scaled(mine.x_range(me_), scale_mine);
    y = scaled(mine.y_range(me_), scale_mine);
    const int bx0 = other.column_of(x.begin / scale_other), bx1 = other.column_of((x.end - 1) / scale_other);
    const int by0 = other.row_of(y.begin / scale_other), by1 = other.row_of((y.end - 1) / scale_other);
    std::size_t offset = 0;
    for (int by = by0; by <= by1; ++by)
      for (int bx = bx0; bx <= bx1; ++bx) {
        // A dropped block has no rank: nothing goes there, and its cells here keep their zeros.
        const int peer = other.run_rank_of_block(bx, by);
        if (peer == MPI_PROC_NULL) continue;
        Route r{peer, intersect(x, scaled(other.column_cells(bx), scale_other)),
                intersect(y, scaled(other.row_cells(by), scale_other)), offset};
        offset += r.cells();
        routes.push_back(r);
      }
    return offset;
  };
  if ((fine_member_ = fine.holds(me_))) {
    const std::size_t cells = plan(fine, coarse, 1, refine, to_coarse_, fine_x_, fine_y_);
    fine_send_.resize(cells * values);
    fine_recv_.resize(cells);
  }
  if ((coarse_member_ = coarse.holds(me_))) {
    plan(coarse, fine, refine, 1, from_fine_, block_x_, block_y_);
    gathered_.resize(std::size_t(block_x_.size()) * block_y_.size() * values);
    scatter_values_.resize(std::size_t(block_x_.size()) * block_y_.size());
  }
  place_buffers();
  // The buffers have their final size: the requests made now serve every coupling interval.
  gather_ = plan_exchange(from_fine_, to_coarse_, &Route::gathered, values_, 1);
  scatter_ = plan_exchange(to_coarse_, from_fine_, &Route::scattered, 1, 2);
}

// Where each route's values are packed, sent from or received into. A coarse-side route as wide as
// the block covers whole rows of it, in the block's own order: its messages use the block's arrays.
void Redistribution::place_buffers() {
  for (Route& r : to_coarse_) {
    r.gathered = fine_send_.data() + r.offset * values_;
    r.scattered = fine_recv_.data() + r.offset;
  }
  std::size_t packed = 0;
  for (Route& r : from_fine_) {
    r.direct = r.x == block_x_;
    if (r.direct) continue;
    r.offset = packed;
    packed += r.cells();
  }
  coarse_recv_.resize(packed * values_);
  coarse_send_.resize(packed);
  for (Route& r : from_fine_) {
    const std::size_t at = r.direct ? gathered_index(r.x.begin, r.y.begin) : r.offset;
    r.gathered = (r.direct ? gathered_.data() : coarse_recv_.data()) + at * values_;
    r.scattered = (r.direct ? scatter_values_.data() : coarse_send_.data()) + at;
  }
}

// Tags: 1 for the gather, 2 for the scatter, so a rank on both sides never matches the wrong one.
Redistribution::Exchange Redistribution::plan_exchange(const std::vector<Route>& recv_routes,
                                                       const std::vector<Route>& send_routes, double* Route::*buffer,
                                                       int per_cell, int tag) const {
  Exchange e;
  const MPI_Comm c = comm_.get();
  const auto count_of = [&](const Route& r) {
    const std::size_t n = r.cells() * std::size_t(per_cell);
    if (n > std::size_t(INT_MAX))
      throw Error(me_, "redistribution", std::to_string(n) + " values for rank " + std::to_string(r.peer) +
                                             " exceed one MPI message (INT_MAX); use more ranks");
    return int(n);
  };
  for (const Route& r : recv_routes) {
    if (r.peer == me_) {
      e.local_to = r.*buffer;
      continue;
    }
    MPI_Request q = MPI_REQUEST_NULL;
    MERIDIAN_MPI(MPI_Recv_init(r.*buffer, count_of(r), MPI_DOUBLE, r.peer, tag, c, &q), c);
    e.requests.emplace_back(q);
    e.traffic.receives.push_back({r.peer, count_of(r)});
  }
  for (const Route& r : send_routes) {
    if (r.peer == me_) {
      // The same box on both sides: its cells are copied straight to where they would be received.
      e.local_from = r.*buffer;
      e.local_count = r.cells() * per_cell;
      continue;
    }
    MPI_Request q = MPI_REQUEST_NULL;
    MERIDIAN_MPI(MPI_Send_init(r.*buffer, count_of(r), MPI_DOUBLE, r.peer, tag, c, &q), c);
    e.requests.emplace_back(q);
    e.traffic.sends.push_back({r.peer, count_of(r)});
  }
  e.active.resize(e.requests.size());
  e.statuses.resize(e.requests.size());
  return e;
}

void Redistribution::start_receives(Exchange& e, Phase phase, const char* call) {
  if (in_flight_ != Phase::none)
    throw Error(me_, "redistribution", std::string(call) + " called while an exchange is in flight");
  in_flight_ = phase;
  for (std::size_t k = 0; k < e.requests.size(); ++k) e.active[k] = e.requests[k].get();
  if (!e.traffic.receives.empty())
    MERIDIAN_MPI(MPI_Startall(int(e.traffic.receives.size()), e.active.data()), comm_.get());
}

// After packing: the local copy, then every send at once.
void Redistribution::start_sends(Exchange& e) {
  if (e.local_count) std::copy_n(e.local_from, e.local_count, e.local_to);
  const std::size_t receives = e.traffic.receives.size();
  if (!e.traffic.sends.empty())
    MERIDIAN_MPI(MPI_Startall(int(e.traffic.sends.size()), e.active.data() + receives), comm_.get());
}

void Redistribution::finish(Exchange& e, Phase phase, const char* call) {
  if (in_flight_ != phase) throw Error(me_, "redistribution", std::string(call) + " called without its start");
  in_flight_ = Phase::none;
  if (e.active.empty()) return;
  MERIDIAN_MPI(MPI_Waitall(int(e.active.size()), e.active.data(), e.statuses.data()), comm_.get());
  for (std::size_t k = 0; k < e.traffic.receives.size(); ++k) {
    const Message& m = e.traffic.receives[k];
    if (const std::string wrong = received_mismatch(e.statuses[k], std::size_t(m.count), m.peer, comm_.get());
        !wrong.empty())
      throw Error(me_, "redistribution",
                  std::string(call) + ": " + wrong + " (ranks disagree on the placements, refinement or values per cell)");
  }
}

std::size_t Redistribution::gathered_index(int i, int j) const noexcept {
  return std::size_t(j - block_y_.begin) * block_x_.size() + std::size_t(i - block_x_.begin);
}

void Redistribution::gather_start(const std::vector<const Field*>& fields) {
  if (fine_member_ && int(fields.size()) != values_)
    throw Error(me_, "redistribution", "gather_start() got " + std::to_string(fields.size()) + " fields, expected " +
                                           std::to_string(values_));
  start_receives(gather_, Phase::gather, "gather_start()");
  if (fine_member_)
    for (const Route& r : to_coarse_) {
      double* out = r.gathered;
      const std::size_t row = std::size_t(r.x.size()) * values_;
      for (int j = r.y.begin; j < r.y.end; ++j, out += row)
        for (int v = 0; v < values_; ++v) {  // field by field along the row, interleaved in the message
          const Field& f = *fields[std::size_t(v)];
          const double* in = f.data() + f.offset(r.x.begin - fine_x_.begin, j - fine_y_.begin);
          for (int i = 0; i < r.x.size(); ++i) out[std::size_t(i) * values_ + v] = in[i];
        }
    }
  start_sends(gather_);
}

const std::vector<double>& Redistribution::gather_finish() {
  finish(gather_, Phase::gather, "gather_finish()");
  // A route's row is contiguous in the block too (cells i fastest, values interleaved): one copy per row.
  for (const Route& r : from_fine_) {
    if (r.direct) continue;  // received in place
    const std::size_t row = std::size_t(r.x.size()) * values_;
    const double* in = r.gathered;
    for (int j = r.y.begin; j < r.y.end; ++j, in += row)
      std::copy_n(in, row, gathered_.begin() + std::ptrdiff_t(gathered_index(r.x.begin, j) * values_));
  }
  return gathered_;
}

void Redistribution::scatter_start() {
  start_receives(scatter_, Phase::scatter, "scatter_start()");
  for (const Route& r : from_fine_) {
    if (r.direct) continue;  // sent from scatter_values_ itself
    double* out = r.scattered;
    for (int j = r.y.begin; j < r.y.end; ++j, out += r.x.size())
      std::copy_n(scatter_values_.begin() + std::ptrdiff_t(gathered_index(r.x.begin, j)), r.x.size(), out);
  }
  start_sends(scatter_);
}

void Redistribution::scatter_finish(Field* field) {
  finish(scatter_, Phase::scatter, "scatter_finish()");
  if (!fine_member_) return;
  for (const Route& r : to_coarse_) {
    const double* in = r.scattered;
    for (int j = r.y.begin; j < r.y.end; ++j, in += r.x.size())
      std::copy_n(in, r.x.size(), &(*field)(r.x.begin - fine_x_.begin, j - fine_y_.begin));
  }
}

}  // namespace meridian::core
