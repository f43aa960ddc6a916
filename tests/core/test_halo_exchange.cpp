// Every halo cell, corners included, must hold the value of the global cell it mirrors: owned cells
// are filled with a code of (field, level, global i, global j); halos start at -1 and must end as
// the code of the wrapped global index, or stay -1 beyond a non-periodic edge or beyond the width.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "meridian/core/error.hpp"
#include "meridian/core/halo_plan.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;
using meridian::test::all_ranks;
using meridian::test::world;
using meridian::test::world_size;

// Counts operator new calls, to show that a steady-state exchange allocates nothing. Every form that
// the library may call is replaced (std::stable_sort takes a nothrow temporary buffer), so nothing
// allocated by the sanitizer's operator new is ever freed here, or the other way round.
std::atomic<long long> allocations{0};

namespace {
void* counted(std::size_t n) noexcept {
  ++allocations;
  return std::malloc(n ? n : 1);
}
}  // namespace

// GCC 12 pairs the replaced operator delete's free() with `new` and warns; they do match (malloc).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (void* p = counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

double code(const GlobalGrid& g, int f, int k, int gi, int gj) {
  return 1.0 + gi + double(g.nx) * (gj + double(g.ny) * (k + 8.0 * f));
}

std::optional<int> wrap(int i, int n, bool periodic) {
  if (i >= 0 && i < n) return i;
  if (!periodic) return std::nullopt;
  return ((i % n) + n) % n;
}

// Returns the first wrong cell of the fields numbered `which` (all if empty) as text, or "".
std::string check_halos(const Decomposition& d, const std::vector<Field>& fields, int width,
                        std::vector<std::size_t> which = {}) {
  const GlobalGrid& g = d.grid();
  if (which.empty())
    for (std::size_t f = 0; f < fields.size(); ++f) which.push_back(f);
  for (std::size_t f : which) {
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

// Owned cells get their code, halos -1.
void fill_codes(const Decomposition& d, std::vector<Field>& fields) {
  for (std::size_t f = 0; f < fields.size(); ++f) {
    fields[f].fill(-1.0);
    for (int k = 0; k < fields[f].nz(); ++k)
      for (int j = 0; j < d.ny_local(); ++j)
        for (int i = 0; i < d.nx_local(); ++i)
          fields[f](i, j, k) = code(d.grid(), int(f), k, d.x_range().begin + i, d.y_range().begin + j);
  }
}

void run_case(GlobalGrid g, ProcessGrid pg, int width, int field_halo) {
  Decomposition d(world(), g, pg, width);
  std::vector<Field> fields;
  fields.emplace_back("a", d, field_halo, 1);
  fields.emplace_back("b", d, field_halo, 3);
  fill_codes(d, fields);
  HaloPlan& plan = plan_for(d, width);
  // Reuse the plan: the second exchange must give the same, still correct, halos.
  for (int round = 0; round < 2; ++round) {
    HaloHandle h = plan.start({&fields[0], &fields[1]});
    h.finish();
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

TEST_CASE("one halo plan serves different field sets, with no allocation once each was seen", "[halo]") {
  const int p = world_size();
  for (ProcessGrid pg : {ProcessGrid{0, 0}, ProcessGrid{p, 1}, ProcessGrid{1, p}}) {
    Decomposition d(world(), {31, 29, true, true}, pg, 2);
    std::vector<Field> fields;
    fields.emplace_back("a", d, 2, 1);
    fields.emplace_back("b", d, 3, 3);
    fields.emplace_back("c", d, 2, 2);
    HaloPlan& plan = plan_for(d, 2);
    // Field sets of 1, 5, 6 and 3 levels, growing and shrinking the buffers, in three passes: the
    // first grows the buffers (which drops the requests made for smaller sets), the second remakes
    // the requests dropped, and the third must allocate nothing.
    const std::vector<std::vector<std::size_t>> sets = {{0}, {1, 2}, {0, 1, 2}, {0, 2}};
    for (int pass = 0; pass < 3; ++pass)
      for (const auto& set : sets) {
        fill_codes(d, fields);
        std::vector<Field*> bound;
        for (std::size_t f : set) bound.push_back(&fields[f]);
        const long long before = allocations.load();
        HaloHandle h = plan.start(bound);
        h.finish();
        const long long allocated = allocations.load() - before;
        const std::string wrong = check_halos(d, fields, 2, set);
        INFO(d.describe() << " pass " << pass << ", " << set.size() << " fields: " << wrong);
        REQUIRE(all_ranks(wrong.empty()));
        // Fields outside the set keep their halos.
        for (std::size_t f = 0; f < fields.size(); ++f)
          if (std::find(set.begin(), set.end(), f) == set.end()) CHECK(fields[f](-1, -1, 0) == -1.0);
        if (pass == 2) CHECK(all_ranks(allocated == 0));
      }
  }
}

TEST_CASE("halo plans are cached per decomposition and width, on one communicator", "[halo]") {
  const long long dups_before = Comm::dups_made();
  Decomposition d(world(), {20, 20, true, false});
  HaloPlan& one = plan_for(d, 1);
  HaloPlan& two = plan_for(d, 2);
  CHECK(&plan_for(d, 1) == &one);
  CHECK(&one != &two);
  CHECK(one.width() == 1);
  CHECK(two.width() == 2);
  const Decomposition copy = d;  // a copy shares the cache
  CHECK(&plan_for(copy, 2) == &two);
  CHECK(one.comm() == two.comm());
  // Many field sets, one communicator in all.
  Field u("u", d, 2), v("v", d, 2, 4), w("w", d, 1);
  one.exchange({&u});
  one.exchange({&u, &v, &w});
  two.exchange({&v});
  two.exchange({&v, &u});
  CHECK(Comm::dups_made() - dups_before == 1);
  // Another decomposition of the same ranks has plans of its own.
  Decomposition other(world(), {20, 20, true, false});
  CHECK(&plan_for(other, 1) != &one);
  CHECK(Comm::dups_made() - dups_before == 2);
  CHECK_THROWS_AS(plan_for(d, -1), Error);
}

TEST_CASE("halo exchange rejects misuse", "[halo][errors]") {
  Decomposition d(world(), {20, 20, true, false});
  HaloPlan& plan = plan_for(d, 2);
  Field narrow("narrow", d, 1);
  CHECK_THROWS_AS((void)plan.start({&narrow}), Error);
  Field wrong_shape("wrong", d.nx_local() + 1, d.ny_local(), 2);
  CHECK_THROWS_AS((void)plan.start({&wrong_shape}), Error);
  CHECK_FALSE(plan.in_flight());
  Field u("u", d, 2);
  HaloHandle h = plan.start({&u});
  CHECK(plan.in_flight());
  CHECK_THROWS_AS((void)plan.start({&u}), Error);
  // Another plan of the same decomposition may be in flight at the same time (its own tag).
  HaloHandle h1 = plan_for(d, 1).start({&u});
  h.finish();
  h1.finish();
  CHECK_THROWS_AS(h.finish(), Error);
  CHECK_FALSE(plan.in_flight());
  // A moved-from handle is empty; the moved-to one finishes.
  HaloHandle a = plan.start({&u});
  HaloHandle b = std::move(a);
  CHECK_FALSE(a.pending());
  CHECK_THROWS_AS(a.finish(), Error);
  b.finish();
  // A handle dropped unfinished (an exception between start and finish) frees the plan.
  try {
    HaloHandle dropped = plan.start({&u});
    throw Error(d.rank(), "test", "thrown while an exchange is in flight");
  } catch (const Error&) {
  }
  CHECK_FALSE(plan.in_flight());
  CHECK_NOTHROW(plan.exchange({&u}));
}

TEST_CASE("halo exchange sends one message per neighbouring rank with all fields and directions", "[halo]") {
  const int p = world_size();
  Decomposition d(world(), {40, 30, true, false}, {p, 1});
  HaloPlan& plan = plan_for(d, 2);
  // Along x only: west and east are remote unless px == 1 (both are this rank: no messages); with
  // two ranks they are the same rank, so one message carries both sides.
  CHECK(plan.messages() == (p == 1 ? 0 : p == 2 ? 1 : 2));
  CHECK(plan.bytes_sent(3) == (p == 1 ? 0u : 2u * 2 * 30 * 3 * sizeof(double)));

  // On a 1 x P grid the rank to the north is also the one to the north-east and north-west (x is
  // periodic over one rank): one message per neighbouring rank, corners included.
  Decomposition rows(world(), {40, 8 * p, true, false}, {1, p});
  const int peers = p == 1 ? 0 : (rows.rank() == 0 || rows.rank() == p - 1) ? 1 : 2;
  CHECK(plan_for(rows, 2).messages() == peers);
}

namespace {
// The distinct ranks other than this one whose blocks touch this rank's block, found from the block
// coordinates alone (not from Decomposition::neighbour, which the plan uses).
int distinct_peers(const Decomposition& d) {
  std::vector<int> peers;
  for (int dy = -1; dy <= 1; ++dy)
    for (int dx = -1; dx <= 1; ++dx) {
      const int r = d.rank_of_block(d.cx() + dx, d.cy() + dy);
      if ((dx || dy) && r != MPI_PROC_NULL && r != d.rank() && std::find(peers.begin(), peers.end(), r) == peers.end())
        peers.push_back(r);
    }
  return int(peers.size());
}

// Halo cells filled from other ranks per level: every direction whose block is another rank.
std::size_t remote_halo_cells(const Decomposition& d, int width) {
  std::size_t cells = 0;
  for (int dir = 0; dir < direction_count; ++dir) {
    const int ox = direction_offset[dir][0], oy = direction_offset[dir][1];
    const int r = d.rank_of_block(d.cx() + ox, d.cy() + oy);
    if (r == MPI_PROC_NULL || r == d.rank()) continue;
    cells += std::size_t(ox ? width : d.nx_local()) * (oy ? width : d.ny_local());
  }
  return cells;
}

// Every process grid of `p` ranks: 1 x p, p x 1, and 2 x 2, 2 x 3, 3 x 2, 2 x 4, 4 x 2 ... between.
std::vector<ProcessGrid> all_process_grids(int p) {
  std::vector<ProcessGrid> grids;
  for (int px = 1; px <= p; ++px)
    if (p % px == 0) grids.push_back({px, p / px});
  return grids;
}
}  // namespace

TEST_CASE("halo exchange on every process grid of the rank count, uneven splits, widths 1 to 3", "[halo]") {
  const int p = world_size();
  for (ProcessGrid pg : all_process_grids(p))
    for (int width = 1; width <= 3; ++width)
      for (bool periodic_x : {true, false})
        for (bool periodic_y : {false, true}) {
          // 29 x 31 splits unevenly over every px and py up to 8.
          const GlobalGrid g{29 + 2 * width, 31 + 2 * width, periodic_x, periodic_y};
          if (g.nx / pg.px < width || g.ny / pg.py < width) continue;
          run_case(g, pg, width, width);
        }
}

TEST_CASE("halo exchange sends one message per distinct neighbouring rank on every process grid", "[halo]") {
  const int p = world_size();
  for (ProcessGrid pg : all_process_grids(p))
    for (int width = 1; width <= 3; ++width)
      for (bool periodic_y : {false, true}) {
        Decomposition d(world(), {8 * p, 8 * p, true, periodic_y}, pg, width);
        const HaloPlan& plan = plan_for(d, width);
        INFO(d.describe() << " width " << width << " periodic y " << periodic_y << " rank " << d.rank());
        CHECK(plan.messages() == distinct_peers(d));
        // Merging the sides to one peer changes how the values travel, not how many.
        CHECK(plan.bytes_sent(2) == 2 * remote_halo_cells(d, width) * sizeof(double));
        CHECK(plan.has_self_copy() == (pg.px == 1 || (periodic_y && pg.py == 1)));
      }
}

TEST_CASE("halo exchange with more field sets than the plan keeps requests for", "[halo]") {
  // Twelve single-field sets in turn, then again: the plan drops the least recently used requests
  // and remakes them; every exchange must still fill the right halos of the right field.
  const int p = world_size();
  for (ProcessGrid pg : {ProcessGrid{1, p}, ProcessGrid{p, 1}}) {
    Decomposition d(world(), {19, 17, true, true}, pg, 1);
    std::vector<Field> fields;
    for (int f = 0; f < 12; ++f) {
      std::string name = "f";  // not "f" + to_string(f): GCC 12 warns falsely (-Wrestrict, PR 105329)
      name += std::to_string(f);
      fields.emplace_back(name, d, 1 + f % 2, 1 + f % 3);
    }
    HaloPlan& plan = plan_for(d, 1);
    for (int round = 0; round < 2; ++round)
      for (std::size_t f = 0; f < fields.size(); ++f) {
        fill_codes(d, fields);
        plan.exchange({&fields[f]});
        const std::string wrong = check_halos(d, fields, 1, {f});
        INFO(d.describe() << " round " << round << " field " << f << ": " << wrong);
        REQUIRE(all_ranks(wrong.empty()));
      }
  }
}

TEST_CASE("split-phase exchange: owned cells read between start and finish, halos valid after", "[halo]") {
  const int p = world_size();
  for (ProcessGrid pg : all_process_grids(p)) {
    Decomposition d(world(), {23, 21, true, false}, pg, 2);
    std::vector<Field> fields;
    fields.emplace_back("a", d, 2, 2);
    fields.emplace_back("b", d, 3, 1);
    fill_codes(d, fields);
    HaloHandle h = plan_for(d, 2).start({&fields[0], &fields[1]});
    // Halos filled by a self copy (x over one rank) are valid once start() returns.
    if (d.neighbour(Direction::west) == d.rank() && d.neighbour(Direction::east) == d.rank()) {
      bool wrapped = true;
      for (int j = 0; j < d.ny_local(); ++j)
        for (int i = 1; i <= 2; ++i)
          wrapped = wrapped && fields[0](-i, j) == code(d.grid(), 0, 0, d.grid().nx - i, d.y_range().begin + j) &&
                    fields[0](d.nx_local() - 1 + i, j) == code(d.grid(), 0, 0, i - 1, d.y_range().begin + j);
      CHECK(wrapped);
    }
    double owned_sum = 0.0;  // reading owned cells while the rows they hold are in flight is allowed
    for (int j = 0; j < d.ny_local(); ++j)
      for (int i = 0; i < d.nx_local(); ++i) owned_sum += fields[0](i, j);
    h.finish();
    CHECK(owned_sum > 0.0);
    const std::string wrong = check_halos(d, fields, 2);
    INFO(d.describe() << ": " << wrong);
    REQUIRE(all_ranks(wrong.empty()));
  }
}
