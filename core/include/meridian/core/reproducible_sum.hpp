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
#include <bit>
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
  void add(std::span<const double> xs) noexcept;  // through an ExactAdder
  // Adds another accumulator's exact state (the local half of a global reduction).
  void merge(const ExactAccumulator& other) noexcept;
  // The exact sum rounded once to the nearest double (NaN if any input was NaN or both infinities
  // were seen; +-Inf if one infinity was seen or the total overflows).
  double value() const noexcept;

  std::array<std::int64_t, state_size>& state() noexcept { return state_; }
  const std::array<std::int64_t, state_size>& state() const noexcept { return state_; }
  // Propagates carries so every limb but the top lies in [0, 2^32); the value is unchanged.
  void normalize() noexcept;
  // Adds count * 2^(position - 1074) exactly, position in [0, 2045] (what ExactAdder folds in).
  void add_scaled(std::int64_t count, int position) noexcept;

 private:
  std::array<std::int64_t, state_size> state_{};
  std::int64_t pending_ = 0;  // adds since the last normalize()
};

// Many adds into one ExactAccumulator at about half the cost each, for loops over every cell: each
// value's 53-bit significand goes, signed, into a 64-bit counter for its binary exponent (Neal 2015,
// "Fast exact summation using small and large superaccumulators", arXiv:1505.05571: the "large"
// one), one store instead of three shifted limb updates, and the counters are folded into the target
// every 1024 adds (2^10 significands < 2^53 cannot overflow 2^63) and when the adder is destroyed or
// flushed. The target's sum is the same exact sum. 16 KiB: a local of the loop, not a member.
class ExactAdder {
 public:
  explicit ExactAdder(ExactAccumulator& target) noexcept : target_(target) {}
  ExactAdder(const ExactAdder&) = delete;
  ExactAdder& operator=(const ExactAdder&) = delete;
  ~ExactAdder() { flush(); }

  void add(double x) noexcept {
    const auto word = std::bit_cast<std::uint64_t>(x);
    const int exponent = static_cast<int>((word >> 52) & 0x7ff);
    if (exponent == 0x7ff) {  // NaN and infinities are counted by the accumulator itself
      target_.add(x);
      return;
    }
    // The significand with its implicit bit (none for subnormals and zero), signed.
    const auto significand = static_cast<std::int64_t>((word & ((std::uint64_t{1} << 52) - 1)) |
                                                       (std::uint64_t{exponent != 0} << 52));
    counts_[std::size_t(exponent)] += (word >> 63) ? -significand : significand;
    lowest_ = exponent < lowest_ ? exponent : lowest_;
    highest_ = exponent > highest_ ? exponent : highest_;
    if (++pending_ == max_pending) flush();
  }
  // Folds the counters into the target (the destructor does it too).
  void flush() noexcept;

 private:
  static constexpr int max_pending = 1 << 10;
  ExactAccumulator& target_;
  std::array<std::int64_t, 2047> counts_{};  // by biased exponent, 0 (subnormal) to 2046
  int pending_ = 0, lowest_ = 2047, highest_ = -1;
};

// Collective over `comm`: the reproducible global sum of every rank's `values`.
double reproducible_sum(std::span<const double> values, MPI_Comm comm);
// Collective over `comm`: several global sums in one reduction; every rank passes the same count.
std::vector<double> reproducible_sums(std::vector<ExactAccumulator> local, MPI_Comm comm);

}  // namespace meridian::core
