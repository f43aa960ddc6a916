// Verification of the coupled model: bitwise invariance across rank counts and process grids, energy
// conservation of the closed system, and North (1975)'s analytic equilibrium.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <numbers>

#include "meridian/core/error.hpp"
#include "model_harness.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;
using meridian::test::all_ranks;
using meridian::test::world;
using meridian::test::world_rank;
using meridian::test::world_size;

namespace {

const std::string scratch = "test-model-output";

}  // namespace

TEST_CASE("the coupled model gives the same bits on any rank count and process grid", "[model][invariance]") {
  const int p = world_size();
  const std::string ini = test::config_file("default.ini");
  const std::vector<std::string> shorter = {"--run.steps=48", "--grid.nx=37", "--grid.ny=23", "--atmosphere.wind_speed=15"};
  // Reference: the same run on one rank, computed by every rank on its own.
  const test::ModelRun serial = test::run_model(MPI_COMM_SELF, ini, shorter, scratch + "/serial-" + std::to_string(world_rank()));
  REQUIRE(serial.steps == 48);
  for (const std::string& grid : {std::string("0x0"), std::to_string(p) + "x1", "1x" + std::to_string(p)}) {
    std::vector<std::string> overrides = shorter;
    overrides.push_back("--decomp.px=" + grid.substr(0, grid.find('x')));
    overrides.push_back("--decomp.py=" + grid.substr(grid.find('x') + 1));
    const test::ModelRun parallel = test::run_model(world(), ini, overrides, scratch + "/parallel");
    const std::string diff = test::first_difference(serial, parallel);
    INFO("process grid " << grid << " on " << p << " ranks: " << diff);
    REQUIRE(all_ranks(diff.empty()));
    REQUIRE(parallel.final_energy == serial.final_energy);
  }
}

TEST_CASE("the closed system conserves total energy to round-off over 1000 steps", "[model][conservation]") {
  const test::ModelRun run = test::run_model(world(), test::config_file("conservation.ini"), {}, scratch + "/closed");
  REQUIRE(run.steps == 1000);
  const double drift = std::fabs(run.final_energy - run.initial_energy) / std::fabs(run.initial_energy);
  WARN("closed system: relative energy drift over 1000 steps " << drift << " (" << std::setprecision(17) << run.initial_energy << " J -> " << run.final_energy << " J)");
  CHECK(drift < 1e-13);
  // The system is not static: heat really moved (otherwise conservation would be trivially true).
  const auto& t_land = run.fields.at("land/t_land");
  bool warmed = false;
  for (double t : t_land) warmed |= t > 0.5;
  CHECK(warmed);
}

TEST_CASE("North (1975): the diffusive energy-balance equilibrium, converging with resolution", "[model][north]") {
  const double q = 340, albedo = 0.3, a = 203.3, b = 2.09, d = 0.649, s2 = -0.482;
  const double t0 = (q * (1 - albedo) - a) / b, t2 = q * s2 * (1 - albedo) / (b + 6 * d);
  // Largest |T - (T0 + T2 P2)| after the configured two years (or the same time in other steps).
  const auto worst_error = [&](int ny, std::vector<std::string> overrides) {
    overrides.push_back("--grid.ny=" + std::to_string(ny));
    const test::ModelRun run = test::run_model(world(), test::config_file("north1975.ini"), overrides, scratch + "/north");
    const auto& t = run.fields.at("atmosphere/t_atm");
    const int nx = int(t.size()) / ny;
    double worst = 0;
    for (int j = 0; j < ny; ++j) {
      const double lat = -std::numbers::pi / 2 + (j + 0.5) * std::numbers::pi / ny;
      const double x = std::sin(lat);
      const double exact = t0 + t2 * 0.5 * (3 * x * x - 1);
      for (int i = 0; i < nx; ++i) worst = std::max(worst, std::fabs(t[std::size_t(j) * nx + i] - exact));
    }
    return worst;
  };
  double previous = 0;
  for (int ny : {18, 36, 72}) {
    const double worst = worst_error(ny, {});
    WARN("North (1975) ny=" << ny << ": max |T - (T0 + T2 P2)| = " << worst << " K (T0 = " << t0 << ", T2 = " << t2 << ")");
    CHECK(worst < 1.0);
    if (previous > 0) CHECK(worst < 0.6 * previous);
    previous = worst;
  }
  // Day-long steps at ny = 72: 6 times the atmosphere's explicit limit (14447 s), so it is super-
  // stepped (RKL2, 5 stages), which keeps a steady state exactly: the equilibrium error is the
  // spatial one, no worse than with the 3600 s explicit steps above (measured: 0.0150445 against
  // 0.0150437 K; what differs is how far two years' transient has gone, 1e-6 K, not the scheme).
  const double super = worst_error(72, {"--run.dt=86400", "--run.steps=730", "--ocean.dt=0"});
  WARN("North (1975) ny=72, 86400 s super-steps: max |T - (T0 + T2 P2)| = " << super << " K (3600 s explicit steps: "
                                                                           << previous << " K)");
  CHECK(super <= previous + 1e-5);
}

namespace {

// Rank splits (atmosphere, ocean, land) for this world size, uneven ones included; 0 = automatic.
std::vector<std::vector<int>> splits_for(int p) {
  switch (p) {
    case 3: return {{1, 1, 1}, {0, 0, 0}};
    case 4: return {{2, 1, 1}, {1, 2, 1}, {1, 1, 2}};
    case 6: return {{3, 2, 1}, {2, 2, 2}, {1, 3, 2}, {0, 0, 0}};
    default: return {};
  }
}

std::vector<std::string> concurrent(std::vector<std::string> overrides, const std::vector<int>& split) {
  overrides.push_back("--coupling.layout=concurrent");
  const char* names[] = {"atmosphere", "ocean", "land"};
  for (int c = 0; c < 3; ++c) overrides.push_back("--" + std::string(names[c]) + ".ranks=" + std::to_string(split[c]));
  return overrides;
}

std::string describe(const std::vector<int>& s) {
  return std::to_string(s[0]) + "+" + std::to_string(s[1]) + "+" + std::to_string(s[2]);
}

}  // namespace

TEST_CASE("the concurrent layout gives the same bits as one sequential rank, for any split", "[model][layout]") {
  const int p = world_size();
  if (splits_for(p).empty()) return;  // registered at 3, 4 and 6 ranks
  const std::string ini = test::config_file("default.ini");
  for (const std::string refine : {"1", "2"}) {
    const std::vector<std::string> shorter = {"--run.steps=48", "--grid.nx=37", "--grid.ny=23",
                                              "--atmosphere.wind_speed=15", "--ocean.refine=" + refine};
    const test::ModelRun serial =
        test::run_model(MPI_COMM_SELF, ini, shorter, scratch + "/serial-" + std::to_string(world_rank()));
    for (const std::vector<int>& split : splits_for(p)) {
      const test::ModelRun parallel = test::run_model(world(), ini, concurrent(shorter, split), scratch + "/concurrent");
      const std::string diff = test::first_difference(serial, parallel);
      INFO("concurrent split " << describe(split) << " on " << p << " ranks, ocean.refine=" << refine << ": " << diff);
      REQUIRE(all_ranks(diff.empty()));
      REQUIRE(parallel.final_energy == serial.final_energy);
    }
  }
}

TEST_CASE("the super-stepped atmosphere gives the same bits on any process grid and layout", "[model][layout][invariance]") {
  // A light atmosphere: its explicit limit (198 s) is far below dt = 1800 s, so it takes 6 RKL2
  // stages per step after its advection substep (coupled every step: the air-surface exchange's
  // stable interval shrinks with the air's heat capacity).
  const int p = world_size();
  const std::string ini = test::config_file("default.ini");
  const std::vector<std::string> shorter = {"--run.steps=24", "--grid.nx=37", "--grid.ny=23",
                                            "--atmosphere.wind_speed=15", "--atmosphere.heat_capacity=5e4",
                                            "--coupling.every=1", "--ocean.dt=0", "--land.dt=0"};
  const test::ModelRun serial = test::run_model(MPI_COMM_SELF, ini, shorter, scratch + "/super-serial-" + std::to_string(world_rank()));
  std::vector<std::vector<std::string>> runs;
  for (const std::string& grid : {std::to_string(p) + "x1", "1x" + std::to_string(p)}) {
    std::vector<std::string> overrides = shorter;
    overrides.push_back("--decomp.px=" + grid.substr(0, grid.find('x')));
    overrides.push_back("--decomp.py=" + grid.substr(grid.find('x') + 1));
    runs.push_back(overrides);
  }
  for (const std::vector<int>& split : splits_for(p)) runs.push_back(concurrent(shorter, split));
  for (const std::vector<std::string>& overrides : runs) {
    const test::ModelRun parallel = test::run_model(world(), ini, overrides, scratch + "/super-parallel");
    const std::string diff = test::first_difference(serial, parallel);
    INFO(p << " ranks, " << overrides.back() << ": " << diff);
    REQUIRE(all_ranks(diff.empty()));
    REQUIRE(parallel.final_energy == serial.final_energy);
  }
}

TEST_CASE("the closed system conserves energy in the concurrent layout and on a finer ocean grid", "[model][layout][conservation]") {
  const int p = world_size();
  const std::vector<int> split = p >= 3 ? splits_for(p).front() : std::vector<int>{};
  for (const std::string refine : {"1", "3"}) {
    std::vector<std::string> overrides = {"--run.steps=400", "--ocean.refine=" + refine};
    if (!split.empty()) overrides = concurrent(overrides, split);
    const test::ModelRun run =
        test::run_model(world(), test::config_file("conservation.ini"), overrides, scratch + "/closed-layout");
    const double drift = std::fabs(run.final_energy - run.initial_energy) / std::fabs(run.initial_energy);
    WARN("closed system, " << (split.empty() ? std::string("sequential") : "concurrent " + describe(split))
                           << ", ocean.refine=" << refine << ": relative energy drift over 400 steps " << drift);
    CHECK(drift < 1e-13);
  }
}

TEST_CASE("a concurrent split that does not fit the world is one clear error on every rank", "[model][layout]") {
  const int p = world_size();
  const std::vector<std::string> bad = concurrent({"--run.steps=2"}, {p, 1, 1});
  std::string message;
  try {
    test::run_model(world(), test::config_file("default.ini"), bad, scratch + "/bad");
  } catch (const core::ConfigError& e) {
    message = e.message();
  }
  INFO(message);
  CHECK(all_ranks(message.find("atmosphere.ranks = " + std::to_string(p)) != std::string::npos));
  CHECK(all_ranks(message.find(std::to_string(p) + " ranks") != std::string::npos));
}

namespace {

// A grid.mask = file of nx x ny ocean fractions (north first) with open ocean, land and partial
// coasts, written by rank 0 under a name per world size (ctest may run the rank counts at once).
std::string write_mask_file(int nx, int ny) {
  const std::string path = scratch + "/mask-" + std::to_string(nx) + "x" + std::to_string(ny) + "-np" +
                           std::to_string(world_size()) + ".txt";
  if (world_rank() == 0) {
    std::filesystem::create_directories(scratch);
    std::ofstream out(path);
    for (int line = 0; line < ny; ++line) {
      for (int i = 0; i < nx; ++i) out << (i ? " " : "") << double((3 * i + 7 * line) % 5) / 4.0;  // 0 .. 1
      out << '\n';
    }
  }
  MPI_Barrier(world());
  return path;
}

std::vector<std::string> with_mask_file(std::vector<std::string> overrides, const std::string& path) {
  overrides.push_back("--grid.mask=file");
  overrides.push_back("--grid.mask_file=" + path);
  overrides.push_back("--ocean.refine=2");
  return overrides;
}

}  // namespace

TEST_CASE("a refined ocean on a mask file: the same bits on every layout, energy conserved",
          "[model][layout][mask]") {
  const int p = world_size();
  const std::string ini = test::config_file("default.ini");
  const std::vector<std::string> shorter =
      with_mask_file({"--run.steps=24", "--grid.nx=37", "--grid.ny=23", "--atmosphere.wind_speed=15"},
                     write_mask_file(37, 23));
  const test::ModelRun serial =
      test::run_model(MPI_COMM_SELF, ini, shorter, scratch + "/serial-" + std::to_string(world_rank()));
  REQUIRE(serial.steps == 24);
  std::vector<std::pair<std::string, std::vector<std::string>>> runs = {{"sequential", shorter}};
  for (const std::vector<int>& split : splits_for(p))
    runs.push_back({"concurrent " + describe(split), concurrent(shorter, split)});
  for (const auto& [layout, overrides] : runs) {
    const test::ModelRun parallel = test::run_model(world(), ini, overrides, scratch + "/mask-file");
    const std::string diff = test::first_difference(serial, parallel);
    INFO(layout << " on " << p << " ranks, ocean.refine=2, grid.mask=file: " << diff);
    REQUIRE(all_ranks(diff.empty()));
    REQUIRE(parallel.final_energy == serial.final_energy);
  }

  // Closed system: heat only moves between the components, across the file's partial coasts too.
  std::vector<std::string> closed = with_mask_file({"--run.steps=200"}, write_mask_file(48, 24));
  if (!splits_for(p).empty()) closed = concurrent(closed, splits_for(p).front());
  const test::ModelRun run =
      test::run_model(world(), test::config_file("conservation.ini"), closed, scratch + "/mask-closed");
  const double drift = std::fabs(run.final_energy - run.initial_energy) / std::fabs(run.initial_energy);
  WARN("closed system, ocean.refine=2, grid.mask=file, " << p << " ranks: relative energy drift over 200 steps "
                                                          << drift);
  CHECK(drift < 1e-13);
}

TEST_CASE("real coastlines (grid.mask = earth) under a refined ocean: the same bits on every layout, energy "
          "conserved", "[model][layout][mask][earth]") {
  const int p = world_size();
  // 37 x 23 cuts the 1/4-degree raster unevenly; the ocean on 74 x 46 has slivers of lake and coast.
  const std::vector<std::string> earth = {"--grid.mask=earth", "--ocean.refine=2", "--grid.nx=37", "--grid.ny=23"};
  std::vector<std::string> shorter = earth;
  shorter.insert(shorter.end(), {"--run.steps=12", "--atmosphere.wind_speed=15"});
  const std::string ini = test::config_file("default.ini");
  const test::ModelRun serial =
      test::run_model(MPI_COMM_SELF, ini, shorter, scratch + "/earth-serial-" + std::to_string(world_rank()));
  std::vector<std::pair<std::string, std::vector<std::string>>> runs = {{"sequential", shorter}};
  if (!splits_for(p).empty()) runs.push_back({"concurrent", concurrent(shorter, splits_for(p).front())});
  for (const auto& [layout, overrides] : runs) {
    const test::ModelRun parallel = test::run_model(world(), ini, overrides, scratch + "/earth");
    const std::string diff = test::first_difference(serial, parallel);
    INFO(layout << " on " << p << " ranks, ocean.refine=2, grid.mask=earth: " << diff);
    REQUIRE(all_ranks(diff.empty()));
  }
  std::vector<std::string> closed = earth;
  closed.push_back("--run.steps=100");
  const test::ModelRun run =
      test::run_model(world(), test::config_file("conservation.ini"), closed, scratch + "/earth-closed");
  const double drift = std::fabs(run.final_energy - run.initial_energy) / std::fabs(run.initial_energy);
  WARN("closed system, grid.mask=earth, " << p << " ranks: relative energy drift over 100 steps " << drift);
  CHECK(drift < 1e-13);
}
