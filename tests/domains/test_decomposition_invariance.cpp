// Regression: each component gives the same bits on any rank count and process grid. Every rank
// also runs the same model alone on MPI_COMM_SELF, and the gathered global fields must be identical.
#include <catch2/catch.hpp>

#include <cmath>

#include "domain_test_support.hpp"
#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/land/land.hpp"
#include "meridian/ocean/ocean.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;

namespace {

constexpr int nx = 37, ny = 23;  // uneven on purpose: blocks of different sizes

struct Case {
  test::Factory factory;
  std::string ini;
  std::string prognostic, flux;
};

// A smooth but irregular pattern by global index, so no symmetry hides an indexing error.
double pattern(int i, int j) { return std::sin(0.7 * i + 1.3 * j) + 0.5 * std::cos(0.31 * i * j); }

// Sets the initial state and the imported flux, runs `steps` steps, returns the global prognostic
// field followed by the total energy.
std::vector<double> run(const Case& c, MPI_Comm comm, core::ProcessGrid pgrid, int steps) {
  test::Model m(c.factory, comm, {nx, ny, c.ini, "continents", "", pgrid});
  m.set(m.field(c.prognostic), [](int i, int j) { return 12.0 + 10.0 * pattern(i, j); });
  core::Field& flux = m.field(c.flux);
  for (int j = 0; j < flux.ny(); ++j)
    for (int i = 0; i < flux.nx(); ++i)
      flux(i, j) = 40.0 * pattern(m.decomposition.x_range().begin + i + 5, m.decomposition.y_range().begin + j);
  m.component->advance(steps * m.component->time_step());
  std::vector<double> out = m.global(m.field(c.prognostic));
  out.push_back(m.energy());
  return out;
}


void check_invariance(const Case& c) {
  const int steps = 20;
  const std::vector<double> serial = run(c, MPI_COMM_SELF, {}, steps);
  const int p = test::world_size();
  const core::ProcessGrid grids[] = {{0, 0}, {p, 1}, {1, p}};
  for (const core::ProcessGrid& g : grids) {
    const std::vector<double> parallel = run(c, test::world(), g, steps);
    INFO(c.prognostic << " on process grid " << g.px << "x" << g.py);
    REQUIRE(test::all_ranks(test::identical(serial, parallel)));
  }
  // The state must have moved, or the comparison proves nothing.
  test::Model m(c.factory, MPI_COMM_SELF, {nx, ny, c.ini, "continents"});
  REQUIRE(serial.back() != m.energy());
}

}  // namespace

TEST_CASE("atmosphere is bitwise decomposition invariant", "[atmosphere][invariance]") {
  // Advection at Courant ~0.33, North's diffusion and longwave all active; dt well inside the
  // stable step.
  check_invariance({atmosphere::make_component,
                    "[run]\ndt = 3600\n[atmosphere]\nwind_speed = 100\ninitial = north\nheat_capacity = 2e6\n",
                    "t_atm", "surface_heat_flux"});
}

TEST_CASE("ocean is bitwise decomposition invariant with coastlines", "[ocean][invariance]") {
  check_invariance({ocean::make_component,
                    "[run]\ndt = 20000\n[sunlight]\nseasonal = true\n[ocean]\nheat_capacity = 1e7\ndiffusivity = 0.6\n",
                    "t_ocean", "ocean_heat_flux"});
}

TEST_CASE("land is bitwise decomposition invariant", "[land][invariance]") {
  check_invariance({land::make_component, "[run]\ndt = 3600\n[sunlight]\nseasonal = true\n", "t_land", "land_heat_flux"});
}
