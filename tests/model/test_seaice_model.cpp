// Sea ice in the coupled model (configs/seaice.ini): coupled only through the config and the
// surface_exchange mediator, it conserves the closed system's energy while it forms, and its answers
// are the same bits on any rank count, process grid and layout, the ice on its own ranks included.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "model_harness.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;
using meridian::test::all_ranks;
using meridian::test::world;
using meridian::test::world_rank;
using meridian::test::world_size;

namespace {

const std::string scratch = "test-seaice-model-output";

// A cold start: a shallow ocean just above freezing under North's polar air, so ice forms within days.
const std::vector<std::string> cold = {"--ocean.initial_temperature=-1.7", "--ocean.heat_capacity=1e8",
                                       "--grid.nx=37", "--grid.ny=23", "--atmosphere.wind_speed=15"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

double most_ice(const test::ModelRun& run) {
  const auto& v = run.fields.at("seaice/ice_volume");
  return *std::max_element(v.begin(), v.end());
}

}  // namespace

TEST_CASE("sea ice forms in the closed system, and total energy (latent heat included) is conserved",
          "[model][seaice][conservation]") {
  const test::ModelRun run =
      test::run_model(world(), test::config_file("seaice.ini"),
                      with(cold, {"--run.steps=480", "--sunlight.enabled=false", "--sunlight.seasonal=false", "--atmosphere.longwave=false",
                                   "--atmosphere.initial=uniform", "--atmosphere.initial_temperature=-20"}),
                      scratch + "/closed");
  const double drift = std::fabs(run.final_energy - run.initial_energy) / std::fabs(run.initial_energy);
  WARN("closed system with sea ice, " << world_size() << " ranks: relative energy drift over 480 steps " << drift
                                      << ", thickest ice " << most_ice(run) << " m per cell area");
  CHECK(drift < 1e-13);
  CHECK(most_ice(run) > 1e-3);  // ice really formed: conservation is not trivially true
}

TEST_CASE("sea ice: the same bits on any rank count, process grid and layout", "[model][seaice][invariance]") {
  const int p = world_size();
  const std::string ini = test::config_file("seaice.ini");
  const std::vector<std::string> shorter = with(cold, {"--run.steps=288"});
  const test::ModelRun serial =
      test::run_model(MPI_COMM_SELF, ini, shorter, scratch + "/serial-" + std::to_string(world_rank()));
  REQUIRE(most_ice(serial) > 0);  // the comparison covers ice that exists
  std::vector<std::pair<std::string, std::vector<std::string>>> runs = {
      {"automatic grid", shorter},
      {"1 x p", with(shorter, {"--decomp.px=1", "--decomp.py=" + std::to_string(p)})},
      {"p x 1", with(shorter, {"--decomp.px=" + std::to_string(p), "--decomp.py=1"})}};
  // Concurrent: atmosphere, ocean, land, sea ice each on ranks of their own.
  const std::vector<int> split = p == 4 ? std::vector<int>{1, 1, 1, 1}
                                 : p == 6 ? std::vector<int>{2, 2, 1, 1}
                                 : p == 8 ? std::vector<int>{3, 2, 1, 2}
                                          : std::vector<int>{};
  if (!split.empty())
    runs.push_back({"concurrent", with(shorter, {"--coupling.layout=concurrent",
                                                 "--atmosphere.ranks=" + std::to_string(split[0]),
                                                 "--ocean.ranks=" + std::to_string(split[1]),
                                                 "--land.ranks=" + std::to_string(split[2]),
                                                 "--seaice.ranks=" + std::to_string(split[3])})});
  for (const auto& [layout, overrides] : runs) {
    if (layout != "automatic grid" && p == 1) continue;
    const test::ModelRun parallel = test::run_model(world(), ini, overrides, scratch + "/parallel");
    const std::string diff = test::first_difference(serial, parallel);
    INFO(layout << " on " << p << " ranks: " << diff);
    REQUIRE(all_ranks(diff.empty()));
    REQUIRE(parallel.final_energy == serial.final_energy);
  }
}
