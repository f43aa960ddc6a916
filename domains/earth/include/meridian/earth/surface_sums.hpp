#pragma once
// Heat content and global means of a surface component: each owned cell counts with its area times
// the fraction the surface covers, and cells it does not cover (fraction 0) not at all.

#include <string>

#include "meridian/core/component.hpp"
#include "meridian/core/reproducible_sum.hpp"

namespace meridian::earth {

using core::ExactAccumulator;
using core::Field;
using core::GlobalMean;
using core::SphereGrid;

// Adds capacity * T * fraction * area (J) for every owned cell of `t`; `first_row` is the global
// index of local row 0. Local.
inline void add_surface_energy(ExactAccumulator& joules, const Field& t, const Field& fraction,
                               const SphereGrid& grid, int first_row, double capacity) {
  core::ExactAdder adder(joules);  // every cell: the fast path into the exact sum
  for (int j = 0; j < t.ny(); ++j) {
    const double area = grid.area(first_row + j);
    for (int i = 0; i < t.nx(); ++i) {
      const double f = fraction(i, j);
      if (f > 0.0) adder.add(capacity * t(i, j) * f * area);
    }
  }
}

// Adds input * fraction * area (J) for every owned cell the surface covers; `input` is J m-2 of the
// surface, counted by its steps since the driver last reset it. Local.
inline void add_surface_input(ExactAccumulator& joules, const Field& input, const Field& fraction, const SphereGrid& grid,
                              int first_row) {
  core::ExactAdder adder(joules);
  for (int j = 0; j < input.ny(); ++j) {
    const double area = grid.area(first_row + j);
    for (int i = 0; i < input.nx(); ++i) {
      const double f = fraction(i, j);
      if (f > 0.0) adder.add(input(i, j) * f * area);
    }
  }
}

// The area- and fraction-weighted mean of `t` as a GlobalMean named `name`. Local.
inline GlobalMean surface_mean(std::string name, const Field& t, const Field& fraction, const SphereGrid& grid,
                               int first_row) {
  GlobalMean mean{std::move(name), {}, {}};
  {
    core::ExactAdder weighted(mean.weighted), weight(mean.weight);  // flushed at the brace
    for (int j = 0; j < t.ny(); ++j) {
      const double area = grid.area(first_row + j);
      for (int i = 0; i < t.nx(); ++i) {
        const double f = fraction(i, j);
        if (f <= 0.0) continue;
        weighted.add(t(i, j) * f * area);
        weight.add(f * area);
      }
    }
  }
  return mean;
}

}  // namespace meridian::earth
