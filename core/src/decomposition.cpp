#include "meridian/core/decomposition.hpp"

#include <limits>

#include "meridian/core/error.hpp"
#include "meridian/core/halo_plan.hpp"

namespace meridian::core {

IndexRange block_range(int n, int parts, int index) noexcept {
  const int base = n / parts, extra = n % parts;
  const int begin = index * base + (index < extra ? index : extra);
  return {begin, begin + base + (index < extra ? 1 : 0)};
}

ProcessGrid automatic_process_grid(int nx, int ny, int ranks) {
  ProcessGrid best{ranks, 1};
  double best_cost = std::numeric_limits<double>::max();
  // Ascending px: on a tie the grid with more ranks along y wins, because rows are contiguous in
  // memory and north/south halos pack with memcpy while east/west ones touch a cache line per row.
  for (int px = 1; px <= ranks; ++px) {
    if (ranks % px != 0) continue;
    const int py = ranks / px;
    if (px > nx || py > ny) continue;
    // Perimeter of the largest block: what one rank sends per exchange.
    const double cost = double((nx + px - 1) / px) + double((ny + py - 1) / py);
    if (cost < best_cost) {
      best_cost = cost;
      best = {px, py};
    }
  }
  return best;
}

namespace {
int wrap(int i, int n, bool periodic) {
  if (i >= 0 && i < n) return i;
  if (!periodic) return -1;
  return ((i % n) + n) % n;
}
}  // namespace

Decomposition::Decomposition(MPI_Comm comm, GlobalGrid grid, ProcessGrid requested, int min_block)
    : comm_(comm), grid_(grid), halo_plans_(std::make_shared<HaloPlanCache>()) {
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank_), comm);
  MERIDIAN_MPI(MPI_Comm_size(comm, &size_), comm);
  const auto fail = [&](const std::string& what) { throw ConfigError(rank_, "decomposition", what); };
  if (grid.nx < 1 || grid.ny < 1)
    fail("grid " + std::to_string(grid.nx) + "x" + std::to_string(grid.ny) + " must have at least 1 cell each way");
  if (requested.px < 0 || requested.py < 0)
    fail("process grid " + std::to_string(requested.px) + "x" + std::to_string(requested.py) +
         " must not be negative (0 = automatic)");
  if (requested.px == 0 && requested.py == 0) {
    pgrid_ = automatic_process_grid(grid.nx, grid.ny, size_);
  } else if (requested.px == 0 || requested.py == 0) {
    const int fixed = requested.px ? requested.px : requested.py;
    if (size_ % fixed != 0)
      fail("process grid side " + std::to_string(fixed) + " does not divide the " + std::to_string(size_) + " ranks");
    pgrid_ = requested.px ? ProcessGrid{fixed, size_ / fixed} : ProcessGrid{size_ / fixed, fixed};
  } else {
    pgrid_ = requested;
  }
  if (pgrid_.px * pgrid_.py != size_)
    fail("process grid " + std::to_string(pgrid_.px) + "x" + std::to_string(pgrid_.py) + " = " +
         std::to_string(pgrid_.px * pgrid_.py) + " ranks, but the job has " + std::to_string(size_) + " ranks");
  const int need = min_block < 1 ? 1 : min_block;
  if (grid.nx / pgrid_.px < need || grid.ny / pgrid_.py < need)
    fail("grid " + std::to_string(grid.nx) + "x" + std::to_string(grid.ny) + " over a " + std::to_string(pgrid_.px) +
         "x" + std::to_string(pgrid_.py) + " process grid gives blocks as small as " +
         std::to_string(grid.nx / pgrid_.px) + "x" + std::to_string(grid.ny / pgrid_.py) +
         " cells, fewer than the halo width " + std::to_string(need) + "; use fewer ranks or a larger grid");
  cx_ = rank_ % pgrid_.px;
  cy_ = rank_ / pgrid_.px;
  x_ = block_range(grid.nx, pgrid_.px, cx_);
  y_ = block_range(grid.ny, pgrid_.py, cy_);
  for (int d = 0; d < direction_count; ++d)
    neighbours_[d] = rank_of_block(cx_ + direction_offset[d][0], cy_ + direction_offset[d][1]);
}

int Decomposition::rank_of_block(int bx, int by) const noexcept {
  const int x = wrap(bx, pgrid_.px, grid_.periodic_x);
  const int y = wrap(by, pgrid_.py, grid_.periodic_y);
  if (x < 0 || y < 0) return MPI_PROC_NULL;
  return x + pgrid_.px * y;
}

std::string Decomposition::describe() const {
  const auto span = [](int n, int p) {
    const int lo = n / p, hi = (n + p - 1) / p;
    return lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
  };
  return std::to_string(pgrid_.px) + "x" + std::to_string(pgrid_.py) + " process grid, blocks " +
         span(grid_.nx, pgrid_.px) + " x " + span(grid_.ny, pgrid_.py) + " cells";
}

}  // namespace meridian::core
