// grid.mask = earth: the shipped GSHHG land-fraction raster averaged onto the run's grid. Fractions in
// [0, 1], known places land or sea, the land area of every grid equal to the raster's (the remap is
// conservative), and the same bits on every rank count and process grid.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <numbers>

#include "meridian/core/error.hpp"
#include "meridian/earth/surface_mask.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;
using namespace meridian::earth;
using meridian::test::all_ranks;
using meridian::test::world;
using meridian::test::world_rank;
using meridian::test::world_size;

namespace {

// Land fraction of every cell of the (refine x) grid, gathered on every rank, j-major.
std::vector<double> global_land(const SurfaceMask& mask, int nx, int ny, MPI_Comm comm, ProcessGrid pg = {}) {
  const Decomposition d(comm, {nx, ny, true, false}, pg);
  const std::vector<double> ocean = mask.ocean_fraction(d);
  std::vector<double> local(std::size_t(nx) * ny, 0.0), out(local.size());
  std::size_t k = 0;
  for (int j = d.y_range().begin; j < d.y_range().end; ++j)
    for (int i = d.x_range().begin; i < d.x_range().end; ++i) local[std::size_t(j) * nx + i] = 1.0 - ocean[k++];
  MPI_Allreduce(local.data(), out.data(), int(out.size()), MPI_DOUBLE, MPI_SUM, comm);
  return out;
}

// Land area on the unit sphere, summed row by row.
double land_area(const std::vector<double>& land, const SphereGrid& g) {
  double area = 0;
  for (int j = 0; j < g.ny(); ++j)
    for (int i = 0; i < g.nx(); ++i) area += land[std::size_t(j) * g.nx() + i] * g.unit_area(j);
  return area;
}

// The raster's own land area on the unit sphere, straight from the file (1440 x 720, north first).
double raster_land_area() {
  std::ifstream in(default_earth_file(), std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  const int w = 1440, h = 720;
  REQUIRE(bytes.size() > std::size_t(w) * h);
  const std::size_t start = bytes.size() - std::size_t(w) * h;
  const SphereGrid fine(w, h);
  double area = 0;
  for (int r = 0; r < h; ++r) {
    double row = 0;
    for (int c = 0; c < w; ++c) row += static_cast<unsigned char>(bytes[start + std::size_t(r) * w + c]) / 255.0;
    area += row * fine.unit_area(h - 1 - r);
  }
  return area;
}

double at(const std::vector<double>& land, const SphereGrid& g, double lon, double lat) {
  const int i = int(lon / 360 * g.nx()), j = int((lat + 90) / 180 * g.ny());
  return land[std::size_t(j) * g.nx() + i];
}

}  // namespace

TEST_CASE("earth mask at 2.5 degrees: fractions, Earth's land area, known places", "[mask][earth]") {
  const SphereGrid g(144, 72);
  const std::vector<double> land = global_land(SurfaceMask("earth", "", g), 144, 72, world());
  for (double f : land) REQUIRE((f >= 0.0 && f <= 1.0));
  // Earth's land is 29.2% of its surface with lakes; the raster counts its lakes (0.5%) as water and
  // GSHHG's intermediate shorelines blur the rest by far less than the 0.8% allowed here.
  const double fraction = land_area(land, g) / (4 * std::numbers::pi);
  INFO("land fraction " << fraction);
  CHECK(std::fabs(fraction - 0.292) < 0.008);
  CHECK(at(land, g, 10, 22) == 1.0);     // Sahara
  CHECK(at(land, g, 181, 41) == 0.0);    // North Pacific
  CHECK(at(land, g, 120, -85) == 1.0);   // Antarctica
  CHECK(at(land, g, 318, 74) == 1.0);    // Greenland
  CHECK(at(land, g, 331, 40) == 0.0);    // mid-Atlantic
  CHECK(at(land, g, 51, 41) < 0.5);      // Caspian Sea: water, not land
  CHECK(at(land, g, 274, 46) < 0.6);     // Lakes Huron and Michigan: about half water
  CHECK(at(land, g, 274, 46) > 0.1);
  int coastal = 0;
  for (double f : land) coastal += f > 0 && f < 1;
  CHECK(coastal > 500);  // coastlines are fractional, not staircases of 0 and 1
}

TEST_CASE("earth mask: the remap conserves land area on any grid and refinement", "[mask][earth]") {
  const double fine = raster_land_area();
  for (auto [nx, ny] : {std::pair{37, 23}, {144, 72}, {1440, 720}, {2000, 999}}) {
    const SphereGrid g(nx, ny);
    const double coarse = land_area(global_land(SurfaceMask("earth", "", g), nx, ny, world()), g);
    INFO(nx << "x" << ny << ": " << coarse << " vs the raster's " << fine);
    CHECK(std::fabs(coarse - fine) < 1e-12 * fine);
  }
  // Refined surfaces: a 36x18 atmosphere sees the area mean of the ocean's 3x finer cells.
  const SphereGrid base(36, 18), fine3(108, 54);
  const double refined = land_area(global_land(SurfaceMask("earth", "", base, 3, 3), 108, 54, world()), fine3);
  const double coarse = land_area(global_land(SurfaceMask("earth", "", base, 1, 3), 36, 18, world()), base);
  CHECK(std::fabs(refined - fine) < 1e-12 * fine);
  CHECK(std::fabs(coarse - fine) < 1e-12 * fine);
}

TEST_CASE("earth mask: the same bits on every rank count and process grid", "[mask][earth][decomposition]") {
  const int nx = 75, ny = 41;  // does not divide the raster: cells straddle raster cells
  const SphereGrid g(nx, ny);
  const SurfaceMask mask("earth", "", g, 2, 4);
  const std::vector<double> serial = global_land(mask, 2 * nx, 2 * ny, MPI_COMM_SELF);
  const int p = world_size();
  for (ProcessGrid pg : {ProcessGrid{p, 1}, ProcessGrid{1, p}, ProcessGrid{}}) {
    const std::vector<double> parallel = global_land(mask, 2 * nx, 2 * ny, world(), pg);
    INFO(p << " ranks as " << pg.px << "x" << pg.py);
    CHECK(all_ranks(parallel == serial));
  }
}

TEST_CASE("earth mask: a missing, foreign or truncated raster is a ConfigError naming the file", "[mask][earth]") {
  const SphereGrid g(16, 8);
  CHECK_THROWS_AS(SurfaceMask("earth", "/nonexistent/land.pgm", g), ConfigError);
  const std::string dir = "/tmp/meridian_mask_test_" + std::to_string(getpid()) + "_" + std::to_string(world_rank());
  const std::string wrong = dir + "_p2.pgm", short_file = dir + "_short.pgm";
  std::ofstream(wrong) << "P2\n4 2\n255\n0 0 0 0 1 1 1 1\n";
  std::ofstream(short_file) << "P5\n# comment\n4 2\n255\n" << std::string(7, '\0');
  CHECK_THROWS_WITH(SurfaceMask("earth", wrong, g), Catch::Contains(wrong) && Catch::Contains("8-bit binary PGM"));
  CHECK_THROWS_WITH(SurfaceMask("earth", short_file, g), Catch::Contains("7 bytes of pixels; 4 x 2 need 8"));
  std::ofstream(short_file, std::ios::app) << '\xff';  // complete: land in the south-east quarter only
  const std::vector<double> land = global_land(SurfaceMask("earth", short_file, g), 16, 8, MPI_COMM_SELF);
  CHECK(land[3 * 16 + 12] == 1.0);  // the last byte is the south row (north first), 270-360E (east from 0E)
  CHECK(land[3 * 16 + 11] == 0.0);
  CHECK(land[4 * 16 + 12] == 0.0);
  CHECK(land[0] == 0.0);
  std::remove(wrong.c_str());
  std::remove(short_file.c_str());
}
