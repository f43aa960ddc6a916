// No heat crosses a coastline: two ocean basins separated by land keep their own heat, land cells
// keep their temperature, and the total ocean heat is conserved to round-off.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <fstream>

#include "domain_test_support.hpp"
#include "meridian/ocean/ocean.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;

namespace {

constexpr int nx = 16, ny = 8;
// Land along columns 0 and 8 from pole to pole: basin A is columns 1-7, basin B columns 9-15.
bool is_land(int i) { return i == 0 || i == 8; }

std::string write_mask() {
  long long id = test::world_rank() == 0 ? static_cast<long long>(getpid()) : 0;
  MPI_Bcast(&id, 1, MPI_LONG_LONG, 0, test::world());
  const std::string path = "/tmp/meridian_test_mask_" + std::to_string(id) + ".txt";
  if (test::world_rank() == 0) {
    std::ofstream out(path);
    for (int line = 0; line < ny; ++line) {
      for (int i = 0; i < nx; ++i) out << (is_land(i) ? "0 " : "1 ");
      out << "\n";
    }
  }
  MPI_Barrier(test::world());
  return path;
}

// Heat of each basin, J, reproducibly summed.
std::vector<double> basin_heat(test::Model& m) {
  const core::Field& t = m.field("t_ocean");
  const core::Field& f = m.field("ocean_fraction");
  const double c = m.config.real("ocean.heat_capacity");
  std::vector<core::ExactAccumulator> heat(2);
  for (int j = 0; j < t.ny(); ++j)
    for (int i = 0; i < t.nx(); ++i) {
      const int gi = m.decomposition.x_range().begin + i;
      if (f(i, j) > 0) heat[gi < 8 ? 0 : 1].add(c * t(i, j) * f(i, j) * m.grid.area(m.decomposition.y_range().begin + j));
    }
  return core::reproducible_sums(heat, m.decomposition.comm());
}

}  // namespace

TEST_CASE("ocean: no heat crosses coastlines", "[ocean][conservation]") {
  const std::string path = write_mask();
  // Small heat capacity and a dt at 0.9 of the stable step: diffusion moves a lot of heat.
  const std::string base = "[sunlight]\nenabled = false\n[ocean]\nheat_capacity = 1e6\ndiffusivity = 1\n";
  double stable = 0;
  {
    test::Model probe(ocean::make_component, test::world(), {nx, ny, "[run]\ndt = 1\n" + base, "file", path});
    stable = probe.component->stable_time_step();
  }
  test::Model m(ocean::make_component, test::world(),
                {nx, ny, "[run]\ndt = " + test::exact(0.9 * stable) + "\n" + base, "file", path});
  // Basin A warm, basin B cold, both lumpy; land cells at a marker value.
  m.set(m.field("t_ocean"), [](int i, int j) {
    if (is_land(i)) return -99.0;
    return (i < 8 ? 30.0 : 0.0) + 5.0 * std::sin(1.7 * i + 0.9 * j);
  });
  const std::vector<double> before = basin_heat(m);
  const double total_before = m.energy();
  const std::vector<double> t0 = m.global(m.field("t_ocean"));
  m.component->advance(200 * m.component->time_step());
  const std::vector<double> after = basin_heat(m);
  const double total_after = m.energy();
  const std::vector<double> t1 = m.global(m.field("t_ocean"));

  INFO("basin A " << before[0] << " -> " << after[0] << ", basin B " << before[1] << " -> " << after[1]);
  CHECK(std::fabs(after[0] - before[0]) <= 1e-13 * std::fabs(before[0]));
  CHECK(std::fabs(after[1] - before[1]) <= 1e-13 * (std::fabs(before[0]) + std::fabs(before[1])));
  CHECK(std::fabs(total_after - total_before) <= 1e-13 * std::fabs(total_before));
  double land_change = 0, ocean_change = 0;
  for (std::size_t k = 0; k < t0.size(); ++k)
    (is_land(int(k % nx)) ? land_change : ocean_change) += std::fabs(t1[k] - t0[k]);
  CHECK(land_change == 0.0);
  CHECK(ocean_change > 100.0);  // diffusion really moved heat within each basin
  MPI_Barrier(test::world());
  if (test::world_rank() == 0) std::remove(path.c_str());
}
