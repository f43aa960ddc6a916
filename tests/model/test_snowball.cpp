// The ice-albedo feedback of configs/earth.ini (sea ice, its albedo, the open water's sunlight shaded by
// it) on a coarse aquaplanet with annual-mean sunlight: Budyko-Sellers behaviour. Lowering the
// sunlight turns a warm planet into an ice-covered one, and at today's sunlight the ice-covered planet
// stays frozen while the warm one keeps only polar caps: two stable climates for one forcing
// (hysteresis). Both directions are asserted, and where the transition lies: 12% less sunlight freezes
// the warm planet within the 12 years, 8% less does not (its ice edge stops at 40 degrees). Measured in
// this setup: at 91% of today's sunlight the warm planet keeps open water for 60 years (ice edge at 30
// degrees), at 90% it freezes over in 25 years, at 89% in 11 and at 88% in 8.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "model_harness.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;
using meridian::test::world;

namespace {

const std::string scratch = "test-snowball-output";
constexpr int ny = 36;

// 12 model years of quarter-day steps on an 8 x 36 aquaplanet: a 5 m mixed layer settles in a few years.
std::vector<std::string> coarse(double q, bool cold) {
  std::vector<std::string> o = {"--grid.mask=aquaplanet", "--grid.nx=8", "--grid.ny=" + std::to_string(ny),
                                "--sunlight.seasonal=false", "--sunlight.q=" + std::to_string(q),
                                "--atmosphere.wind_speed=0", "--atmosphere.initial=uniform",
                                "--ocean.heat_capacity=2e7", "--ocean.dt=0", "--run.dt=21600",
                                "--coupling.every=1", "--run.steps=17520", "--restart.every=0",
                                "--diagnostics.every=1460"};
  if (cold) {  // an ice-covered start: 3 m of ice on water at the freezing point under -30 degC air
    o.insert(o.end(), {"--seaice.initial_volume=3", "--ocean.initial_temperature=-1.8",
                       "--atmosphere.initial_temperature=-30"});
  }
  return o;
}

// The area-weighted ice cover min(1, V / h0) of the run's end (h0 = 1 m, seaice.closing_thickness).
double ice_cover(const test::ModelRun& run) {
  const auto& v = run.fields.at("seaice/ice_volume");
  const int nx = int(v.size()) / ny;
  double covered = 0, total = 0;
  for (int j = 0; j < ny; ++j) {
    const double south = -std::numbers::pi / 2 + j * std::numbers::pi / ny;
    const double area = std::sin(south + std::numbers::pi / ny) - std::sin(south);
    for (int i = 0; i < nx; ++i) {
      covered += area * std::min(1.0, v[std::size_t(j) * nx + i]);
      total += area;
    }
  }
  return covered / total;
}

}  // namespace

TEST_CASE("ice-albedo feedback: a dimmer sun freezes the warm planet, and today's sun has two climates",
          "[model][snowball]") {
  const std::string ini = test::config_file("earth.ini");
  const double today = 340;
  const double warm = ice_cover(test::run_model(world(), ini, coarse(today, false), scratch));
  const double frozen = ice_cover(test::run_model(world(), ini, coarse(today, true), scratch));
  const double dim = ice_cover(test::run_model(world(), ini, coarse(0.88 * today, false), scratch));
  const double near = ice_cover(test::run_model(world(), ini, coarse(0.92 * today, false), scratch));
  WARN("ice cover: warm start " << warm << ", cold start " << frozen << " (sunlight " << today
                                << " W m-2); warm start at 88%: " << dim << ", at 92%: " << near);
  CHECK(warm > 0.0);   // polar caps
  CHECK(warm < 0.25);  // but most of the planet open
  CHECK(frozen > 0.999);
  CHECK(dim > 0.999);
  CHECK(near < 0.5);  // ice poleward of 30 degrees at most: the warm climate still exists
}
