#pragma once
// Global sums that give the same bits on any rank count and process grid.
//
// Every double is an integer multiple of 2^-1074, so a sum of doubles is exactly representable as a
// wide fixed-point integer. We accumulate that integer in 32-bit limbs held in int64 (so carries can
// wait), add the limbs across ranks with an integer MPI_SUM (associative, hence order-free), and round
// the exact total to the nearest double once. This is FMS's mpp_reproducing_sum taken to its limit:
// no choice of scale, no loss for 1e16 next to 1e-3, and the result is the correctly rounded sum.

#include <mpi.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace meridian::core {

class ExactAccumulator {
 public:
  // 2^-1074 .. 2^1024 is 2098 bits: 66 limbs of 32 bits, plus two for carries out of the top.
  static constexpr int limb_count = 68;
  // Limbs, then the counts of NaN, +Inf and -Inf seen: what an MPI_SUM reduces.
  static constexpr int state_size = limb_count + 3;

  void add(double x) noexcept;
  void add(std::span<const double> xs) noexcept {
    for (double x : xs) add(x);
  }
  // Adds another accumulator's exact state (the local half of a global reduction).
  void merge(const ExactAccumulator& other) noexcept;
  // The exact sum rounded once to the nearest double (NaN if any input was NaN or both infinities
  // were seen; +-Inf if one infinity was seen or the total overflows).
  double value() const noexcept;

  std::array<std::int64_t, state_size>& state() noexcept { return state_; }
  const std::array<std::int64_t, state_size>& state() const noexcept { return state_; }
  // Propagates carries so every limb but the top lies in [0, 2^32); the value is unchanged.
  void normalize() noexcept;

 private:
  std::array<std::int64_t, state_size> state_{};
  std::int64_t pending_ = 0;  // adds since the last normalize()
};

// Collective over `comm`: the reproducible global sum of every rank's `values`.
double reproducible_sum(std::span<const double> values, MPI_Comm comm);
// Collective over `comm`: several global sums in one reduction; every rank passes the same count.
std::vector<double> reproducible_sums(std::vector<ExactAccumulator> local, MPI_Comm comm);

}  // namespace meridian::core
