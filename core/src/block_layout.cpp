#include "meridian/core/block_layout.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {

int wrap(int b, int n, bool periodic) {
  if (b >= 0 && b < n) return b;
  if (!periodic) return -1;
  return ((b % n) + n) % n;
}

// Cuts of `line` (the cost of each column, or row) into `parts` pieces of about equal cost, each at
// least `min_block` long: cut k is the first index whose prefix sum reaches k/parts of the total.
// No cost at all: equal pieces.
std::vector<int> cuts_by_cost(const std::vector<double>& line, int parts, int min_block) {
  const int n = int(line.size());
  std::vector<int> cuts(std::size_t(parts) + 1, n);
  cuts[0] = 0;
  double total = 0;
  for (double c : line) total += c;
  if (!(total > 0)) {
    for (int k = 0; k < parts; ++k) cuts[std::size_t(k)] = block_range(n, parts, k).begin;
    return cuts;
  }
  double prefix = 0;
  int i = 0;
  for (int k = 1; k < parts; ++k) {
    const double target = total * double(k) / double(parts);
    while (i < n && prefix < target) prefix += line[std::size_t(i++)];
    const int lo = cuts[std::size_t(k) - 1] + min_block, hi = n - (parts - k) * min_block;
    cuts[std::size_t(k)] = std::clamp(i, lo, hi);
  }
  return cuts;
}

IndexRange cut_range(const std::vector<int>& cuts, int n, int parts, int b) noexcept {
  if (cuts.empty()) return block_range(n, parts, b);
  return {cuts[std::size_t(b)], cuts[std::size_t(b) + 1]};
}

int cut_index(const std::vector<int>& cuts, int n, int parts, int i) noexcept {
  if (cuts.empty()) return block_of(n, parts, i);
  return int(std::upper_bound(cuts.begin() + 1, cuts.end(), i) - cuts.begin()) - 1;
}

// Column and row sums of a cost array (empty: uniform).
struct LineCosts {
  std::vector<double> columns, rows;
};
LineCosts line_costs(const GlobalGrid& g, const std::vector<double>& cost) {
  LineCosts l{std::vector<double>(std::size_t(g.nx), 0.0), std::vector<double>(std::size_t(g.ny), 0.0)};
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) {
      const double c = cost.empty() ? 1.0 : cost[std::size_t(j) * std::size_t(g.nx) + std::size_t(i)];
      l.columns[std::size_t(i)] += c;
      l.rows[std::size_t(j)] += c;
    }
  return l;
}

// Summed-area tables of a cost array: exact counts of costly cells (to find empty blocks) and the
// cost itself (to compare how even two layouts are).
struct SummedCost {
  int nx = 0, ny = 0;
  std::vector<std::int64_t> busy;
  std::vector<double> cost;
  SummedCost(const GlobalGrid& g, const std::vector<double>& c)
      : nx(g.nx), ny(g.ny), busy(std::size_t(nx + 1) * std::size_t(ny + 1), 0), cost(busy.size(), 0.0) {
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const double v = c.empty() ? 1.0 : c[std::size_t(j) * std::size_t(nx) + std::size_t(i)];
        busy[at(i + 1, j + 1)] = busy[at(i, j + 1)] + busy[at(i + 1, j)] - busy[at(i, j)] + (v > 0 ? 1 : 0);
        cost[at(i + 1, j + 1)] = cost[at(i, j + 1)] + cost[at(i + 1, j)] - cost[at(i, j)] + v;
      }
  }
  std::size_t at(int i, int j) const noexcept { return std::size_t(j) * std::size_t(nx + 1) + std::size_t(i); }
  template <typename T>
  static T box(const std::vector<T>& s, const SummedCost& t, IndexRange x, IndexRange y) {
    return s[t.at(x.end, y.end)] - s[t.at(x.begin, y.end)] - s[t.at(x.end, y.begin)] + s[t.at(x.begin, y.begin)];
  }
};

}  // namespace

BlockLayout::BlockLayout(GlobalGrid grid, ProcessGrid pgrid) : grid_(grid), pgrid_(pgrid), ranks_(pgrid.px * pgrid.py) {}

BlockLayout::BlockLayout(GlobalGrid grid, ProcessGrid pgrid, const std::vector<double>& cost, bool weighted,
                         bool drop_empty, int min_block)
    : grid_(grid), pgrid_(pgrid), ranks_(pgrid.px * pgrid.py) {
  const int need = std::max(1, min_block);
  if (pgrid.px < 1 || pgrid.py < 1 || grid.nx / pgrid.px < need || grid.ny / pgrid.py < need)
    throw ConfigError(-1, "decomposition",
                      "a " + std::to_string(pgrid.px) + "x" + std::to_string(pgrid.py) + " block grid of the " +
                          std::to_string(grid.nx) + "x" + std::to_string(grid.ny) +
                          " grid gives blocks narrower than the halo width " + std::to_string(need));
  if (!cost.empty() && cost.size() != std::size_t(grid.nx) * std::size_t(grid.ny))
    throw Error(-1, "decomposition", "a cell cost array of " + std::to_string(cost.size()) + " values for a " +
                                         std::to_string(grid.nx) + "x" + std::to_string(grid.ny) + " grid");
  if (weighted) {
    const LineCosts lines = line_costs(grid, cost);
    x_cuts_ = cuts_by_cost(lines.columns, pgrid.px, need);
    y_cuts_ = cuts_by_cost(lines.rows, pgrid.py, need);
  }
  if (!drop_empty || cost.empty()) return;
  rank_of_block_.assign(std::size_t(blocks()), -1);
  for (int by = 0; by < pgrid.py; ++by)
    for (int bx = 0; bx < pgrid.px; ++bx) {
      const IndexRange x = x_range(bx), y = y_range(by);
      bool busy = false;
      for (int j = y.begin; j < y.end && !busy; ++j)
        for (int i = x.begin; i < x.end && !busy; ++i)
          busy = cost[std::size_t(j) * std::size_t(grid.nx) + std::size_t(i)] > 0;
      if (busy) {
        rank_of_block_[std::size_t(bx + pgrid.px * by)] = int(block_of_rank_.size());
        block_of_rank_.push_back({bx, by});
      } else {
        dropped_.push_back({bx, by});
      }
    }
  ranks_ = int(block_of_rank_.size());
  if (ranks_ == 0)
    throw ConfigError(-1, "decomposition", "every block of the " + std::to_string(pgrid.px) + "x" +
                                               std::to_string(pgrid.py) + " block grid has zero cost: nothing to run");
  if (dropped_.empty()) rank_of_block_.clear(), block_of_rank_.clear();  // the plain map serves
}

IndexRange BlockLayout::x_range(int bx) const noexcept { return cut_range(x_cuts_, grid_.nx, pgrid_.px, bx); }
IndexRange BlockLayout::y_range(int by) const noexcept { return cut_range(y_cuts_, grid_.ny, pgrid_.py, by); }
int BlockLayout::column_of(int i) const noexcept { return cut_index(x_cuts_, grid_.nx, pgrid_.px, i); }
int BlockLayout::row_of(int j) const noexcept { return cut_index(y_cuts_, grid_.ny, pgrid_.py, j); }

int BlockLayout::rank_of_block(int bx, int by) const noexcept {
  const int x = wrap(bx, pgrid_.px, grid_.periodic_x), y = wrap(by, pgrid_.py, grid_.periodic_y);
  if (x < 0 || y < 0) return MPI_PROC_NULL;
  if (rank_of_block_.empty()) return x + pgrid_.px * y;
  const int r = rank_of_block_[std::size_t(x + pgrid_.px * y)];
  return r < 0 ? MPI_PROC_NULL : r;
}

BlockIndex BlockLayout::block_of_rank(int rank) const noexcept {
  if (block_of_rank_.empty()) return {rank % pgrid_.px, rank / pgrid_.px};
  return block_of_rank_[std::size_t(rank)];
}

std::vector<BlockIndex> dropped_blocks_of(const BlockLayout& layout, int rank) {
  std::vector<BlockIndex> out;
  const std::vector<BlockIndex>& all = layout.dropped_blocks();
  for (std::size_t k = std::size_t(rank); k < all.size(); k += std::size_t(layout.ranks())) out.push_back(all[k]);
  return out;
}

std::string describe_blocks(const BlockLayout& b) {
  const auto span = [](auto range_of, int parts) {
    int lo = std::numeric_limits<int>::max(), hi = 0;
    for (int k = 0; k < parts; ++k) lo = std::min(lo, range_of(k).size()), hi = std::max(hi, range_of(k).size());
    return lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
  };
  const ProcessGrid p = b.process_grid();
  std::string out = std::to_string(p.px) + "x" + std::to_string(p.py) + " process grid, blocks " +
                    span([&](int k) { return b.x_range(k); }, p.px) + " x " +
                    span([&](int k) { return b.y_range(k); }, p.py) + " cells";
  if (b.weighted()) out += "; extents weighted by cost";
  if (b.dropped() > 0)
    out += std::string(b.weighted() ? "," : ";") + " " + std::to_string(b.dropped()) + " of " +
           std::to_string(b.blocks()) + " blocks dropped (no cost): " + std::to_string(b.dropped()) +
           (b.dropped() == 1 ? " rank" : " ranks") + " saved";
  return out;
}

ProcessGrid process_grid_dropping_empty(GlobalGrid grid, int ranks, const std::vector<double>& cost, bool weighted,
                                        int min_block) {
  const int need = std::max(1, min_block);
  const SummedCost sums(grid, cost);
  const LineCosts lines = weighted ? line_costs(grid, cost) : LineCosts{};
  ProcessGrid best{0, 0};
  double best_load = std::numeric_limits<double>::max();
  int best_perimeter = std::numeric_limits<int>::max();
  // The search is O(blocks) per candidate grid; past this many block visits the best so far is kept.
  long long budget = 200'000'000;
  for (int px = 1; px <= grid.nx / need && budget > 0; ++px) {
    const std::vector<int> xc = weighted ? cuts_by_cost(lines.columns, px, need) : std::vector<int>{};
    for (int py = std::max(1, (ranks + px - 1) / px); py <= grid.ny / need && px * py <= 4 * ranks; ++py) {
      const std::vector<int> yc = weighted ? cuts_by_cost(lines.rows, py, need) : std::vector<int>{};
      int active = 0, perimeter = 0;
      double load = 0;
      for (int by = 0; by < py && active <= ranks; ++by)
        for (int bx = 0; bx < px; ++bx) {
          const IndexRange x = cut_range(xc, grid.nx, px, bx), y = cut_range(yc, grid.ny, py, by);
          if (SummedCost::box(sums.busy, sums, x, y) == 0) continue;
          ++active;
          load = std::max(load, SummedCost::box(sums.cost, sums, x, y));
          perimeter = std::max(perimeter, x.size() + y.size());
        }
      budget -= (long long)px * py;
      if (active != ranks) continue;
      if (load < best_load || (load == best_load && perimeter < best_perimeter)) {
        best = {px, py};
        best_load = load;
        best_perimeter = perimeter;
      }
    }
  }
  return best;
}

}  // namespace meridian::core
