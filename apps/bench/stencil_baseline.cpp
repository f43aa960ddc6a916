#include "stencil_baseline.hpp"

#include <algorithm>

#include "meridian/core/error.hpp"
#include "meridian/core/reproducible_sum.hpp"
#include "stencil_problem.hpp"

namespace meridian::bench {

namespace {
// [begin, size) of block `index` when n cells are split into `parts` (sizes differ by at most one).
void block(int n, int parts, int index, int& begin, int& size) {
  const int base = n / parts, extra = n % parts;
  begin = index * base + std::min(index, extra);
  size = base + (index < extra ? 1 : 0);
}
// Tags: the direction of travel as the sender sees it.
constexpr int to_west = 0, to_east = 1, to_south = 2, to_north = 3;
}  // namespace

BaselineStencil::BaselineStencil(MPI_Comm comm, int nx, int ny, int px, int py) : gnx_(nx), gny_(ny) {
  MERIDIAN_MPI(MPI_Comm_dup(comm, &comm_), comm);
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
  MPI_Comm_rank(comm_, &rank_);
  const int cx = rank_ % px, cy = rank_ / px;
  block(nx, px, cx, x0_, nx_);
  block(ny, py, cy, y0_, ny_);
  stride_ = nx_ + 2;
  west_ = (cx + px - 1) % px + px * cy;
  east_ = (cx + 1) % px + px * cy;
  south_ = cy > 0 ? cx + px * (cy - 1) : MPI_PROC_NULL;
  north_ = cy + 1 < py ? cx + px * (cy + 1) : MPI_PROC_NULL;
  a_.assign(static_cast<std::size_t>(stride_) * (ny_ + 2), 0.0);
  b_.assign(a_.size(), 0.0);
  for (auto* v : {&send_west_, &send_east_, &recv_west_, &recv_east_}) v->assign(ny_, 0.0);
}

BaselineStencil::~BaselineStencil() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Comm_free(&comm_);
}

void BaselineStencil::reset() {
  std::fill(a_.begin(), a_.end(), 0.0);
  std::fill(b_.begin(), b_.end(), 0.0);
  for (int j = 0; j < ny_; ++j)
    for (int i = 0; i < nx_; ++i) *at(a_, i, j) = initial_value(x0_ + i, y0_ + j, gnx_, gny_);
  a_is_current_ = true;
}

void BaselineStencil::update_block(const double* u, double* out, int i0, int i1, int j0, int j1) const {
  for (int j = j0; j < j1; ++j) {
    const double* row = u + (j + 1) * stride_ + 1;
    stencil_row(row, row - stride_, row + stride_, out + (j + 1) * stride_ + 1, i0, i1);
  }
}

void BaselineStencil::step(double* u, double* out) {
  const int s = stride_;
  double* first = u + s + 1;              // (0, 0)
  double* last = u + ny_ * s + 1;         // (0, ny - 1)
  const bool self_x = west_ == rank_;     // one rank across x: copy, no messages
  int n = 0;
  if (!self_x) {
    MERIDIAN_MPI(MPI_Irecv(recv_west_.data(), ny_, MPI_DOUBLE, west_, to_east, comm_, &requests_[n++]), comm_);
    MERIDIAN_MPI(MPI_Irecv(recv_east_.data(), ny_, MPI_DOUBLE, east_, to_west, comm_, &requests_[n++]), comm_);
  }
  MERIDIAN_MPI(MPI_Irecv(first - s, nx_, MPI_DOUBLE, south_, to_north, comm_, &requests_[n++]), comm_);
  MERIDIAN_MPI(MPI_Irecv(last + s, nx_, MPI_DOUBLE, north_, to_south, comm_, &requests_[n++]), comm_);
  if (self_x) {
    for (int j = 0; j < ny_; ++j) {
      first[j * s - 1] = first[j * s + nx_ - 1];
      first[j * s + nx_] = first[j * s];
    }
  } else {
    for (int j = 0; j < ny_; ++j) {
      send_west_[j] = first[j * s];
      send_east_[j] = first[j * s + nx_ - 1];
    }
    MERIDIAN_MPI(MPI_Isend(send_west_.data(), ny_, MPI_DOUBLE, west_, to_west, comm_, &requests_[n++]), comm_);
    MERIDIAN_MPI(MPI_Isend(send_east_.data(), ny_, MPI_DOUBLE, east_, to_east, comm_, &requests_[n++]), comm_);
  }
  MERIDIAN_MPI(MPI_Isend(first, nx_, MPI_DOUBLE, south_, to_south, comm_, &requests_[n++]), comm_);
  MERIDIAN_MPI(MPI_Isend(last, nx_, MPI_DOUBLE, north_, to_north, comm_, &requests_[n++]), comm_);

  update_block(u, out, 1, nx_ - 1, 1, ny_ - 1);
  MERIDIAN_MPI(MPI_Waitall(n, requests_, MPI_STATUSES_IGNORE), comm_);
  if (!self_x)
    for (int j = 0; j < ny_; ++j) {
      first[j * s - 1] = recv_west_[j];
      first[j * s + nx_] = recv_east_[j];
    }
  update_block(u, out, 0, nx_, 0, 1);
  update_block(u, out, 0, nx_, ny_ - 1, ny_);
  update_block(u, out, 0, 1, 1, ny_ - 1);
  update_block(u, out, nx_ - 1, nx_, 1, ny_ - 1);
}

void BaselineStencil::run(int steps) {
  for (int k = 0; k < steps; ++k) {
    if (a_is_current_)
      step(a_.data(), b_.data());
    else
      step(b_.data(), a_.data());
    a_is_current_ = !a_is_current_;
  }
}

double BaselineStencil::checksum() const {
  const std::vector<double>& u = a_is_current_ ? a_ : b_;
  std::vector<double> owned;
  owned.reserve(static_cast<std::size_t>(nx_) * ny_);
  for (int j = 0; j < ny_; ++j) {
    const double* row = u.data() + (j + 1) * stride_ + 1;
    owned.insert(owned.end(), row, row + nx_);
  }
  return core::reproducible_sum(owned, comm_);
}

}  // namespace meridian::bench
