#include <catch2/catch.hpp>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/error.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;
using meridian::test::all_ranks;
using meridian::test::sum_over_ranks;
using meridian::test::world;
using meridian::test::world_size;

TEST_CASE("block ranges tile the axis with sizes differing by at most one", "[decomposition]") {
  for (int n : {1, 7, 23, 37, 100}) {
    for (int parts = 1; parts <= n; parts += (parts < 10 ? 1 : 7)) {
      int expected_begin = 0, smallest = n, largest = 0;
      for (int p = 0; p < parts; ++p) {
        const IndexRange r = block_range(n, parts, p);
        REQUIRE(r.begin == expected_begin);
        expected_begin = r.end;
        smallest = std::min(smallest, r.size());
        largest = std::max(largest, r.size());
      }
      REQUIRE(expected_begin == n);
      REQUIRE(largest - smallest <= 1);
    }
  }
}

TEST_CASE("automatic process grid follows the grid's aspect ratio", "[decomposition]") {
  CHECK(automatic_process_grid(100, 100, 4).px == 2);
  CHECK(automatic_process_grid(100, 100, 4).py == 2);
  CHECK(automatic_process_grid(400, 100, 4).px == 4);
  CHECK(automatic_process_grid(100, 400, 4).py == 4);
  CHECK(automatic_process_grid(360, 180, 8).px == 4);
  CHECK(automatic_process_grid(360, 180, 8).py == 2);
  CHECK(automatic_process_grid(50, 50, 7).px * automatic_process_grid(50, 50, 7).py == 7);
  // 100,000 ranks: pure arithmetic, and the result must still be a factorisation.
  const ProcessGrid big = automatic_process_grid(36000, 18000, 100000);
  CHECK(big.px * big.py == 100000);
  CHECK(big.px >= big.py);
}

TEST_CASE("blocks cover the grid once, with consistent neighbours", "[decomposition]") {
  const int p = world_size();
  for (GlobalGrid g : {GlobalGrid{37, 23, true, false}, GlobalGrid{16, 16, true, true}, GlobalGrid{9, 40, false, false}}) {
    for (ProcessGrid pg : {ProcessGrid{0, 0}, ProcessGrid{p, 1}, ProcessGrid{1, p}}) {
      if (pg.px > g.nx || pg.py > g.ny) continue;
      Decomposition d(world(), g, pg);
      REQUIRE(d.process_grid().px * d.process_grid().py == p);
      REQUIRE(sum_over_ranks(static_cast<long long>(d.nx_local()) * d.ny_local()) == static_cast<long long>(g.nx) * g.ny);
      REQUIRE(d.x_range() == block_range(g.nx, d.process_grid().px, d.cx()));
      REQUIRE(d.y_range() == block_range(g.ny, d.process_grid().py, d.cy()));
      // The neighbour across d sees this rank across the opposite direction.
      bool consistent = true;
      for (int dir = 0; dir < direction_count; ++dir) {
        const int nb = d.neighbour(dir);
        if (nb == MPI_PROC_NULL) {
          const int bx = d.cx() + direction_offset[dir][0], by = d.cy() + direction_offset[dir][1];
          const bool outside_x = !g.periodic_x && (bx < 0 || bx >= d.process_grid().px);
          const bool outside_y = !g.periodic_y && (by < 0 || by >= d.process_grid().py);
          consistent &= outside_x || outside_y;
          continue;
        }
        const int nbx = nb % d.process_grid().px, nby = nb / d.process_grid().px;
        consistent &= d.rank_of_block(nbx - direction_offset[dir][0], nby - direction_offset[dir][1]) == d.rank();
      }
      REQUIRE(all_ranks(consistent));
    }
  }
}

TEST_CASE("a process grid that does not match the ranks is a clear error", "[decomposition][errors]") {
  const int p = world_size();
  try {
    Decomposition d(world(), {40, 40}, {p + 1, 1});
    FAIL("expected ConfigError");
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    CHECK_THAT(msg, Catch::Contains(std::to_string(p + 1) + "x1"));
    CHECK_THAT(msg, Catch::Contains("the job has " + std::to_string(p) + " ranks"));
  }
  CHECK_THROWS_AS(Decomposition(world(), {40, 40}, {-1, 1}), ConfigError);
  CHECK_THROWS_AS(Decomposition(world(), {0, 40}), ConfigError);
}

TEST_CASE("blocks narrower than the halo width are a clear error", "[decomposition][errors]") {
  const int p = world_size();
  // 3 cells per rank along x with a halo of 4.
  try {
    Decomposition d(world(), {3 * p, 20}, {p, 1}, 4);
    FAIL("expected ConfigError");
  } catch (const ConfigError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("fewer than the halo width 4"));
  }
  // Exactly the halo width is allowed.
  CHECK_NOTHROW(Decomposition(world(), {3 * p, 20}, {p, 1}, 3));
}
