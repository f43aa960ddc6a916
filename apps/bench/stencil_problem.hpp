#pragma once
// The benchmark problem, shared by the meridian and the hand-written versions so that both compute
// every cell with the same expression and therefore the same bits:
//   u_new = u + K (u_W + u_E + u_S + u_N - 4 u),  K = 0.2,
// periodic in x, zero ghost rows beyond the first and last row (the halo there stays 0), and
//   u(i, j) = exp(-(dx^2 + dy^2) / (2 * 0.05^2)),  x = (i + 0.5) / nx,  y = (j + 0.5) / ny,
// with dx = min(x, 1 - x) (periodic distance from x = 0) and dy = y - 0.03.

namespace meridian::bench {

inline constexpr double stencil_k = 0.2;

// The initial value at global cell (i, j) of an nx x ny grid.
double initial_value(int i, int j, int nx, int ny);

// Updates out[i] for i in [i0, i1) of one row; c is the row, s and n the rows below and above
// (j - 1 and j + 1). Inline, restrict-qualified and branch-free so that the loop vectorises; only
// `out` is written, so the read pointers may alias each other.
inline void stencil_row(const double* __restrict c, const double* __restrict s, const double* __restrict n,
                        double* __restrict out, int i0, int i1) {
  for (int i = i0; i < i1; ++i) out[i] = c[i] + stencil_k * (c[i - 1] + c[i + 1] + s[i] + n[i] - 4.0 * c[i]);
}

}  // namespace meridian::bench
