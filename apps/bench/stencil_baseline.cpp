#include "stencil_baseline.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <new>

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
  a_ = make_array(static_cast<std::size_t>(stride_) * (ny_ + 2));
  b_ = make_array(a_.size);
  for (auto* v : {&send_west_, &send_east_, &recv_west_, &recv_east_}) v->assign(ny_, 0.0);
}

BaselineStencil::Array BaselineStencil::make_array(std::size_t n) {
  constexpr std::size_t huge_page = std::size_t{2} << 20, cache_line = 64;
  const std::size_t alignment = n * sizeof(double) >= huge_page ? huge_page : cache_line;
  const std::size_t bytes = (std::max<std::size_t>(n, 1) * sizeof(double) + alignment - 1) / alignment * alignment;
  auto* p = static_cast<double*>(std::aligned_alloc(alignment, bytes));
  if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (alignment == huge_page) madvise(p, bytes, MADV_HUGEPAGE);  // advice only
#endif
  std::fill_n(p, bytes / sizeof(double), 0.0);  // first touch after the advice
  return {std::unique_ptr<double[], Array::Free>(p), n};
}

BaselineStencil::~BaselineStencil() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Comm_free(&comm_);
}

void BaselineStencil::reset() {
  std::fill_n(a_.data(), a_.size, 0.0);
  std::fill_n(b_.data(), b_.size, 0.0);
  for (int j = 0; j < ny_; ++j)
    for (int i = 0; i < nx_; ++i) *at(a_, i, j) = initial_value(x0_ + i, y0_ + j, gnx_, gny_);
  a_is_current_ = true;
}

void BaselineStencil::step(double* u, double* out) {
  const int s = stride_;
  double* first = u + s + 1;           // (0, 0)
  double* last = u + ny_ * s + 1;      // (0, ny - 1)
  const bool self_x = west_ == rank_;  // one rank across x: copy, no messages
  int n = 0;
  // Receives first, rows straight into the ghost rows; the 5-point stencil needs no corner.
  MERIDIAN_MPI(MPI_Irecv(first - s, nx_, MPI_DOUBLE, south_, to_north, comm_, &requests_[n++]), comm_);
  MERIDIAN_MPI(MPI_Irecv(last + s, nx_, MPI_DOUBLE, north_, to_south, comm_, &requests_[n++]), comm_);
  if (!self_x) {
    MERIDIAN_MPI(MPI_Irecv(recv_west_.data(), ny_, MPI_DOUBLE, west_, to_east, comm_, &requests_[n++]), comm_);
    MERIDIAN_MPI(MPI_Irecv(recv_east_.data(), ny_, MPI_DOUBLE, east_, to_west, comm_, &requests_[n++]), comm_);
  }
  // Rows go out from the array itself, with no copy.
  MERIDIAN_MPI(MPI_Isend(first, nx_, MPI_DOUBLE, south_, to_south, comm_, &requests_[n++]), comm_);
  MERIDIAN_MPI(MPI_Isend(last, nx_, MPI_DOUBLE, north_, to_north, comm_, &requests_[n++]), comm_);
  if (self_x) {
    // x is not split: the periodic wrap is a local copy, done while the rows travel.
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
  // Every cell once: the rows whose neighbours are all here while the messages travel (on a shared
  // machine this hides a peer that is late to its sends), the rest after the wait. When x is not
  // split these are whole rows, one vectorised sweep each, so nothing costs an extra pass.
  const auto rows = [&](int j0, int j1, int i0, int i1) {
    for (int j = j0; j < j1; ++j) {
      const double* row = first + j * s;
      stencil_row(row, row - s, row + s, out + (j + 1) * s + 1, i0, i1);
    }
  };
  const int inner_begin = self_x ? 0 : 1, inner_end = self_x ? nx_ : nx_ - 1;
  rows(1, ny_ - 1, inner_begin, inner_end);
  MERIDIAN_MPI(MPI_Waitall(n, requests_, MPI_STATUSES_IGNORE), comm_);
  if (!self_x)
    for (int j = 0; j < ny_; ++j) {
      first[j * s - 1] = recv_west_[j];
      first[j * s + nx_] = recv_east_[j];
    }
  rows(0, 1, 0, nx_);
  if (ny_ > 1) rows(ny_ - 1, ny_, 0, nx_);
  if (!self_x) {
    rows(1, ny_ - 1, 0, 1);
    if (nx_ > 1) rows(1, ny_ - 1, nx_ - 1, nx_);
  }
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
  const Array& u = a_is_current_ ? a_ : b_;
  std::vector<double> owned;
  owned.reserve(static_cast<std::size_t>(nx_) * ny_);
  for (int j = 0; j < ny_; ++j) {
    const double* row = u.data() + (j + 1) * stride_ + 1;
    owned.insert(owned.end(), row, row + nx_);
  }
  return core::reproducible_sum(owned, comm_);
}

}  // namespace meridian::bench
