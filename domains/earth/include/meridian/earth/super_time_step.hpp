#pragma once
// Runge-Kutta-Legendre super-time-stepping of second order (RKL2; Meyer, Balsara & Aslam 2014,
// J. Comput. Phys. 257, 594-626) for dY/dt = L(Y) whose eigenvalues are real and in [-2 / dt_e, 0]
// (dt_e: the forward-Euler limit, e.g. of flux-form diffusion plus linear damping). With s stages
//
//   Y_1 = Y_0 + mu~_1 dt L(Y_0)
//   Y_j = mu_j Y_{j-1} + nu_j Y_{j-2} + (1 - mu_j - nu_j) Y_0 + mu~_j dt L(Y_{j-1}) + gamma~_j dt L(Y_0)
//
// is stable for dt <= dt_e (s^2 + s - 2) / 4: the cost grows like sqrt(dt / dt_e), not like
// dt / dt_e. Each stage is one explicit evaluation of L (one halo exchange, the usual stencil), so
// a super-step is as decomposition-independent and as conservative (in flux form) as an explicit
// step, and needs no solve. If L(Y_0) = 0 every stage equals Y_0: steady states are kept exactly.
//
// Written for increments D_j = Y_j - Y_0 (D_0 = 0), since 1 - mu - nu + mu + nu = 1:
//   D_j = mu_j D_{j-1} + nu_j D_{j-2} + mu~_j dt L(Y_0 + D_{j-1}) + gamma~_j dt L(Y_0),
// which rounds relative to the (small) increment, not to Y, so heat is conserved as well as by
// one forward-Euler step. The recurrence is linear in the L's with scalar coefficients, so
// D_s = sum_m W_m dt L(Y_m) (m = 0 .. s-1; rkl2_weights): a quantity needed only as the step's total
// of something linear in L's parts (an energy input count) is W_m times its value at stage m + 1,
// summed, with no per-cell recurrence to carry.

#include <cmath>
#include <utility>
#include <vector>

namespace meridian::earth {

struct Rkl2Stage {
  double mu = 0, nu = 0, mu_tilde = 0, gamma_tilde = 0;  // stage 1: mu = nu = gamma~ = 0
};

// How many times dt_e an s-stage RKL2 step may take: (s^2 + s - 2) / 4 (1 at s = 2).
inline double rkl2_gain(int stages) { return (double(stages) * stages + stages - 2) / 4.0; }

// The fewest stages (>= 2) whose gain is at least `ratio` = dt / dt_e.
inline int rkl2_stages(double ratio) {
  int s = 2;
  while (rkl2_gain(s) < ratio) ++s;
  return s;
}

// Coefficients of stages 1..s (index 0 is stage 1), from Meyer et al. (2014), eqs. (16)-(18):
// b_0 = b_1 = b_2 = 1/3, b_j = (j^2 + j - 2) / (2 j (j + 1)), a_j = 1 - b_j, w_1 = 4 / (s^2 + s - 2).
inline std::vector<Rkl2Stage> rkl2_coefficients(int stages) {
  const auto b = [](int j) { return j <= 2 ? 1.0 / 3.0 : (double(j) * j + j - 2) / (2.0 * j * (j + 1)); };
  const double w1 = 1.0 / rkl2_gain(stages);
  std::vector<Rkl2Stage> out(std::size_t(stages > 0 ? stages : 0));
  if (stages < 1) return out;
  out[0].mu_tilde = b(1) * w1;
  for (int j = 2; j <= stages; ++j) {
    Rkl2Stage& c = out[std::size_t(j) - 1];
    c.mu = (2.0 * j - 1) / j * b(j) / b(j - 1);
    c.nu = -(j - 1.0) / j * b(j) / b(j - 2);
    c.mu_tilde = c.mu * w1;
    c.gamma_tilde = -(1.0 - b(j - 1)) * c.mu_tilde;
  }
  return out;
}

// W_0 .. W_{s-1} above: the weight of L(Y_m) in one s-stage step's increment. They sum to 1 (a
// constant L advances by exactly dt L); W_0 is negative, the rest positive.
inline std::vector<double> rkl2_weights(int stages) {
  const std::vector<Rkl2Stage> c = rkl2_coefficients(stages);
  const std::size_t s = c.size();
  std::vector<double> older(s, 0.0), previous(s, 0.0);  // D_{j-2}, D_{j-1} as weights of L(Y_0 .. Y_{s-1})
  if (s == 0) return previous;
  previous[0] = c[0].mu_tilde;
  for (std::size_t j = 2; j <= s; ++j) {
    const Rkl2Stage& k = c[j - 1];
    std::vector<double> next(s, 0.0);
    for (std::size_t m = 0; m < s; ++m) next[m] = k.mu * previous[m] + k.nu * older[m];
    next[j - 1] += k.mu_tilde;
    next[0] += k.gamma_tilde;
    older = std::move(previous);
    previous = std::move(next);
  }
  return previous;
}

// The amplification factor of one RKL2 step for dY/dt = lambda Y at z = lambda dt (for tests and
// for choosing the stage count from measurement).
inline double rkl2_amplification(int stages, double z) {
  const std::vector<Rkl2Stage> c = rkl2_coefficients(stages);
  double d2 = 0, d1 = c[0].mu_tilde * z;  // D_0, D_1 for Y_0 = 1
  for (int j = 2; j <= stages; ++j) {
    const Rkl2Stage& k = c[std::size_t(j) - 1];
    const double d = k.mu * d1 + k.nu * d2 + k.mu_tilde * z * (1 + d1) + k.gamma_tilde * z;
    d2 = d1;
    d1 = d;
  }
  return 1 + d1;
}

}  // namespace meridian::earth
