// What the sea ice shows the framework: its coupling fields and metadata, the exported fraction,
// its global means, its option checks, and the same bits on any decomposition.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "meridian/core/error.hpp"
#include "mpi_test_support.hpp"
#include "seaice_test_support.hpp"

using namespace meridian;

namespace {

constexpr int nx = 37, ny = 23;  // uneven on purpose: blocks of different sizes

double pattern(int i, int j) { return std::sin(0.7 * i + 1.3 * j) + 0.5 * std::cos(0.31 * i * j); }

// A sea fraction with land (0), open-sea (1) and coastal cells.
double sea_fraction(int i, int j) {
  const int k = (3 * i + 7 * j) % 5;
  return k == 0 ? 0.0 : k == 1 ? 1.0 : 0.5 + 0.4 * std::sin(0.9 * i + 0.4 * j);
}

// The message of the ConfigError that `f` throws, or "" if it throws none.
template <class F>
std::string config_error(F&& f) {
  try {
    f();
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sea ice declares its coupling fields and field metadata", "[seaice]") {
  test::IceModel m(test::world(), nx, ny, "[run]\ndt = 1800\n");
  const auto names = [](const std::vector<core::CouplingField>& fields) {
    std::vector<std::string> out;
    for (const core::CouplingField& f : fields) out.push_back(f.name + " [" + f.units + "] " + f.standard_name);
    return out;
  };
  CHECK(names(m.component->exports()) ==
        std::vector<std::string>{"ice_volume [m] ", "sea_ice_area_fraction [1] sea_ice_area_fraction"});
  CHECK(names(m.component->imports()) ==
        std::vector<std::string>{"sea_area_fraction [1] sea_area_fraction", "heat_flux_into_ice [W m-2] ",
                                 "sunlight_into_ice [W m-2] ",
                                 "ice_surface_temperature [degC] sea_ice_surface_temperature"});
  // The two that change the ice are required; the sunlight (for the energy budget) and the surface
  // temperature (for output) are optional.
  for (const core::CouplingField& f : m.component->imports())
    CHECK(f.optional == (f.name == "sunlight_into_ice" || f.name == "ice_surface_temperature"));
  for (const auto& list : {m.component->exports(), m.component->imports()})
    for (const core::CouplingField& f : list) CHECK(m.component->coupling_field(f.name) != nullptr);
  CHECK(m.component->coupling_field("surface_temperature") == nullptr);

  const std::vector<core::FieldEntry> fields = m.component->fields();
  REQUIRE(fields.size() == 7);
  const core::FieldMetadata& v = fields[0].meta;
  CHECK((v.name == "ice_volume" && v.units == "m" && v.restart && v.output && v.valid_min == 0 && v.valid_max == 100));
  CHECK(fields[0].field == m.component->coupling_field("ice_volume"));
  CHECK((fields[1].meta.name == "sea_ice_area_fraction" && fields[1].meta.output && !fields[1].meta.restart &&
         fields[1].meta.coverage.empty()));
  CHECK((fields[2].meta.name == "sea_area_fraction" && !fields[2].meta.output && fields[2].meta.restart));
  CHECK((fields[3].meta.name == "heat_flux_into_ice" && fields[3].meta.output && !fields[3].meta.restart));
  CHECK((fields[4].meta.name == "sunlight_into_ice" && fields[4].meta.output && !fields[4].meta.restart));
  CHECK((fields[5].meta.name == "ice_surface_temperature" && fields[5].meta.output && !fields[5].meta.restart));
  CHECK((fields[6].meta.name == "seaice_energy_input" && !fields[6].meta.output && fields[6].meta.restart));
  for (const core::FieldEntry& e : fields) CHECK((e.field->halo() == 0 && e.field->nx() == m.decomposition.nx_local()));

  CHECK(m.component->halo_width() == 0);
  CHECK(m.component->stable_time_step() == std::numeric_limits<double>::infinity());
  CHECK(m.component->time_step_key() == "seaice.dt");
  CHECK(m.component->time_step() == 1800.0);
  test::IceModel slower(test::world(), nx, ny, "[run]\ndt = 1800\n[seaice]\ndt = 5400\n");
  CHECK(slower.component->time_step() == 5400.0);
}

TEST_CASE("the ice fraction is min(sea fraction, volume / closing thickness)", "[seaice]") {
  const double h0 = 0.75;
  test::IceModel m(test::world(), nx, ny, "[run]\ndt = 3600\n[seaice]\nclosing_thickness = 0.75\ninitial_volume = 2\n");
  // Before the coupler delivers the sea fraction it is 0, and so is the cover.
  bool none = true;
  m.each("sea_ice_area_fraction", [&](int, int, double a) { none = none && a == 0.0; });
  REQUIRE(test::all_ranks(none));

  // 0 to 1.35 m: both branches.
  const auto volume = [](int i, int j) { return std::max(0.0, 0.6 + 0.5 * pattern(i, j)); };
  const auto check = [&](const char* when) {
    bool ok = true, saw_land = false, saw_thin = false, saw_full = false;
    std::vector<double> v = m.global("ice_volume");
    m.each("sea_ice_area_fraction", [&](int i, int j, double a) {
      const double fs = sea_fraction(i, j), cover = v[std::size_t(j) * nx + i] / h0;
      ok = ok && a == std::min(fs, cover);
      saw_land = saw_land || fs == 0.0;
      saw_thin = saw_thin || (fs > 0 && cover < fs && cover > 0);
      saw_full = saw_full || (fs > 0 && cover > fs);
      if (fs == 0.0) ok = ok && a == 0.0;
    });
    INFO(when);
    REQUIRE(test::all_ranks(ok));
    REQUIRE(test::sum_over_ranks(saw_land) > 0);
    REQUIRE(test::sum_over_ranks(saw_thin) > 0);
    REQUIRE(test::sum_over_ranks(saw_full) > 0);
  };
  // A restart restores V while the sea fraction is still 0; the coupler delivers it afterwards.
  m.set("ice_volume", volume);
  m.component->restarted(7200.0);
  m.set("sea_area_fraction", sea_fraction);
  m.set("heat_flux_into_ice", [](int i, int j) { return 20.0 * pattern(j, i); });
  m.advance_steps(4);
  check("after an advance");
  m.set("ice_volume", volume);
  m.component->restarted(7200.0);
  check("after a restart");
}

TEST_CASE("sea ice global means are area-weighted cover and volume", "[seaice][diagnostics]") {
  // Ice of 0.25 m everywhere, closing at 1 m, on an all-sea planet: both means are exactly 0.25
  // (scaling every term by a power of two commutes with an exact sum).
  test::IceModel m(test::world(), nx, ny, "[run]\ndt = 3600\n[seaice]\ninitial_volume = 0.25\n");
  m.set("sea_area_fraction", [](int, int) { return 1.0; });
  m.component->restarted(0.0);
  REQUIRE(m.means() == std::vector<double>{0.25, 0.25});
  // Sea in the southern half only: the cover halves, the volume does not.
  m.set("sea_area_fraction", [](int, int j) { return j < ny / 2 ? 1.0 : 0.0; });
  m.component->restarted(0.0);
  double south = 0, total = 0;
  for (int j = 0; j < ny; ++j) (j < ny / 2 ? south : total) += nx * m.grid.area(j);
  total += south;
  const std::vector<double> means = m.means();
  CHECK(means[0] == Approx(0.25 * south / total).epsilon(1e-14));
  CHECK(means[1] == 0.25);
  std::vector<core::GlobalMean> named;
  m.component->add_diagnostics(named);
  REQUIRE(named.size() == 2);
  CHECK(named[0].name == "seaice_area_fraction_mean");
  CHECK(named[1].name == "seaice_volume_mean");
}

TEST_CASE("bad sea-ice options are ConfigErrors naming the key", "[seaice][config]") {
  for (const char* bad : {"density = -917", "density = 0", "latent_heat = 0", "closing_thickness = 0",
                          "closing_thickness = -1", "initial_volume = -0.1", "initial_volume = 101", "dt = -1"}) {
    const std::string key = "seaice." + std::string(bad).substr(0, std::string(bad).find(' '));
    const std::string message = config_error([&] { test::seaice_config(std::string("[seaice]\n") + bad + "\n"); });
    INFO(bad << ": " << message);
    CHECK(message.find(key) != std::string::npos);
  }
  // A step that is not a whole multiple of run.dt is found at setup.
  const std::string message =
      config_error([] { test::IceModel m(test::world(), nx, ny, "[run]\ndt = 3600\n[seaice]\ndt = 5000\n"); });
  INFO(message);
  CHECK(message.find("seaice.dt") != std::string::npos);
}

namespace {

// Sets a state with every branch (growth, melt, clamp, land) and runs two coupling intervals;
// returns the global volume, fraction, the energy and the means.
std::vector<double> run(MPI_Comm comm, core::ProcessGrid pgrid) {
  test::IceModel m(comm, nx, ny, "[run]\ndt = 3600\n[seaice]\ndt = 7200\nclosing_thickness = 0.6\n", pgrid);
  m.set("ice_volume", [](int i, int j) { return std::max(0.0, 0.4 + 0.5 * pattern(i, j)); });
  m.component->restarted(0.0);
  m.set("sea_area_fraction", sea_fraction);
  m.set("heat_flux_into_ice", [](int i, int j) { return 200.0 * pattern(i + 5, j); });
  m.advance_steps(3);
  m.set("heat_flux_into_ice", [](int i, int j) { return -150.0 * pattern(j, i + 2); });
  m.advance_steps(4);
  std::vector<double> out = m.global("ice_volume");
  for (double a : m.global("sea_ice_area_fraction")) out.push_back(a);
  out.push_back(m.energy());
  for (double mean : m.means()) out.push_back(mean);
  return out;
}


}  // namespace

TEST_CASE("sea ice is bitwise decomposition invariant", "[seaice][invariance]") {
  const std::vector<double> serial = run(MPI_COMM_SELF, {});
  const int p = test::world_size();
  for (const core::ProcessGrid& g : {core::ProcessGrid{0, 0}, {p, 1}, {1, p}}) {
    INFO("process grid " << g.px << "x" << g.py);
    REQUIRE(test::all_ranks(test::identical(serial, run(test::world(), g))));
  }
  // The state must have moved, the clamp acted, and every cell kept V >= 0.
  test::IceModel start(MPI_COMM_SELF, nx, ny, "[run]\ndt = 3600\n");
  start.set("ice_volume", [](int i, int j) { return std::max(0.0, 0.4 + 0.5 * pattern(i, j)); });
  const std::vector<double> v0 = start.global("ice_volume");
  int changed = 0, emptied = 0, negative = 0;
  for (int k = 0; k < nx * ny; ++k) {
    changed += serial[k] != v0[k];
    emptied += serial[k] == 0.0 && v0[k] > 0.0;
    negative += serial[k] < 0.0;
  }
  CHECK(changed > nx * ny / 2);
  CHECK(emptied > 0);
  CHECK(negative == 0);
}
