#pragma once
// Splits a global nx x ny grid into px x py blocks, one per rank of a communicator.
// With equal blocks everything here is arithmetic on this rank's coordinates: no array of size
// O(ranks) is ever built, so setup costs the same at 2 ranks and at 100,000. Weighted extents and
// dropped blocks (block_layout.hpp) keep a map of O(px + py), or O(px py) once blocks are dropped.

#include <mpi.h>

#include <array>
#include <memory>
#include <string>

namespace meridian::core {

class HaloPlanCache;  // halo_plan.hpp
class BlockLayout;    // block_layout.hpp

struct GlobalGrid {
  int nx = 0;
  int ny = 0;
  bool periodic_x = true;   // longitude wraps around
  bool periodic_y = false;  // latitude is bounded by the poles
  friend bool operator==(const GlobalGrid&, const GlobalGrid&) = default;
};

struct ProcessGrid {
  int px = 0;
  int py = 0;
  friend bool operator==(const ProcessGrid&, const ProcessGrid&) = default;
};

// A half-open range [begin, end) of global indices.
struct IndexRange {
  int begin = 0;
  int end = 0;
  int size() const noexcept { return end - begin; }
  friend bool operator==(const IndexRange&, const IndexRange&) = default;
};

// The 8 neighbour directions; offsets in (dx, dy) follow.
enum class Direction : int { west = 0, east, south, north, south_west, south_east, north_west, north_east };
inline constexpr int direction_count = 8;
inline constexpr std::array<std::array<int, 2>, direction_count> direction_offset = {
    {{-1, 0}, {1, 0}, {0, -1}, {0, 1}, {-1, -1}, {1, -1}, {-1, 1}, {1, 1}}};
// The direction a message sent towards `d` arrives from, as seen by the receiver.
constexpr int opposite(int d) noexcept { return d < 4 ? (d ^ 1) : 7 - (d - 4); }

// The range of block `index` when `n` cells are split into `parts` blocks whose sizes differ by at
// most one (the first n % parts blocks get the extra cell).
IndexRange block_range(int n, int parts, int index) noexcept;
// The block index whose block_range(n, parts, index) holds global index i (its inverse). Local.
int block_of(int n, int parts, int i) noexcept;

// The process grid for `ranks` ranks that minimises the halo perimeter of a block of an nx x ny grid
// (sum of block widths and heights); ties go to the grid with more ranks along y (contiguous halos).
ProcessGrid automatic_process_grid(int nx, int ny, int ranks);

class Decomposition {
 public:
  // Collective only in that every rank must pass the same arguments; no messages are sent.
  // `requested` of {0, 0} chooses automatically; {px, 0} or {0, py} fixes one side.
  // Throws ConfigError if the process grid does not match the rank count, or if a block would be
  // narrower than `min_block` cells (the largest halo width it will be used with).
  Decomposition(MPI_Comm comm, GlobalGrid grid, ProcessGrid requested = {}, int min_block = 1);
  // The blocks of `layout` (weighted extents, dropped blocks): rank r of `comm` owns the layout's block
  // of rank r. Throws ConfigError if `comm` does not have layout.ranks() ranks.
  Decomposition(MPI_Comm comm, const BlockLayout& layout);

  const GlobalGrid& grid() const noexcept { return grid_; }
  const ProcessGrid& process_grid() const noexcept { return pgrid_; }
  MPI_Comm comm() const noexcept { return comm_; }
  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  // This rank's block coordinates in the process grid; rank = cx + px * cy unless blocks were dropped.
  int cx() const noexcept { return cx_; }
  int cy() const noexcept { return cy_; }
  const IndexRange& x_range() const noexcept { return x_; }
  const IndexRange& y_range() const noexcept { return y_; }
  int nx_local() const noexcept { return x_.size(); }
  int ny_local() const noexcept { return y_.size(); }
  // The rank across direction d, or MPI_PROC_NULL beyond a non-periodic edge. With periodic wrap
  // this may be this rank itself, or the same rank in several directions.
  int neighbour(int d) const noexcept { return neighbours_[d]; }
  int neighbour(Direction d) const noexcept { return neighbours_[static_cast<int>(d)]; }
  // The rank that owns block (bx, by), with periodic wrap where enabled; MPI_PROC_NULL outside.
  int rank_of_block(int bx, int by) const noexcept;
  // "4x2 process grid, blocks 9-10 x 11-12" for logs and --check.
  std::string describe() const;
  // The map of every block: extents, dropped blocks. Shared by copies.
  const BlockLayout& layout() const noexcept { return *layout_; }
  // The halo plans made for this decomposition (see plan_for in halo_plan.hpp), shared by its copies.
  HaloPlanCache& halo_plans() const noexcept { return *halo_plans_; }

 private:
  MPI_Comm comm_;
  GlobalGrid grid_;
  ProcessGrid pgrid_;
  int rank_ = 0, size_ = 1, cx_ = 0, cy_ = 0;
  IndexRange x_, y_;
  std::array<int, direction_count> neighbours_{};
  std::shared_ptr<HaloPlanCache> halo_plans_;
  std::shared_ptr<const BlockLayout> layout_;
  void place_block();  // x_, y_, neighbours_ from layout_ and rank_
};

}  // namespace meridian::core
