#include "meridian/core/decomposition.hpp"

#include <limits>

#include "meridian/core/block_layout.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/halo_plan.hpp"

namespace meridian::core {

IndexRange block_range(int n, int parts, int index) noexcept {
  const int base = n / parts, extra = n % parts;
  const int begin = index * base + (index < extra ? index : extra);
  return {begin, begin + base + (index < extra ? 1 : 0)};
}

int block_of(int n, int parts, int i) noexcept {
  const int base = n / parts, extra = n % parts;
  const int wide = extra * (base + 1);  // cells in the first `extra` blocks, one cell larger
  return i < wide ? i / (base + 1) : extra + (i - wide) / base;
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
  layout_ = std::make_shared<const BlockLayout>(grid_, pgrid_);
  place_block();
}

Decomposition::Decomposition(MPI_Comm comm, const BlockLayout& layout)
    : comm_(comm),
      grid_(layout.grid()),
      pgrid_(layout.process_grid()),
      halo_plans_(std::make_shared<HaloPlanCache>()),
      layout_(std::make_shared<const BlockLayout>(layout)) {
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank_), comm);
  MERIDIAN_MPI(MPI_Comm_size(comm, &size_), comm);
  if (size_ != layout.ranks())
    throw ConfigError(rank_, "decomposition",
                      "the block layout needs " + std::to_string(layout.ranks()) + " ranks, but the communicator has " +
                          std::to_string(size_));
  place_block();
}

void Decomposition::place_block() {
  const BlockIndex b = layout_->block_of_rank(rank_);
  cx_ = b.bx;
  cy_ = b.by;
  x_ = layout_->x_range(cx_);
  y_ = layout_->y_range(cy_);
  for (int d = 0; d < direction_count; ++d)
    neighbours_[d] = rank_of_block(cx_ + direction_offset[d][0], cy_ + direction_offset[d][1]);
}

int Decomposition::rank_of_block(int bx, int by) const noexcept { return layout_->rank_of_block(bx, by); }

std::string Decomposition::describe() const { return describe_blocks(*layout_); }

}  // namespace meridian::core
