// The atmosphere beyond its explicit limit: RKL2 super-time-stepping (earth/super_time_step.hpp).
// The stage count is the fewest that is stable, a checkerboard at the claimed step does not grow,
// the answer is bitwise the same on any process grid, heat is conserved and the energy input
// counted to round-off, and North's equilibrium stays an exact steady state.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "domain_test_support.hpp"
#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/earth/super_time_step.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;

namespace {
atmosphere::Atmosphere& air(test::Model& m) { return dynamic_cast<atmosphere::Atmosphere&>(*m.component); }

// Largest |R(z)| of an s-stage step over z in [-2 ratio, 0], sampled finely (R is a polynomial of
// degree s: 4000 points resolve its s oscillations).
double worst_amplification(int stages, double ratio) {
  double worst = 0;
  for (int k = 0; k <= 4000; ++k) worst = std::max(worst, std::fabs(earth::rkl2_amplification(stages, -2 * ratio * k / 4000.0)));
  return worst;
}
}  // namespace

TEST_CASE("RKL2: the fewest stable stages, second order", "[atmosphere][super_stepping]") {
  for (double ratio : {1.0, 1.5, 7.3, 61.4, 94.0, 400.0}) {
    const int s = earth::rkl2_stages(ratio);
    INFO("dt / dt_explicit = " << ratio << ": " << s << " stages");
    CHECK(earth::rkl2_gain(s) >= ratio);
    CHECK(earth::rkl2_gain(s - 1) < ratio);  // the fewest
    CHECK(worst_amplification(s, ratio) <= 1 + 1e-12);
  }
  // The gain is the real limit: at it every mode is bounded, 2% beyond it (even s, where the
  // stiffest mode is where R = 1) some mode grows. (For odd s the bound has some slack.)
  for (int s = 2; s <= 64; ++s) {
    INFO(s << " stages");
    CHECK(worst_amplification(s, earth::rkl2_gain(s)) <= 1 + 1e-12);
    if (s % 2 == 0) CHECK(worst_amplification(s, 1.02 * earth::rkl2_gain(s)) > 1.01);
  }
  // Second order: R(z) - exp(z) = O(z^3) for small z (halving z divides the error by about 8).
  for (int s : {2, 5, 16, 64}) {
    const double e1 = std::fabs(earth::rkl2_amplification(s, -1e-2) - std::exp(-1e-2));
    const double e2 = std::fabs(earth::rkl2_amplification(s, -5e-3) - std::exp(-5e-3));
    INFO(s << " stages: error " << e1 << " then " << e2);
    CHECK(e1 / e2 > 7.0);
    CHECK(e1 / e2 < 9.0);
  }
}

TEST_CASE("RKL2: each stage's weight in the step, for counts taken without the recurrence", "[atmosphere][super_stepping]") {
  for (int s : {2, 3, 5, 16, 64}) {
    INFO(s << " stages");
    const std::vector<double> w = earth::rkl2_weights(s);
    REQUIRE(w.size() == std::size_t(s));
    double sum = 0;
    for (double x : w) sum += x;
    CHECK(std::fabs(sum - 1.0) < 1e-13);  // a constant L advances by dt L
    // For dY/dt = lambda Y the stage values Y_m (from the recurrence itself) weighted by W_m give the
    // step's increment: sum_m W_m z Y_m = R(z) - 1.
    for (double z : {-0.3, -1.7, -0.9 * 2 * earth::rkl2_gain(s)}) {
      const std::vector<earth::Rkl2Stage> c = earth::rkl2_coefficients(s);
      std::vector<double> y(std::size_t(s) + 1, 1.0);  // Y_0 .. Y_s
      double older = 0, last = c[0].mu_tilde * z;
      y[1] = 1 + last;
      for (int j = 2; j <= s; ++j) {
        const earth::Rkl2Stage& k = c[std::size_t(j) - 1];
        const double d = k.mu * last + k.nu * older + k.mu_tilde * z * y[std::size_t(j) - 1] + k.gamma_tilde * z;
        older = last;
        last = d;
        y[std::size_t(j)] = 1 + d;
      }
      double weighted = 0, magnitude = 0;  // round-off scales with the terms, not with their sum
      for (int m = 0; m < s; ++m) {
        weighted += w[std::size_t(m)] * z * y[std::size_t(m)];
        magnitude += std::fabs(w[std::size_t(m)] * z * y[std::size_t(m)]);
      }
      INFO("z = " << z << ", terms of magnitude " << magnitude);
      CHECK(std::fabs(weighted - (earth::rkl2_amplification(s, z) - 1)) < 1e-13 * magnitude);
    }
  }
}

namespace {
// Area-weighted sum of T^2 over the globe: RKL2's |R| <= 1 on a self-adjoint operator (diffusion is
// symmetric in the area-weighted inner product) means it never grows. Collective.
double weighted_square(test::Model& m, const core::Field& t) {
  std::vector<double> terms;
  for (int j = 0; j < t.ny(); ++j)
    for (int i = 0; i < t.nx(); ++i) terms.push_back(t(i, j) * t(i, j) * m.grid.area(m.decomposition.y_range().begin + j));
  return core::reproducible_sum(terms, m.decomposition.comm());
}
}  // namespace

TEST_CASE("super-stepped atmosphere: a checkerboard at the claimed step does not grow", "[atmosphere][super_stepping]") {
  // 128 x 64 with a small heat capacity: the explicit limit is a few seconds; the claimed step is
  // the advection limit, about 50 times longer, or max_stages' gain without wind.
  for (const char* wind : {"0", "20"}) {
    const std::string opts = std::string("[atmosphere]\nlongwave = false\nheat_capacity = 1e5\nwind_speed = ") + wind + "\n";
    double stable = 0, explicit_step = 0;
    {
      test::Model probe(atmosphere::make_component, test::world(), {128, 64, "[run]\ndt = 1\n" + opts});
      stable = probe.component->stable_time_step();
      explicit_step = air(probe).explicit_time_step();
    }
    test::Model m(atmosphere::make_component, test::world(), {128, 64, "[run]\ndt = " + test::exact(stable) + "\n" + opts});
    core::Field& t = m.field("t_atm");
    m.set(t, [](int i, int j) { return ((i + j) % 2 ? 1.0 : -1.0) * (1.0 + 0.01 * j); });
    const double before = weighted_square(m, t);
    m.component->advance(40 * m.component->time_step());
    const double after = weighted_square(m, t);
    INFO("wind " << wind << ": step " << stable << " s = " << stable / explicit_step << " x the explicit "
                 << explicit_step << " s, " << air(m).stages() << " stages; sum area T^2 " << before << " -> " << after);
    WARN("checkerboard, wind " << wind << ": " << stable / explicit_step << " x the explicit step, " << air(m).stages()
                               << " stages, sum area T^2 " << before << " -> " << after);
    CHECK(stable >= 10 * explicit_step);
    CHECK(air(m).stages() > 1);
    CHECK(std::isfinite(after));
    CHECK(after <= before);
  }
}

namespace {
constexpr int nx = 37, ny = 23;  // uneven: blocks of different sizes

double pattern(int i, int j) { return std::sin(0.7 * i + 1.3 * j) + 0.5 * std::cos(0.31 * i * j); }

// Wind, diffusion, longwave, absorbed sunlight and an imported flux, at a step far beyond the explicit
// limit. The heat capacity is small so that 3600 s needs many stages on this coarse grid.
const std::string super_ini =
    "[run]\ndt = 3600\n[sunlight]\nabsorbed_by_air = 0.25\nseasonal = true\n"
    "[atmosphere]\nwind_speed = 100\ninitial = north\nheat_capacity = 4e4\n";

struct Outcome {
  std::vector<double> state;  // global t_atm, then global atmosphere_energy_input
  double energy0 = 0, energy1 = 0, input = 0, forcing = 0;
  int stages = 0;
  double explicit_step = 0;
};

Outcome run(MPI_Comm comm, core::ProcessGrid pgrid, int steps, const std::string& ini = super_ini) {
  test::Model m(atmosphere::make_component, comm, {nx, ny, ini, "continents", "", pgrid});
  m.set(m.field("t_atm"), [](int i, int j) { return 12.0 + 10.0 * pattern(i, j); });
  core::Field& flux = m.field("surface_heat_flux");
  std::vector<double> forcing;
  for (int j = 0; j < flux.ny(); ++j)
    for (int i = 0; i < flux.nx(); ++i) {
      flux(i, j) = 40.0 * pattern(m.decomposition.x_range().begin + i + 5, m.decomposition.y_range().begin + j);
      forcing.push_back(flux(i, j) * m.grid.area(m.decomposition.y_range().begin + j));
    }
  Outcome o;
  o.energy0 = m.energy();
  m.component->advance(steps * m.component->time_step());
  o.energy1 = m.energy();
  o.state = m.global(m.field("t_atm"));
  const std::vector<double> input = m.global(m.field("atmosphere_energy_input"));
  o.state.insert(o.state.end(), input.begin(), input.end());
  core::ExactAccumulator joules;
  m.component->add_energy_input(joules);
  o.input = core::reproducible_sums({joules}, m.decomposition.comm())[0];
  o.forcing = core::reproducible_sum(forcing, m.decomposition.comm()) * steps * m.component->time_step();
  o.stages = air(m).stages();
  o.explicit_step = air(m).explicit_time_step();
  return o;
}

}  // namespace

TEST_CASE("super-stepped atmosphere is bitwise decomposition invariant", "[atmosphere][super_stepping][invariance]") {
  const Outcome serial = run(MPI_COMM_SELF, {}, 12);
  INFO(serial.stages << " stages; dt = " << 3600 / serial.explicit_step << " x the explicit step");
  REQUIRE(serial.stages > 2);
  REQUIRE(3600 >= 10 * serial.explicit_step);
  const int p = test::world_size();
  for (const core::ProcessGrid& g : {core::ProcessGrid{0, 0}, core::ProcessGrid{p, 1}, core::ProcessGrid{1, p}}) {
    INFO("process grid " << g.px << "x" << g.py);
    REQUIRE(test::all_ranks(test::identical(serial.state, run(test::world(), g, 12).state)));
  }
  REQUIRE(serial.energy1 != serial.energy0);  // the state moved, or the comparison proves nothing
}

TEST_CASE("the atmosphere states what a step streams per cell, for the benchmark", "[atmosphere][super_stepping]") {
  // meridian-bench coupled divides these bytes by the measured time: the figure must follow the
  // stage count. 8 B per array: explicit 7 arrays; super-stepped, advection 4, stages 5, 6, then 7
  // each, and the final sum 3.
  test::Model explicit_model(atmosphere::make_component, test::world(), {nx, ny, "[run]\ndt = 60\n"});
  REQUIRE(air(explicit_model).stages() == 1);
  CHECK(explicit_model.component->bytes_per_cell_step() == 56.0);
  test::Model super(atmosphere::make_component, test::world(), {nx, ny, super_ini});
  const int s = air(super).stages();
  REQUIRE(s > 2);
  CHECK(super.component->bytes_per_cell_step() == 8.0 * (4 + 5 + 6 + 7 * (s - 2) + 3));
}

TEST_CASE("super-stepped atmosphere conserves heat and counts its energy input", "[atmosphere][super_stepping][energy]") {
  // Open: the heat gained is what the surface gave plus what crossed the top, to round-off.
  const Outcome open = run(test::world(), {}, 12);
  const double scale = std::fabs(open.energy0);
  const double residual = (open.energy1 - open.energy0) - (open.forcing + open.input);
  WARN("super-stepped, " << open.stages << " stages: energy change " << open.energy1 - open.energy0 << " J, surface "
                         << open.forcing << " J, top " << open.input << " J, residual " << residual << " J ("
                         << residual / scale << " of the heat content)");
  CHECK(std::fabs(open.input) > 1e-3 * scale);  // sunlight and longwave really acted
  CHECK(std::fabs(residual) < 1e-13 * scale);
  // Closed: no longwave, no sunlight, no flux: only diffusion and advection move heat.
  const std::string closed_ini =
      "[run]\ndt = 3600\n[sunlight]\nenabled = false\n[atmosphere]\nwind_speed = 100\nlongwave = false\nheat_capacity = 4e4\n";
  test::Model m(atmosphere::make_component, test::world(), {nx, ny, closed_ini, "continents"});
  REQUIRE(air(m).stages() > 2);
  m.set(m.field("t_atm"), [](int i, int j) { return 12.0 + 10.0 * pattern(i, j); });
  const double e0 = m.energy();
  m.component->advance(50 * m.component->time_step());
  const double drift = std::fabs(m.energy() - e0) / std::fabs(e0);
  WARN("closed, super-stepped: relative heat drift over 50 steps " << drift);
  CHECK(drift < 1e-13);
}

TEST_CASE("super-stepped atmosphere keeps North's equilibrium exactly", "[atmosphere][super_stepping][north]") {
  // A uniform state with no diffusion gradient and L(Y) = 0 (absorbed sunlight = A + B T, no flux):
  // every stage equals Y_0, so the step leaves it bit for bit, however long.
  const std::string ini =
      "[run]\ndt = 3600\n[sunlight]\nenabled = false\n[atmosphere]\nheat_capacity = 4e4\ninitial = uniform\n"
      "initial_temperature = 0\nolr_a = 0\n";
  test::Model m(atmosphere::make_component, test::world(), {nx, ny, ini, "continents"});
  REQUIRE(air(m).stages() > 2);
  const std::vector<double> before = m.global(m.field("t_atm"));
  m.component->advance(10 * m.component->time_step());
  CHECK(test::all_ranks(test::identical(before, m.global(m.field("t_atm")))));
}

TEST_CASE("super-stepped atmosphere restarts exactly", "[atmosphere][super_stepping][restart]") {
  // Six steps straight, or three, the restart fields copied into a new atmosphere, then three more:
  // a super-step carries nothing from one step to the next but t_atm, the input count and the clock.
  const auto make = [](test::Model& m) {
    m.set(m.field("t_atm"), [](int i, int j) { return 12.0 + 10.0 * pattern(i, j); });
    core::Field& flux = m.field("surface_heat_flux");
    for (int j = 0; j < flux.ny(); ++j)
      for (int i = 0; i < flux.nx(); ++i)
        flux(i, j) = 40.0 * pattern(m.decomposition.x_range().begin + i + 5, m.decomposition.y_range().begin + j);
  };
  test::Model straight(atmosphere::make_component, test::world(), {nx, ny, super_ini, "continents"});
  make(straight);
  REQUIRE(air(straight).stages() > 2);
  const double dt = straight.component->time_step();
  straight.component->advance(6 * dt);

  test::Model first(atmosphere::make_component, test::world(), {nx, ny, super_ini, "continents"});
  make(first);
  first.component->advance(3 * dt);
  test::Model resumed(atmosphere::make_component, test::world(), {nx, ny, super_ini, "continents"});
  make(resumed);
  for (const char* name : {"t_atm", "atmosphere_energy_input"}) {
    const core::Field& from = first.field(name);
    core::Field& to = resumed.field(name);
    for (int j = 0; j < from.ny(); ++j)
      for (int i = 0; i < from.nx(); ++i) to(i, j) = from(i, j);
  }
  resumed.component->restarted(3 * dt);
  resumed.component->advance(3 * dt);
  for (const char* name : {"t_atm", "atmosphere_energy_input"}) {
    INFO(name);
    CHECK(test::all_ranks(test::identical(straight.global(straight.field(name)), resumed.global(resumed.field(name)))));
  }
}
