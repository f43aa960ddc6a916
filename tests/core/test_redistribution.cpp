// M x N redistribution: every fine cell must reach the coarse owner with all its values, and every
// value sent back must land in its fine cell, interval after interval through the same persistent
// requests. Cells carry a code of (value, global i, global j, interval) so a cell from the wrong
// place, the wrong field or a previous interval is caught.
#include <catch2/catch.hpp>

#include <sstream>

#include "meridian/core/error.hpp"
#include "meridian/core/redistribution.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;
using meridian::test::all_ranks;
using meridian::test::sum_over_ranks;
using meridian::test::world;
using meridian::test::world_rank;
using meridian::test::world_size;

namespace {

constexpr int coarse_nx = 17, coarse_ny = 11;  // odd: uneven blocks that do not line up
constexpr int values = 2;
constexpr int intervals = 3;

double code(const GlobalGrid& g, int v, int i, int j, int interval) {
  return 1.0 + i + double(g.nx) * (j + double(g.ny) * (v + values * double(interval)));
}

// ranks consecutive run ranks from `first`, process grid automatic ({0, 0}) or given.
Placement placement(int nx, int ny, int first, int ranks, ProcessGrid pg = {}) {
  if (pg.px == 0) pg = automatic_process_grid(nx, ny, ranks);
  return {GlobalGrid{nx, ny, true, false}, pg, first};
}

struct Case {
  Placement fine, coarse;
  std::string name;
};

// Same ranks (sequential layout), disjoint ranks (concurrent) both ways round, and overlapping.
std::vector<Case> cases_for(int p, int refine) {
  const int fx = coarse_nx * refine, fy = coarse_ny * refine;
  std::vector<Case> out;
  out.push_back({placement(fx, fy, 0, p), placement(coarse_nx, coarse_ny, 0, p), "same ranks, automatic grids"});
  out.push_back(
      {placement(fx, fy, 0, p, {p, 1}), placement(coarse_nx, coarse_ny, 0, p, {1, p}), "same ranks, px1 vs 1xp"});
  if (p >= 2) {
    const int a = (p + 1) / 2;
    out.push_back({placement(fx, fy, 0, a), placement(coarse_nx, coarse_ny, a, p - a), "fine first, disjoint"});
    out.push_back({placement(fx, fy, p - a, a), placement(coarse_nx, coarse_ny, 0, p - a), "coarse first, disjoint"});
  }
  if (p >= 3) out.push_back({placement(fx, fy, 0, p - 1), placement(coarse_nx, coarse_ny, 1, p - 1), "overlapping"});
  return out;
}

// Runs `intervals` gather/scatter rounds, new values each time; returns the first wrong cell or "".
std::string run_rounds(Redistribution& r, const Case& c, int refine) {
  const int me = world_rank();
  const GlobalGrid& g = c.fine.grid;
  IndexRange fx, fy, cx, cy;
  if (c.fine.holds(me)) fx = c.fine.x_range(me), fy = c.fine.y_range(me);
  if (c.coarse.holds(me)) cx = c.coarse.x_range(me), cy = c.coarse.y_range(me);
  cx = {cx.begin * refine, cx.end * refine}, cy = {cy.begin * refine, cy.end * refine};
  std::vector<Field> state;
  for (const char* name : {"t", "f"}) state.emplace_back(name, fx.size(), fy.size(), 1);  // `values` fields
  Field back("back", fx.size(), fy.size(), 1);
  std::ostringstream wrong;
  for (int k = 0; k < intervals; ++k) {
    for (int v = 0; v < values; ++v)
      for (int j = fy.begin; j < fy.end; ++j)
        for (int i = fx.begin; i < fx.end; ++i) state[std::size_t(v)](i - fx.begin, j - fy.begin) = code(g, v, i, j, k);
    std::vector<const Field*> fields;
    if (c.fine.holds(me)) fields = {&state[0], &state[1]};
    r.gather_start(fields);
    const std::vector<double>& gathered = r.gather_finish();
    if (gathered.size() != std::size_t(cx.size()) * cy.size() * values)
      wrong << "gathered " << gathered.size() << " values; ";
    std::vector<double>& out = r.scatter_buffer();
    for (int j = cy.begin; j < cy.end && wrong.str().empty(); ++j)
      for (int i = cx.begin; i < cx.end; ++i) {
        const std::size_t n = std::size_t(j - cy.begin) * cx.size() + std::size_t(i - cx.begin);
        for (int v = 0; v < values; ++v)
          if (gathered[n * values + v] != code(g, v, i, j, k))
            wrong << "interval " << k << ": gathered (" << i << "," << j << ") value " << v << " is "
                  << gathered[n * values + v] << ", expected " << code(g, v, i, j, k) << "; ";
        out[n] = -code(g, 0, i, j, k);
      }
    back.fill(0.0);
    r.scatter_start();
    r.scatter_finish(&back);
    for (int j = fy.begin; j < fy.end && wrong.str().empty(); ++j)
      for (int i = fx.begin; i < fx.end; ++i)
        if (back(i - fx.begin, j - fy.begin) != -code(g, 0, i, j, k))
          wrong << "interval " << k << ": scattered (" << i << "," << j << ") is " << back(i - fx.begin, j - fy.begin)
                << ", expected " << -code(g, 0, i, j, k) << "; ";
    if (!wrong.str().empty()) return "rank " + std::to_string(me) + ": " + wrong.str();
  }
  return {};
}

long long doubles(const std::vector<Redistribution::Message>& messages) {
  long long n = 0;
  for (const auto& m : messages) n += m.count;
  return n;
}

}  // namespace

TEST_CASE("redistribution delivers every cell both ways, interval after interval", "[redistribution]") {
  const int p = world_size();
  for (int refine : {1, 2, 3})
    for (const Case& c : cases_for(p, refine)) {
      Redistribution r(world(), c.fine, c.coarse, refine, values);
      const std::string wrong = run_rounds(r, c, refine);
      INFO(c.name << " on " << p << " ranks, refine " << refine << ": " << wrong);
      REQUIRE(all_ranks(wrong.empty()));
    }
}

TEST_CASE("redistribution traffic: remote messages only, as many values as cells cross ranks", "[redistribution]") {
  const int p = world_size();
  for (int refine : {1, 2}) {
    const std::vector<Case> cases = cases_for(p, refine);
    const long long cells = static_cast<long long>(coarse_nx * refine) * (coarse_ny * refine);
    for (const Case& c : cases) {
      Redistribution r(world(), c.fine, c.coarse, refine, values);
      const long long gather_sent = sum_over_ranks(doubles(r.gather_traffic().sends));
      const long long gather_received = sum_over_ranks(doubles(r.gather_traffic().receives));
      const long long scatter_sent = sum_over_ranks(doubles(r.scatter_traffic().sends));
      INFO(c.name << " on " << p << " ranks, refine " << refine);
      CHECK(gather_sent == gather_received);
      CHECK(scatter_sent == sum_over_ranks(doubles(r.scatter_traffic().receives)));
      CHECK(gather_sent == values * scatter_sent);
      const bool disjoint = c.fine.first_rank >= c.coarse.first_rank + c.coarse.ranks() ||
                            c.coarse.first_rank >= c.fine.first_rank + c.fine.ranks();
      if (disjoint) CHECK(scatter_sent == cells);  // every cell crosses
      if (&c == &cases.front() && refine == 1) CHECK(scatter_sent == 0);  // identical blocks: all local
      for (const auto& m : r.gather_traffic().sends) CHECK(m.peer != world_rank());
    }
  }
}

TEST_CASE("redistribution rejects misuse", "[redistribution][errors]") {
  const int p = world_size();
  const Case c = cases_for(p, 1).front();
  Redistribution r(world(), c.fine, c.coarse, 1, values);
  CHECK_THROWS_AS(r.gather_finish(), Error);
  CHECK_THROWS_AS(r.scatter_finish(nullptr), Error);
  Field a("a", c.fine.x_range(world_rank()).size(), c.fine.y_range(world_rank()).size(), 1), b = a;
  CHECK_THROWS_AS(r.gather_start({&a}), Error);  // one field, two values per cell
  r.gather_start({&a, &b});
  CHECK_THROWS_AS(r.gather_start({&a, &b}), Error);
  CHECK_THROWS_AS(r.scatter_start(), Error);
  CHECK_THROWS_AS(r.scatter_finish(&a), Error);
  r.gather_finish();
  CHECK_THROWS_AS(Redistribution(world(), c.fine, c.coarse, 2, values), Error);  // fine is not 2x coarse
}
