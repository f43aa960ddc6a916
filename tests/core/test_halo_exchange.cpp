// Every halo cell, corners included, must hold the value of the global cell it mirrors: owned cells
// are filled with a code of (field, level, global i, global j); halos start at -1 and must end as
// the code of the wrapped global index, or stay -1 beyond a non-periodic edge or beyond the width.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <sstream>

#include "meridian/core/error.hpp"
#include "meridian/core/halo_exchange.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;
using meridian::test::all_ranks;
using meridian::test::world;
using meridian::test::world_size;

namespace {

double code(const GlobalGrid& g, int f, int k, int gi, int gj) {
  return 1.0 + gi + double(g.nx) * (gj + double(g.ny) * (k + 8.0 * f));
}

std::optional<int> wrap(int i, int n, bool periodic) {
  if (i >= 0 && i < n) return i;
  if (!periodic) return std::nullopt;
  return ((i % n) + n) % n;
}

// Returns the first wrong cell as text, or an empty string.
std::string check_halos(const Decomposition& d, const std::vector<Field>& fields, int width) {
  const GlobalGrid& g = d.grid();
  for (std::size_t f = 0; f < fields.size(); ++f) {
    const Field& u = fields[f];
    for (int k = 0; k < u.nz(); ++k)
      for (int j = -u.halo(); j < u.ny() + u.halo(); ++j)
        for (int i = -u.halo(); i < u.nx() + u.halo(); ++i) {
          const bool owned = i >= 0 && i < u.nx() && j >= 0 && j < u.ny();
          const bool within = i >= -width && i < u.nx() + width && j >= -width && j < u.ny() + width;
          const auto gi = wrap(d.x_range().begin + i, g.nx, g.periodic_x);
          const auto gj = wrap(d.y_range().begin + j, g.ny, g.periodic_y);
          const double expected = (owned || (within && gi && gj)) ? code(g, int(f), k, *gi, *gj) : -1.0;
          if (u(i, j, k) != expected) {
            std::ostringstream os;
            os << "rank " << d.rank() << " field " << f << " level " << k << " local (" << i << "," << j
               << ") holds " << u(i, j, k) << ", expected " << expected;
            return os.str();
          }
        }
  }
  return {};
}

void run_case(GlobalGrid g, ProcessGrid pg, int width, int field_halo) {
  Decomposition d(world(), g, pg, width);
  std::vector<Field> fields;
  fields.emplace_back("a", d, field_halo, 1);
  fields.emplace_back("b", d, field_halo, 3);
  for (std::size_t f = 0; f < fields.size(); ++f) {
    fields[f].fill(-1.0);
    for (int k = 0; k < fields[f].nz(); ++k)
      for (int j = 0; j < d.ny_local(); ++j)
        for (int i = 0; i < d.nx_local(); ++i)
          fields[f](i, j, k) = code(g, int(f), k, d.x_range().begin + i, d.y_range().begin + j);
  }
  HaloExchange halo(d, width, {&fields[0], &fields[1]});
  // Reuse the plan: the second exchange must give the same, still correct, halos.
  for (int round = 0; round < 2; ++round) {
    halo.start();
    halo.finish();
    const std::string wrong = check_halos(d, fields, width);
    INFO("grid " << g.nx << "x" << g.ny << " periodic " << g.periodic_x << g.periodic_y << " " << d.describe()
                 << " width " << width << " field halo " << field_halo << ": " << wrong);
    REQUIRE(all_ranks(wrong.empty()));
  }
}

}  // namespace

TEST_CASE("halo exchange fills every halo cell, corners and periodic wrap included", "[halo]") {
  const int p = world_size();
  // Widths 1 to 4 have their own copy kernels; 5 takes the general one.
  for (int width = 1; width <= 5; ++width)
    for (bool periodic_y : {false, true})
      for (GlobalGrid g : {GlobalGrid{37, 23, true, periodic_y}, GlobalGrid{24, 24, true, periodic_y},
                           GlobalGrid{23, 37, false, periodic_y}})
        for (ProcessGrid pg : {ProcessGrid{0, 0}, ProcessGrid{p, 1}, ProcessGrid{1, p}}) {
          const int px = pg.px ? pg.px : automatic_process_grid(g.nx, g.ny, p).px;
          const int py = p / px;
          if (g.nx / px < width || g.ny / py < width) continue;
          run_case(g, pg, width, width);
          if (width < 5) run_case(g, pg, width, width + 1);  // a wider field halo keeps its outer ring
        }
}

TEST_CASE("halo exchange where a rank owns exactly the halo width", "[halo]") {
  const int p = world_size();
  for (int width = 1; width <= 5; ++width) {
    run_case({width * p, 5 * width, true, false}, {p, 1}, width, width);
    run_case({4 * width, width * p, true, true}, {1, p}, width, width);
    run_case({4 * width, width * p, true, false}, {1, p}, width, width);
  }
}

TEST_CASE("halo exchange rejects misuse", "[halo][errors]") {
  Decomposition d(world(), {20, 20, true, false});
  Field narrow("narrow", d, 1);
  CHECK_THROWS_AS(HaloExchange(d, 2, {&narrow}), Error);
  Field wrong_shape("wrong", d.nx_local() + 1, d.ny_local(), 2);
  CHECK_THROWS_AS(HaloExchange(d, 1, {&wrong_shape}), Error);
  Field u("u", d, 1);
  HaloExchange halo(d, 1, {&u});
  CHECK_THROWS_AS(halo.finish(), Error);
  halo.start();
  CHECK_THROWS_AS(halo.start(), Error);
  halo.finish();
}

TEST_CASE("halo exchange sends one message per neighbouring rank with all fields and directions", "[halo]") {
  const int p = world_size();
  Decomposition d(world(), {40, 30, true, false}, {p, 1});
  Field a("a", d, 2), b("b", d, 2, 2);
  HaloExchange halo(d, 2, {&a, &b});
  // Along x only: west and east are remote unless px == 1 (both are this rank: no messages); with
  // two ranks they are the same rank, so one message carries both sides.
  CHECK(halo.messages() == (p == 1 ? 0 : p == 2 ? 1 : 2));
  CHECK(halo.bytes_sent() == (p == 1 ? 0u : 2u * 2 * 30 * 3 * sizeof(double)));

  // On a 1 x P grid the rank to the north is also the one to the north-east and north-west (x is
  // periodic over one rank): one message per neighbouring rank, corners included.
  Decomposition rows(world(), {40, 8 * p, true, false}, {1, p});
  Field c("c", rows, 2);
  HaloExchange by_rows(rows, 2, {&c});
  const int peers = p == 1 ? 0 : (rows.rank() == 0 || rows.rank() == p - 1) ? 1 : 2;
  CHECK(by_rows.messages() == peers);
}
