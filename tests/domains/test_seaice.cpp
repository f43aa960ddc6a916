// The sea ice's physics against closed forms: growth, melt to zero, energy bookkeeping, the
// exported fraction, its declarations and its option checks. Runs at any rank count.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "meridian/core/error.hpp"
#include "mpi_test_support.hpp"
#include "seaice_test_support.hpp"

using namespace meridian;

namespace {

constexpr int nx = 19, ny = 11;  // uneven: blocks of different sizes at 2, 3, 4 ranks

// A smooth irregular pattern in [-1.5, 1.5] by global index.
double pattern(int i, int j) { return std::sin(0.7 * i + 1.3 * j) + 0.5 * std::cos(0.31 * i * j); }

// Powers of two throughout: dt / (rho_i L_f) = 2^12 / (2^10 2^18) = 2^-16, so every step and every
// sum of steps is exact in binary and the closed form can be compared bit for bit.
const std::string dyadic = "[run]\ndt = 4096\n[seaice]\ndensity = 1024\nlatent_heat = 262144\n";

}  // namespace

TEST_CASE("sea ice grows exactly -F t / (rho_i L_f) under a negative flux", "[seaice]") {
  for (const char* ice_dt : {"0", "8192"}) {
    test::IceModel m(test::world(), nx, ny, dyadic + "dt = " + ice_dt + "\n");
    // F = -64 k W m-2, k = 1..4: a growth of k 2^-10 m per 4096 s.
    const auto flux = [](int i, int j) { return -64.0 * (1 + (i + 2 * j) % 4); };
    m.set("heat_flux_into_ice", flux);
    m.set("sea_area_fraction", [](int, int) { return 1.0; });
    // Three coupling intervals of five steps: the imports are held over each.
    for (int interval = 0; interval < 3; ++interval) m.advance_steps(5);
    const double t = 15 * m.component->time_step();
    bool exact = true;
    m.each("ice_volume", [&](int i, int j, double v) { exact = exact && v == -flux(i, j) * t / (1024.0 * 262144.0); });
    INFO("seaice.dt = " << ice_dt);
    REQUIRE(test::all_ranks(exact));
  }
  // The default constants: the same closed form to round-off.
  test::IceModel m(test::world(), nx, ny, "[run]\ndt = 86400\n");
  m.set("heat_flux_into_ice", [](int i, int j) { return -30.0 - 20.0 * pattern(i, j); });
  m.advance_steps(30);
  bool close = true;
  m.each("ice_volume", [&](int i, int j, double v) {
    const double expected = (30.0 + 20.0 * pattern(i, j)) * 30 * 86400.0 / (917.0 * 3.34e5);
    close = close && std::abs(v - expected) <= 1e-14 * expected;
  });
  REQUIRE(test::all_ranks(close));
}

TEST_CASE("melting stops at zero and the volume is never negative", "[seaice]") {
  const double dt = 86400.0, rho_l = 917.0 * 3.34e5;
  test::IceModel m(test::world(), nx, ny, "[run]\ndt = 86400\n[seaice]\ninitial_volume = 0.3\n");
  // Columns 0-5: the mediator's cap, exactly what melts 0.3 m in 10 steps (the last step ends at a
  // round-off residue); columns 6-11: ten times more, which the clamp cuts; the rest: a tenth.
  m.set("heat_flux_into_ice", [&](int i, int) {
    const double cap = rho_l * 0.3 / (10 * dt);
    return i < 6 ? cap : i < 12 ? 10 * cap : 0.1 * cap;
  });
  bool never_negative = true, residue_only = true;
  for (int step = 1; step <= 12; ++step) {
    m.advance_steps(1);
    m.each("ice_volume", [&](int i, int, double v) {
      never_negative = never_negative && !(v < 0) && !std::signbit(v);
      if (step == 10 && i < 6) residue_only = residue_only && v <= 1e-15;
    });
  }
  REQUIRE(test::all_ranks(never_negative));
  REQUIRE(test::all_ranks(residue_only));
  bool as_expected = true;
  m.each("ice_volume", [&](int i, int, double v) {
    // The cap's residue is clamped by step 11 or 12; a tenth of the cap melts 12 % in 12 steps.
    const bool ok = i < 12 ? v == 0.0 : std::abs(v - 0.3 * (1 - 0.12)) <= 1e-14;
    as_expected = as_expected && ok;
  });
  REQUIRE(test::all_ranks(as_expected));
}

// E = -rho_i L_f V, and F melts rho_i L_f V per joule: the ice gains exactly the heat put in.
TEST_CASE("the ice's energy changes by the heat put in", "[seaice][energy]") {
  const double dt = 86400.0;
  test::IceModel m(test::world(), nx, ny, "[run]\ndt = 86400\n[seaice]\ninitial_volume = 0.5\n");
  m.set("ice_volume", [](int i, int j) { return 0.5 + 0.1 * pattern(j, i); });
  m.set("sea_area_fraction", [](int i, int) { return i % 5 == 0 ? 0.0 : 0.8; });
  // Up to 150 W m-2 either way: at most 0.21 m in five days, so no cell runs out of ice.
  const auto flux = [](int i, int j) { return 100.0 * pattern(i + 3, j); };
  m.set("heat_flux_into_ice", flux);
  m.component->restarted(0.0);
  const double before = m.energy();
  m.advance_steps(2);
  m.advance_steps(3);
  const double after = m.energy();
  // sum F area duration, and the scale of the heat moved, both exact sums.
  core::ExactAccumulator heat, moved;
  bool untouched = true;
  m.each("heat_flux_into_ice", [&](int i, int j, double f) {
    untouched = untouched && f == flux(i, j);  // the ice does not write its imports
    heat.add(f * m.grid.area(j) * 5 * dt);
    moved.add(std::abs(f) * m.grid.area(j) * 5 * dt);
  });
  const std::vector<double> sums = core::reproducible_sums({heat, moved}, test::world());
  REQUIRE(test::all_ranks(untouched));
  INFO("change " << after - before << " J, heat in " << sums[0] << " J");
  REQUIRE(after != before);
  REQUIRE(std::abs((after - before) - sums[0]) <= 1e-13 * sums[1]);
}

TEST_CASE("a sea-ice run split by a restart gives the same bits", "[seaice][restart]") {
  const std::string ini = "[run]\ndt = 3600\n[seaice]\ndt = 7200\ninitial_volume = 0.2\n";
  const auto deliver = [](test::IceModel& m) {  // what the coupler writes before every advance
    m.set("sea_area_fraction", [](int i, int j) { return (i + j) % 3 == 0 ? 0.0 : 0.9; });
    m.set("heat_flux_into_ice", [](int i, int j) { return 80.0 * pattern(i, j + 4); });
  };
  test::IceModel whole(test::world(), nx, ny, ini), first(test::world(), nx, ny, ini);
  for (test::IceModel* m : {&whole, &first}) deliver(*m), m->advance_steps(3);
  whole.advance_steps(2);
  // A new ice restored from the first half's restart fields only, at t = 3 steps.
  test::IceModel second(test::world(), nx, ny, ini);
  const std::vector<core::FieldEntry> from = first.component->fields(), to = second.component->fields();
  int restored = 0;
  for (std::size_t k = 0; k < from.size(); ++k)
    if (from[k].meta.restart) to[k].field->set_owned_values(from[k].field->owned_values()), ++restored;
  // The volume, the imported sea fraction the exported fraction depends on, and the energy input count.
  CHECK(restored == 3);
  second.component->restarted(3 * second.component->time_step());
  // Before anything is delivered, the restored ice exports what the first half did at its end: the
  // coupler reads it at the first coupling after a restart.
  CHECK(second.component->coupling_field("sea_ice_area_fraction")->owned_values() ==
        first.component->coupling_field("sea_ice_area_fraction")->owned_values());
  deliver(second);
  second.advance_steps(2);
  for (const char* name : {"ice_volume", "sea_ice_area_fraction"}) {
    INFO(name);
    REQUIRE(whole.global(name) == second.global(name));
  }
  REQUIRE(whole.energy() == second.energy());
}
