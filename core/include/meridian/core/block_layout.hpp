#pragma once
// How a global grid is cut into px x py blocks, and which of them hold a rank.
//
// Equal blocks (the default) are arithmetic alone (block_range): every block holds a rank and the
// layout costs O(1) memory at any rank count. Weighted blocks follow a per-cell cost: the column cuts
// split the total cost of the columns evenly, the row cuts that of the rows, so extents are uneven
// where the work is. Blocks whose cost is zero (an ocean's all-land blocks) can be dropped: they get
// no rank, and the blocks that remain take ranks 0, 1, ... in row-major order, as FMS's mask table
// does for MOM6. A weighted layout keeps its cuts (px + py + 2 ints) and, once blocks are dropped, the
// rank of every block (px py ints): the price of a map that arithmetic cannot give.
//
// A dropped block reads as zeros everywhere: the halo exchange never fills halo cells across it (as
// it does not across a pole), redistribution carries nothing from or to it, and files hold 0 (or the
// _FillValue) there, written by the rank dropped_writer() names. A component whose costs drop blocks
// must never let the values of a zero-cost cell change its answers (multiply them by a zero fraction).

#include <memory>
#include <string>
#include <vector>

#include "meridian/core/decomposition.hpp"

namespace meridian::core {

// A block's position in the process grid.
struct BlockIndex {
  int bx = 0;
  int by = 0;
  friend bool operator==(const BlockIndex&, const BlockIndex&) = default;
};

class BlockLayout {
 public:
  BlockLayout() = default;
  // Equal blocks, every one with a rank (block_range).
  BlockLayout(GlobalGrid grid, ProcessGrid pgrid);
  // Blocks cut by `cost` (grid.nx * grid.ny values, i fastest, each >= 0; empty = uniform) when
  // `weighted`, equal otherwise; with `drop_empty`, blocks of zero total cost get no rank. Every block
  // is at least `min_block` cells each way. Throws ConfigError (key "decomposition") if the grid is too
  // small for that, or if every block would be dropped. Local and deterministic: the same on every rank.
  BlockLayout(GlobalGrid grid, ProcessGrid pgrid, const std::vector<double>& cost, bool weighted, bool drop_empty,
              int min_block);

  const GlobalGrid& grid() const noexcept { return grid_; }
  const ProcessGrid& process_grid() const noexcept { return pgrid_; }
  int blocks() const noexcept { return pgrid_.px * pgrid_.py; }
  // Blocks with a rank: the ranks the layout needs.
  int ranks() const noexcept { return ranks_; }
  int dropped() const noexcept { return blocks() - ranks_; }
  bool weighted() const noexcept { return !x_cuts_.empty(); }
  // The same blocks with the same ranks.
  friend bool operator==(const BlockLayout&, const BlockLayout&) = default;

  IndexRange x_range(int bx) const noexcept;  // the cells of block column bx
  IndexRange y_range(int by) const noexcept;
  int column_of(int i) const noexcept;  // the block column holding global column i
  int row_of(int j) const noexcept;
  // The rank (0-based within the layout) of block (bx, by), with periodic wrap where the grid has it;
  // MPI_PROC_NULL outside a non-periodic edge or for a dropped block.
  int rank_of_block(int bx, int by) const noexcept;
  BlockIndex block_of_rank(int rank) const noexcept;
  // The dropped blocks in row-major order.
  const std::vector<BlockIndex>& dropped_blocks() const noexcept { return dropped_; }

 private:
  GlobalGrid grid_;
  ProcessGrid pgrid_;
  int ranks_ = 0;
  std::vector<int> x_cuts_, y_cuts_;           // px + 1 and py + 1 cuts; empty: block_range
  std::vector<int> rank_of_block_;             // px * py, -1 where dropped; empty: every block
  std::vector<BlockIndex> block_of_rank_;      // empty: every block
  std::vector<BlockIndex> dropped_;
};

// The dropped blocks whose cells `rank` writes to files (and reads back for checksums), in order:
// the k-th dropped block goes to rank k % ranks().
std::vector<BlockIndex> dropped_blocks_of(const BlockLayout& layout, int rank);

// "4x2 process grid, blocks 9-10 x 11-12 cells", then what weighting and dropping did ("; extents
// weighted by cost, 3 of 16 blocks dropped (no cost): 3 ranks saved"), for logs and --check.
std::string describe_blocks(const BlockLayout& layout);

// The process grid near `ranks` whose layout over `cost` (see BlockLayout) keeps exactly `ranks`
// blocks once the empty ones are dropped, the most even one (least cost in its largest block, then
// least perimeter) among grids of up to 4 x `ranks` blocks; {0, 0} if none has exactly `ranks`.
// Local, the same on every rank.
ProcessGrid process_grid_dropping_empty(GlobalGrid grid, int ranks, const std::vector<double>& cost, bool weighted,
                                        int min_block);

}  // namespace meridian::core
