// Williamson et al. (1992) test case 1 (alpha = 0): the cosine bell carried once around the sphere
// by solid-body rotation must come back with errors that shrink at second order (less at the
// limited peak) and with heat conserved to round-off.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <sstream>

#include "domain_test_support.hpp"
#include "meridian/atmosphere/atmosphere.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;

namespace {

struct Errors {
  double l1, l2, linf, heat_drift;
};

// One revolution at Courant number 0.5 on an nx x nx/2 grid; Williamson's normalised errors against
// the initial state, integrals area-weighted and reproducible.
Errors revolve(int nx) {
  constexpr double period = 12 * 86400.0, radius = 6.371e6, courant = 0.5;
  const double dt = period * courant / nx;  // c = u0 dt / (a dlon) = nx dt / period
  const double u0 = 2 * std::numbers::pi * radius / period;
  const std::string ini = "[run]\ndt = " + test::exact(dt) +
                          "\n[sunlight]\nenabled = false\n[atmosphere]\ndiffusivity = 0\nlongwave = false\n"
                          "initial = cosine_bell\nwind_speed = " +
                          test::exact(u0) + "\n";
  test::Model m(atmosphere::make_component, test::world(), {nx, nx / 2, ini});
  core::Field& t = m.field("t_atm");
  const std::vector<double> initial = t.owned_values();
  const double heat0 = m.energy();
  m.component->advance(2.0 * nx * dt);  // nx / c steps: exactly once around
  const double heat1 = m.energy();
  const std::vector<double> final_state = t.owned_values();

  std::vector<double> abs_err, sq_err, abs_ref, sq_ref;
  double max_err = 0, max_ref = 0;
  for (int j = 0; j < t.ny(); ++j) {
    const double area = m.grid.area(m.decomposition.y_range().begin + j);
    for (int i = 0; i < t.nx(); ++i) {
      const std::size_t k = std::size_t(j) * t.nx() + i;
      const double e = final_state[k] - initial[k], r = initial[k];
      abs_err.push_back(std::fabs(e) * area);
      sq_err.push_back(e * e * area);
      abs_ref.push_back(std::fabs(r) * area);
      sq_ref.push_back(r * r * area);
      max_err = std::max(max_err, std::fabs(e));
      max_ref = std::max(max_ref, std::fabs(r));
    }
  }
  MPI_Comm comm = m.decomposition.comm();
  double maxima[2] = {max_err, max_ref}, global_max[2];
  MPI_Allreduce(maxima, global_max, 2, MPI_DOUBLE, MPI_MAX, comm);
  return {core::reproducible_sum(abs_err, comm) / core::reproducible_sum(abs_ref, comm),
          std::sqrt(core::reproducible_sum(sq_err, comm) / core::reproducible_sum(sq_ref, comm)),
          global_max[0] / global_max[1], std::fabs(heat1 - heat0) / std::fabs(heat0)};
}

}  // namespace

TEST_CASE("Williamson test 1: cosine bell converges and conserves heat", "[atmosphere][williamson]") {
  const int resolutions[] = {128, 256, 512};
  std::vector<Errors> errors;
  for (int nx : resolutions) errors.push_back(revolve(nx));

  std::ostringstream table;
  table << "Williamson test 1, one revolution, Courant 0.5, MC-limited Lax-Wendroff\n";
  for (std::size_t k = 0; k < errors.size(); ++k)
    table << "  " << resolutions[k] << "x" << resolutions[k] / 2 << ": l1 " << errors[k].l1 << "  l2 "
          << errors[k].l2 << "  linf " << errors[k].linf << "  heat drift " << errors[k].heat_drift << "\n";
  for (std::size_t k = 1; k < errors.size(); ++k)
    table << "  rate " << resolutions[k - 1] << "->" << resolutions[k] << ": l1 "
          << std::log2(errors[k - 1].l1 / errors[k].l1) << "  l2 " << std::log2(errors[k - 1].l2 / errors[k].l2)
          << "  linf " << std::log2(errors[k - 1].linf / errors[k].linf) << "\n";
  WARN(table.str());

  for (const Errors& e : errors) REQUIRE(e.heat_drift < 1e-12);
  // Measured (MC limiter, Courant 0.5): l1 rates 2.3-2.4, l2 2.1, linf 1.6, and l2 = 0.011 at 512x256
  // (128x64 is still pre-asymptotic: the bell is 13 cells wide). The bounds sit below that with room
  // for compilers, and above what a first-order or unlimited scheme gets here (upwind about 0.7,
  // van Leer's smoother limiter 1.6-1.8 in l2, plain Lax-Wendroff 1.3-1.8).
  for (std::size_t k = 1; k < errors.size(); ++k) {
    CHECK(std::log2(errors[k - 1].l1 / errors[k].l1) >= 2.0);
    CHECK(std::log2(errors[k - 1].l2 / errors[k].l2) >= 1.9);
    CHECK(std::log2(errors[k - 1].linf / errors[k].linf) >= 1.3);
  }
  // The finest grid must also be accurate in absolute terms, not merely converging.
  CHECK(errors.back().l1 < 0.012);
  CHECK(errors.back().l2 < 0.015);
}
