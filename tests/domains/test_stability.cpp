// explicit_time_step() is the real limit of the explicit stage: a hand-computed case, a run at it
// that stays bounded; beyond it the step is super-stepped (test_super_stepping.cpp) and
// stable_time_step() is the advection limit; and time steps that are not multiples of run.dt are
// refused.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "domain_test_support.hpp"
#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/core/error.hpp"
#include "meridian/earth/super_time_step.hpp"
#include "meridian/land/land.hpp"
#include "meridian/ocean/ocean.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;

TEST_CASE("atmosphere stable step matches a hand computation", "[atmosphere][stability]") {
  // 4 x 2 grid: rows at -45 and 45 degrees, dlon = dlat = pi/2, one meridional face (the equator).
  // Zonal faces: D dlat / (cos 45 dlon) = sqrt(2) D; the equator face: D dlon cos 0 / dlat = D;
  // cell area pi/2. Rates: diffusion (2 sqrt(2) + 1) D / (C pi/2), longwave B / C, advection
  // u0 / (a dlon).
  const double d = 0.8, c = 3e6, b = 2.0, u0 = 25.0, a = 6.371e6;
  const double diffusion = (2 * std::sqrt(2.0) + 1) * d / (c * std::numbers::pi / 2);
  const std::string ini = "[atmosphere]\ndiffusivity = 0.8\nheat_capacity = 3e6\nolr_b = 2\n";
  const double gain = earth::rkl2_gain(atmosphere::Atmosphere::max_stages);
  {
    test::Model m(atmosphere::make_component, MPI_COMM_SELF, {4, 2, ini + "longwave = false\n"});
    const auto& air = dynamic_cast<const atmosphere::Atmosphere&>(*m.component);
    CHECK(air.explicit_time_step() == Approx(1 / diffusion).epsilon(1e-13));
    // No wind: RKL2 with max_stages stages.
    CHECK(m.component->stable_time_step() == Approx(gain / diffusion).epsilon(1e-13));
  }
  test::Model m(atmosphere::make_component, MPI_COMM_SELF, {4, 2, ini + "wind_speed = 25\n"});
  const auto& air = dynamic_cast<const atmosphere::Atmosphere&>(*m.component);
  CHECK(air.explicit_time_step() == Approx(1 / (diffusion + b / c + u0 / (a * std::numbers::pi / 2))).epsilon(1e-13));
  // The advection substep's Courant limit, unless max_stages' gain over diffusion and longwave is shorter.
  CHECK(m.component->stable_time_step() ==
        Approx(std::min(a * std::numbers::pi / 2 / u0, gain / (diffusion + b / c))).epsilon(1e-13));
}

namespace {
// Largest |T| after `steps` steps at run.dt = factor * explicit step, from a checkerboard (the mode
// explicit diffusion destabilises first) on top of North's profile.
double max_after(double factor, int steps) {
  const std::string opts = "[atmosphere]\nlongwave = false\nheat_capacity = 1e6\ninitial = north\n";
  double stable = 0;
  {
    test::Model probe(atmosphere::make_component, test::world(), {32, 16, "[run]\ndt = 1\n" + opts});
    stable = dynamic_cast<const atmosphere::Atmosphere&>(*probe.component).explicit_time_step();
  }
  test::Model m(atmosphere::make_component, test::world(),
                {32, 16, "[run]\ndt = " + test::exact(factor * stable) + "\n" + opts});
  core::Field& t = m.field("t_atm");
  m.set(t, [](int i, int j) { return ((i + j) % 2 ? 1.0 : -1.0) * (1.0 + 0.01 * j); });
  m.component->advance(steps * m.component->time_step());
  double local = 0, global = 0;
  for (double v : t.owned_values()) local = std::max(local, std::isfinite(v) ? std::fabs(v) : 1e300);
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_MAX, m.decomposition.comm());
  return global;
}
}  // namespace

TEST_CASE("atmosphere is bounded at its explicit step, and super-stepped just above it", "[atmosphere][stability]") {
  // Just above, forward Euler would blow up (the checkerboard's factor is below -1); RKL2 with 3
  // stages takes over and damps it.
  const double at = max_after(1.0, 300), above = max_after(1.1, 300);
  INFO("max |T| after 300 steps from 1.16: at the explicit step " << at << ", at 1.1 times it " << above);
  CHECK(at <= 1.16);  // the update is a convex combination: a maximum principle holds
  CHECK(above <= 1.16);
}

TEST_CASE("time steps must be whole multiples of run.dt", "[stability][config]") {
  const auto refused = [](test::Factory factory, const std::string& key, const std::string& value) {
    try {
      test::Model m(factory, test::world(), {16, 8, "[run]\ndt = 600\n[" + key.substr(0, key.find('.')) + "]\n" +
                                                        key.substr(key.find('.') + 1) + " = " + value + "\n"});
    } catch (const core::ConfigError& e) {
      return std::string(e.what()).find(key) != std::string::npos;
    }
    return false;
  };
  CHECK(refused(atmosphere::make_component, "atmosphere.dt", "900"));
  CHECK(refused(ocean::make_component, "ocean.dt", "1000"));
  CHECK(refused(land::make_component, "land.dt", "300"));

  test::Model m(atmosphere::make_component, test::world(), {16, 8, "[run]\ndt = 600\n[atmosphere]\ndt = 1800\n"});
  CHECK(m.component->time_step() == 1800.0);
  CHECK(m.component->time_step_key() == "atmosphere.dt");
  CHECK_THROWS_AS(m.component->advance(600.0), core::Error);
  test::Model o(ocean::make_component, test::world(), {16, 8, "[run]\ndt = 600\n"});
  CHECK(o.component->time_step() == 600.0);
}
