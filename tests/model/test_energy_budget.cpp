// The energy budget of a forced run (configs/earth.ini: sunlight, longwave to space, surface
// longwave, latent heat, sea ice): the change of the total energy equals the energy the components
// count as having crossed the system's boundary (Component::add_energy_input), to round-off relative
// to the gross fluxes, on every rank count. A term a component adds but does not count (or counts
// twice) leaves a residual many orders of magnitude larger.
#include <catch2/catch.hpp>

#include <cmath>
#include <iomanip>

#include "model_harness.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;
using meridian::test::world;

namespace {
const std::string scratch = "test-energy-budget-output";
}  // namespace

TEST_CASE("a forced run's energy change equals the energy its components took in, to round-off",
          "[model][budget]") {
  // Coarse and short; ice on every sea cell at the start so the ice's sunlight and its melt (capped,
  // the excess spilled to the ocean) are in the budget; no diagnostics row takes the input mid-run.
  // The second run super-steps the atmosphere (a light atmosphere on a finer grid: explicit limit
  // 418 s, dt 1800 s, 4 RKL2 stages), whose input count follows the stages' recurrence.
  const std::vector<std::string> common = {"--run.steps=96", "--diagnostics.every=1000", "--restart.every=0",
                                           "--seaice.initial_volume=0.05"};
  const std::vector<std::string> grids[] = {{"--grid.nx=36", "--grid.ny=18"},
                                            {"--grid.nx=72", "--grid.ny=36", "--atmosphere.heat_capacity=2.5e5"}};
  for (const std::vector<std::string>& grid : grids) {
    std::vector<std::string> overrides = common;
    overrides.insert(overrides.end(), grid.begin(), grid.end());
    const test::ModelRun run = test::run_model(world(), test::config_file("earth.ini"), overrides, scratch);
    REQUIRE(run.steps == 96);
    double entered = 0, gross = 0;
    for (const auto& [name, joules] : run.energy_input) {
      entered += joules;
      gross += std::fabs(joules);
    }
    const double change = run.final_energy - run.initial_energy;
    const double residual = change - entered;
    WARN(grid[0] << " " << grid[1] << (grid.size() > 2 ? " " + grid[2] : std::string()) << ": energy change "
                 << std::setprecision(17) << change << " J, input " << entered << " J, residual " << residual << " J ("
                 << residual / gross << " of the gross " << gross << " J)");
    // Every boundary-crossing component counted something: sunlight on the surfaces and the ice, the
    // air's sunlight less its longwave.
    for (const char* name : {"atmosphere", "ocean", "land", "seaice"}) {
      INFO(name);
      CHECK(run.energy_input.at(name) != 0.0);
    }
    CHECK(std::fabs(residual) < 1e-11 * gross);
  }
}
