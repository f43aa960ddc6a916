#include "meridian/core/redistribution.hpp"

#include <algorithm>
#include <cstring>

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
    const int bx0 = block_of(other.grid.nx, other.pgrid.px, x.begin / scale_other);
    const int bx1 = block_of(other.grid.nx, other.pgrid.px, (x.end - 1) / scale_other);
    const int by0 = block_of(other.grid.ny, other.pgrid.py, y.begin / scale_other);
    const int by1 = block_of(other.grid.ny, other.pgrid.py, (y.end - 1) / scale_other);
    std::size_t offset = 0;
    for (int by = by0; by <= by1; ++by)
      for (int bx = bx0; bx <= bx1; ++bx) {
        Route r{other.first_rank + bx + other.pgrid.px * by,
                intersect(x, scaled(block_range(other.grid.nx, other.pgrid.px, bx), scale_other)),
                intersect(y, scaled(block_range(other.grid.ny, other.pgrid.py, by), scale_other)), offset};
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
    const std::size_t cells = plan(coarse, fine, refine, 1, from_fine_, block_x_, block_y_);
    coarse_recv_.resize(cells * values);
    coarse_send_.resize(cells);
    gathered_.resize(std::size_t(block_x_.size()) * block_y_.size() * values);
    scatter_values_.resize(std::size_t(block_x_.size()) * block_y_.size());
  }
}

std::size_t Redistribution::gathered_index(int i, int j) const noexcept {
  return std::size_t(j - block_y_.begin) * block_x_.size() + std::size_t(i - block_x_.begin);
}

void Redistribution::post(std::vector<Route>& recv_routes, std::vector<double>& recv, std::vector<Route>& send_routes,
                          std::vector<double>& send, int per_cell, int tag) {
  if (!requests_.empty()) throw Error(me_, "redistribution", "an exchange is already in flight");
  const MPI_Comm c = comm_.get();
  for (Route& r : recv_routes) {
    if (r.peer == me_) continue;
    MPI_Request q = MPI_REQUEST_NULL;
    MERIDIAN_MPI(MPI_Irecv(recv.data() + r.offset * per_cell, int(r.cells() * per_cell), MPI_DOUBLE, r.peer, tag, c, &q), c);
    requests_.push_back(q);
  }
  for (Route& r : send_routes) {
    if (r.peer == me_) {
      // The same box on both sides: copy the packed cells straight into the receive buffer.
      for (const Route& back : recv_routes)
        if (back.peer == me_)
          std::memcpy(recv.data() + back.offset * per_cell, send.data() + r.offset * per_cell,
                      r.cells() * per_cell * sizeof(double));
      continue;
    }
    MPI_Request q = MPI_REQUEST_NULL;
    MERIDIAN_MPI(MPI_Isend(send.data() + r.offset * per_cell, int(r.cells() * per_cell), MPI_DOUBLE, r.peer, tag, c, &q), c);
    requests_.push_back(q);
  }
}

void Redistribution::gather_start(const std::vector<const Field*>& fields) {
  if (fine_member_) {
    if (int(fields.size()) != values_) throw Error(me_, "redistribution", "wrong number of fields to gather");
    for (const Route& r : to_coarse_) {
      double* out = fine_send_.data() + r.offset * values_;
      for (int j = r.y.begin; j < r.y.end; ++j)
        for (int i = r.x.begin; i < r.x.end; ++i)
          for (const Field* f : fields) *out++ = (*f)(i - fine_x_.begin, j - fine_y_.begin);
    }
  }
  post(from_fine_, coarse_recv_, to_coarse_, fine_send_, values_, 1);
}

const std::vector<double>& Redistribution::gather_finish() {
  wait_all(requests_, comm_.get());
  requests_.clear();
  for (const Route& r : from_fine_) {
    const double* in = coarse_recv_.data() + r.offset * values_;
    for (int j = r.y.begin; j < r.y.end; ++j)
      for (int i = r.x.begin; i < r.x.end; ++i, in += values_)
        std::copy(in, in + values_, gathered_.begin() + std::ptrdiff_t(gathered_index(i, j) * values_));
  }
  return gathered_;
}

void Redistribution::scatter_start() {
  for (const Route& r : from_fine_) {
    double* out = coarse_send_.data() + r.offset;
    for (int j = r.y.begin; j < r.y.end; ++j)
      for (int i = r.x.begin; i < r.x.end; ++i) *out++ = scatter_values_[gathered_index(i, j)];
  }
  post(to_coarse_, fine_recv_, from_fine_, coarse_send_, 1, 2);
}

void Redistribution::scatter_finish(Field* field) {
  wait_all(requests_, comm_.get());
  requests_.clear();
  if (!fine_member_) return;
  for (const Route& r : to_coarse_) {
    const double* in = fine_recv_.data() + r.offset;
    for (int j = r.y.begin; j < r.y.end; ++j)
      for (int i = r.x.begin; i < r.x.end; ++i) (*field)(i - fine_x_.begin, j - fine_y_.begin) = *in++;
  }
}

}  // namespace meridian::core
