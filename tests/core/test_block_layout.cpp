// Weighted blocks and dropped (all-land) blocks: the map itself, then the decomposition, halo
// exchange, redistribution and digests on it at every rank count of the suite.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "meridian/core/block_layout.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/halo_plan.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/core/redistribution.hpp"
#include "meridian/core/state_digest.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;
using meridian::test::all_ranks;
using meridian::test::world;
using meridian::test::world_rank;
using meridian::test::world_size;

namespace {

// Cost 1 everywhere but the land rectangle [x0, x1) x [y0, y1), cost 0.
std::vector<double> with_land(const GlobalGrid& g, int x0, int x1, int y0, int y1) {
  std::vector<double> cost(std::size_t(g.nx) * g.ny, 1.0);
  for (int j = y0; j < y1; ++j)
    for (int i = x0; i < x1; ++i) cost[std::size_t(j) * g.nx + i] = 0.0;
  return cost;
}

double block_cost(const BlockLayout& b, const std::vector<double>& cost, int bx, int by) {
  double sum = 0;
  for (int j = b.y_range(by).begin; j < b.y_range(by).end; ++j)
    for (int i = b.x_range(bx).begin; i < b.x_range(bx).end; ++i) sum += cost[std::size_t(j) * b.grid().nx + i];
  return sum;
}

// A layout of (p + 1) x py blocks over 4 (p + 1) x 6 py cells whose last column of blocks is land: p py
// ranks, one or two dropped blocks east of the last rank and west of the first (periodic x).
BlockLayout land_strip(int p, int py) {
  const GlobalGrid g{4 * (p + 1), 6 * py, true, false};
  return BlockLayout(g, {p + 1, py}, with_land(g, 4 * p, 4 * (p + 1), 0, g.ny), false, true, 2);
}

double code(int i, int j) { return 1.0 + i + 1000.0 * j; }

}  // namespace

TEST_CASE("weighted extents share the cost of the cells evenly", "[block_layout]") {
  const GlobalGrid g{40, 30, true, false};
  std::vector<double> cost(std::size_t(g.nx) * g.ny);
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) cost[std::size_t(j) * g.nx + i] = double(i + 1) * (j < 10 ? 3.0 : 1.0);
  const BlockLayout b(g, {3, 2}, cost, true, false, 2);
  REQUIRE(b.weighted());
  REQUIRE(b.ranks() == 6);
  // Cuts tile the axes, and no column block costs more than a third of the total plus one column.
  int x = 0;
  double most = 0, column_max = 0, total = std::accumulate(cost.begin(), cost.end(), 0.0);
  for (int bx = 0; bx < 3; ++bx) {
    REQUIRE(b.x_range(bx).begin == x);
    REQUIRE(b.x_range(bx).size() >= 2);
    x = b.x_range(bx).end;
    most = std::max(most, block_cost(b, cost, bx, 0) + block_cost(b, cost, bx, 1));
  }
  REQUIRE(x == g.nx);
  for (int i = 0; i < g.nx; ++i) column_max = std::max(column_max, (i + 1) * (3.0 * 10 + 20));
  CHECK(most <= total / 3 + column_max);
  // The expensive south rows get the shorter row block; the equal split would cut at row 15.
  CHECK(b.y_range(0).size() < b.y_range(1).size());
  for (int i = 0; i < g.nx; ++i) REQUIRE(b.x_range(b.column_of(i)).begin <= i);
  for (int j = 0; j < g.ny; ++j) REQUIRE(b.y_range(b.row_of(j)).end > j);
}

TEST_CASE("blocks with no cost get no rank, and ranks map back to their blocks", "[block_layout]") {
  const GlobalGrid g{40, 20, true, false};
  const std::vector<double> cost = with_land(g, 0, 20, 0, 10);  // the south-west quarter is land
  const BlockLayout b(g, {4, 4}, cost, false, true, 1);
  REQUIRE(b.blocks() == 16);
  REQUIRE(b.dropped() == 4);
  REQUIRE(b.ranks() == 12);
  for (const BlockIndex& d : b.dropped_blocks()) {
    REQUIRE(d.bx < 2);
    REQUIRE(d.by < 2);
    REQUIRE(b.rank_of_block(d.bx, d.by) == MPI_PROC_NULL);
  }
  for (int r = 0; r < b.ranks(); ++r) {
    const BlockIndex k = b.block_of_rank(r);
    REQUIRE(b.rank_of_block(k.bx, k.by) == r);
  }
  REQUIRE(b.rank_of_block(-1, 3) == b.rank_of_block(3, 3));  // periodic in x
  REQUIRE(b.rank_of_block(0, 4) == MPI_PROC_NULL);           // beyond the pole
  // Every dropped block is answered for by exactly one rank.
  std::size_t answered = 0;
  for (int r = 0; r < b.ranks(); ++r) answered += dropped_blocks_of(b, r).size();
  REQUIRE(answered == 4);
  CHECK(describe_blocks(b).find("4 of 16 blocks dropped (no cost): 4 ranks saved") != std::string::npos);
  // Nothing to run at all is refused.
  REQUIRE_THROWS_AS(BlockLayout(g, {2, 2}, std::vector<double>(800, 0.0), false, true, 1), ConfigError);
}

TEST_CASE("the process grid that drops empty blocks keeps exactly the ranks given and evens the load",
          "[block_layout]") {
  const GlobalGrid g{40, 20, true, false};
  const std::vector<double> cost = with_land(g, 0, 20, 0, 10);
  for (int ranks : {3, 6, 12}) {
    const ProcessGrid p = process_grid_dropping_empty(g, ranks, cost, false, 1);
    INFO("ranks " << ranks << ": " << p.px << "x" << p.py);
    REQUIRE(p.px > 0);
    const BlockLayout dropping(g, p, cost, false, true, 1);
    REQUIRE(dropping.ranks() == ranks);
    // No worse than the plain grid for the same ranks, whose largest block carries more ocean.
    const ProcessGrid plain = automatic_process_grid(g.nx, g.ny, ranks);
    const BlockLayout equal(g, plain);
    double worst_plain = 0, worst = 0;
    for (int by = 0; by < plain.py; ++by)
      for (int bx = 0; bx < plain.px; ++bx) worst_plain = std::max(worst_plain, block_cost(equal, cost, bx, by));
    for (int r = 0; r < ranks; ++r)
      worst = std::max(worst, block_cost(dropping, cost, dropping.block_of_rank(r).bx, dropping.block_of_rank(r).by));
    CHECK(worst <= worst_plain);
  }
  CHECK(process_grid_dropping_empty(g, 12, cost, false, 1).px * process_grid_dropping_empty(g, 12, cost, false, 1).py >
        12);
}

TEST_CASE("halo exchange on a layout with dropped blocks fills every halo but theirs", "[block_layout][mpi]") {
  const int p = world_size();
  for (int py : {1, 2}) {
    if (py == 2 && p % 2) continue;
    const BlockLayout layout = land_strip(py == 1 ? p : p / 2, py);
    REQUIRE(layout.ranks() == p);
    const Decomposition d(world(), layout);
    const GlobalGrid& g = d.grid();
    Field f("f", d, 2);
    for (int j = 0; j < d.ny_local(); ++j)
      for (int i = 0; i < d.nx_local(); ++i) f(i, j) = code(d.x_range().begin + i, d.y_range().begin + j);
    plan_for(d, 2).exchange({&f});
    bool ok = true;
    for (int j = -2; j < d.ny_local() + 2; ++j)
      for (int i = -2; i < d.nx_local() + 2; ++i) {
        const int gi = ((d.x_range().begin + i) % g.nx + g.nx) % g.nx, gj = d.y_range().begin + j;
        if (gj < 0 || gj >= g.ny) continue;  // beyond a pole: never filled
        const bool land = gi >= g.nx - 4;    // the dropped column of blocks
        const double want = land ? 0.0 : code(gi, gj);
        if (f(i, j) != want) ok = false;
      }
    REQUIRE(all_ranks(ok));
  }
}

TEST_CASE("redistribution from a layout with dropped blocks delivers zeros for them", "[block_layout][mpi]") {
  const int p = world_size();
  const BlockLayout layout = land_strip(p, 1);
  const GlobalGrid g = layout.grid();
  Placement dropped{g, layout.process_grid(), 0, std::make_shared<const BlockLayout>(layout)};
  const Placement plain{g, automatic_process_grid(g.nx, g.ny, p), 0};
  REQUIRE(!same_blocks(dropped, plain));
  Redistribution r(world(), dropped, plain, 1, 1);
  const int me = world_rank();
  const IndexRange fx = dropped.x_range(me), fy = dropped.y_range(me);
  Field f("f", fx.size(), fy.size(), 1);
  for (int j = fy.begin; j < fy.end; ++j)
    for (int i = fx.begin; i < fx.end; ++i) f(i - fx.begin, j - fy.begin) = code(i, j);
  r.gather_start({&f});
  const std::vector<double>& got = r.gather_finish();
  const IndexRange cx = plain.x_range(me), cy = plain.y_range(me);
  bool ok = true;
  for (int j = cy.begin; j < cy.end; ++j)
    for (int i = cx.begin; i < cx.end; ++i) {
      const double want = dropped.owner(i, j) == MPI_PROC_NULL ? 0.0 : code(i, j);
      ok = ok && got[std::size_t(j - cy.begin) * cx.size() + std::size_t(i - cx.begin)] == want;
    }
  REQUIRE(all_ranks(ok));
  // And back: the dropped side receives only its own cells.
  std::vector<double>& out = r.scatter_buffer();
  for (std::size_t n = 0; n < out.size(); ++n) out[n] = -got[n];
  Field back("back", fx.size(), fy.size(), 1);
  r.scatter_start();
  r.scatter_finish(&back);
  ok = true;
  for (int j = fy.begin; j < fy.end; ++j)
    for (int i = fx.begin; i < fx.end; ++i) ok = ok && back(i - fx.begin, j - fy.begin) == -code(i, j);
  REQUIRE(all_ranks(ok));
}

TEST_CASE("a field's digest is the same whether its zero-cost blocks were dropped or not", "[block_layout][mpi]") {
  const int p = world_size();
  const BlockLayout layout = land_strip(p, 1);
  const GlobalGrid g = layout.grid();
  const auto value = [&](int i, int j) { return i >= g.nx - 4 ? 0.0 : code(i, j); };
  const Decomposition d(world(), layout);
  Field f("f", d, 1);
  for (int j = 0; j < d.ny_local(); ++j)
    for (int i = 0; i < d.nx_local(); ++i) f(i, j) = value(d.x_range().begin + i, d.y_range().begin + j);
  // The whole grid on one rank, land included.
  const Decomposition whole(MPI_COMM_SELF, g, {1, 1});
  Field all("all", whole, 0);
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) all(i, j) = value(i, j);
  REQUIRE(digest_sum(owned_digest(f, d), world()) == owned_digest(all, whole));
}
