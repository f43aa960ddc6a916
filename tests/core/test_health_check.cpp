#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "meridian/core/health_check.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double largest = std::numeric_limits<double>::max();

// One component on this rank alone: a checked field with two levels (the scan works row by row, so
// the rows are long enough for the vector loop and its remainder), and one nobody checks.
struct Fixture {
  Decomposition decomp{MPI_COMM_SELF, GlobalGrid{37, 5}};
  Field t{"t", decomp, 2, 2};
  Field u{"u", decomp, 1};
  FieldMetadata t_meta{.name = "t", .restart = true, .valid_min = -150, .valid_max = 150};
  FieldMetadata u_meta{.name = "u"};  // neither restart nor a range: not checked

  Fixture() {
    t.fill(not_a_number);  // the halo is never scanned
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < 5; ++j)
        for (int i = 0; i < 37; ++i) t(i, j, k) = -150 + i + j + k;  // the range's ends are valid
    t(36, 4, 1) = 150;
    u.fill(not_a_number);
  }
  std::vector<ComponentOutput> components() { return {{"ocean", &decomp, nullptr, {{u_meta, &u}, {t_meta, &t}}}}; }
};
}  // namespace

TEST_CASE("the health check finds the first bad cell in (level, row, column) order", "[health]") {
  Fixture f;
  CHECK_FALSE(find_first_bad_cell(f.components()).has_value());

  // Every kind of bad value, each alone, anywhere in a row (vector body and remainder).
  for (double bad : {not_a_number, inf, -inf, -150.5, 150.5, largest}) {
    for (int i : {0, 17, 33, 36}) {
      INFO("value " << bad << " at i = " << i);
      Fixture g;
      g.t(i, 3, 1) = bad;
      const auto found = find_first_bad_cell(g.components());
      REQUIRE(found.has_value());
      CHECK(found->field == 1);
      CHECK((found->k == 1 && found->j == 3 && found->i == i));
      CHECK((std::isnan(bad) ? std::isnan(found->value) : found->value == bad));
    }
  }
  // Of several, the first: a lower level before any row of a higher one, then rows, then columns.
  f.t(30, 4, 1) = inf;
  f.t(20, 2, 0) = not_a_number;
  f.t(5, 2, 0) = 200;
  f.t(35, 1, 0) = -1000;
  const auto found = find_first_bad_cell(f.components());
  REQUIRE(found.has_value());
  CHECK((found->k == 0 && found->j == 1 && found->i == 35 && found->value == -1000));
}

TEST_CASE("without a valid range only NaN and infinity are bad, and a NaN bound checks nothing", "[health]") {
  Fixture f;
  f.t_meta.valid_min = -inf;
  f.t_meta.valid_max = inf;
  f.t(3, 0, 0) = largest;
  f.t(4, 0, 0) = -largest;
  CHECK_FALSE(find_first_bad_cell(f.components()).has_value());
  f.t(5, 1, 0) = -inf;
  auto found = find_first_bad_cell(f.components());
  REQUIRE(found.has_value());
  CHECK((found->j == 1 && found->i == 5));

  Fixture g;  // NaN bounds: no value compares outside them, as in the cell-by-cell test
  g.t_meta.valid_min = not_a_number;
  g.t_meta.valid_max = not_a_number;
  g.t(6, 2, 1) = 1e300;
  CHECK_FALSE(find_first_bad_cell(g.components()).has_value());
  g.t(7, 2, 1) = not_a_number;
  found = find_first_bad_cell(g.components());
  REQUIRE(found.has_value());
  CHECK((found->k == 1 && found->j == 2 && found->i == 7));
}
