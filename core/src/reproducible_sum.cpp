#include "meridian/core/reproducible_sum.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {
__extension__ typedef unsigned __int128 uint128;  // GCC/Clang builtin; -Wpedantic knows it as an extension
constexpr int bits = 32;
constexpr std::int64_t mask = (std::int64_t{1} << bits) - 1;
constexpr int exponent_bias = 1074;  // limb 0 holds multiples of 2^-1074
constexpr int nan_slot = ExactAccumulator::limb_count, pinf_slot = nan_slot + 1, ninf_slot = nan_slot + 2;
// Each add puts less than 2^32 into a limb: normalise well before an int64 could overflow.
constexpr std::int64_t adds_between_normalize = std::int64_t{1} << 30;
}  // namespace

void ExactAccumulator::add(double x) noexcept {
  // The fields of the IEEE-754 binary64 itself, not frexp/ldexp: diagnostics add every cell of every
  // field each coupling interval, and the two library calls were most of an add's cost.
  const auto word = std::bit_cast<std::uint64_t>(x);
  const int biased_exponent = static_cast<int>((word >> 52) & 0x7ff);
  std::uint64_t mantissa = word & ((std::uint64_t{1} << 52) - 1);
  if (biased_exponent == 0x7ff) {
    ++state_[mantissa ? nan_slot : (x > 0 ? pinf_slot : ninf_slot)];
    return;
  }
  if (biased_exponent == 0 && mantissa == 0) return;  // +0 and -0
  // |x| = mantissa 2^position in units of 2^-1074: a normal number has the implicit leading bit and
  // position = biased exponent - 1; a subnormal is mantissa 2^-1074 exactly.
  int position = 0;
  if (biased_exponent != 0) {
    mantissa |= std::uint64_t{1} << 52;
    position = biased_exponent - 1;
  }
  const uint128 shifted = static_cast<uint128>(mantissa) << (position % bits);
  const int limb = position / bits;
  const std::int64_t sign = (word >> 63) ? -1 : 1;
  state_[limb] += sign * static_cast<std::int64_t>(shifted & mask);
  state_[limb + 1] += sign * static_cast<std::int64_t>((shifted >> bits) & mask);
  state_[limb + 2] += sign * static_cast<std::int64_t>(shifted >> (2 * bits));
  if (++pending_ >= adds_between_normalize) normalize();
}

void ExactAccumulator::add(std::span<const double> xs) noexcept {
  ExactAdder adder(*this);
  for (double x : xs) adder.add(x);
}

void ExactAccumulator::add_scaled(std::int64_t count, int position) noexcept {
  if (count == 0) return;
  // |count| < 2^63 shifted by < 32 bits: three limbs, as add() spreads a significand.
  const uint128 magnitude = count < 0 ? uint128(-(count + 1)) + 1 : uint128(count);
  const uint128 shifted = magnitude << (position % bits);
  const int limb = position / bits;
  const std::int64_t sign = count < 0 ? -1 : 1;
  state_[limb] += sign * static_cast<std::int64_t>(shifted & mask);
  state_[limb + 1] += sign * static_cast<std::int64_t>((shifted >> bits) & mask);
  state_[limb + 2] += sign * static_cast<std::int64_t>(shifted >> (2 * bits));
  if (++pending_ >= adds_between_normalize) normalize();
}

void ExactAdder::flush() noexcept {
  // A normal number's significand counts in units of 2^(exponent - 1075) = 2^-1074 2^(exponent - 1),
  // a subnormal's in units of 2^-1074 (as in ExactAccumulator::add).
  for (int e = lowest_; e <= highest_; ++e) {
    std::int64_t& count = counts_[std::size_t(e)];
    if (count == 0) continue;
    target_.add_scaled(count, e == 0 ? 0 : e - 1);
    count = 0;
  }
  pending_ = 0;
  lowest_ = 2047;
  highest_ = -1;
}

void ExactAccumulator::normalize() noexcept {
  for (int i = 0; i + 1 < limb_count; ++i) {
    const std::int64_t carry = state_[i] >> bits;  // arithmetic shift: floor division
    state_[i] -= carry * (std::int64_t{1} << bits);
    state_[i + 1] += carry;
  }
  pending_ = 0;
}

void ExactAccumulator::merge(const ExactAccumulator& other) noexcept {
  for (int i = 0; i < state_size; ++i) state_[i] += other.state_[i];
  normalize();
}

double ExactAccumulator::value() const noexcept {
  const std::int64_t nans = state_[nan_slot], pinf = state_[pinf_slot], ninf = state_[ninf_slot];
  if (nans > 0 || (pinf > 0 && ninf > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (pinf > 0) return std::numeric_limits<double>::infinity();
  if (ninf > 0) return -std::numeric_limits<double>::infinity();

  ExactAccumulator a = *this;
  a.normalize();
  const bool negative = a.state_[limb_count - 1] < 0;
  if (negative) {  // work with the magnitude: negate every limb, then renormalise
    for (int i = 0; i < limb_count; ++i) a.state_[i] = -a.state_[i];
    a.normalize();
  }
  int top = limb_count - 1;
  while (top >= 0 && a.state_[top] == 0) --top;
  if (top < 0) return 0.0;
  // The top three limbs hold at least 65 significant bits; a sticky bit for anything below makes the
  // single rounding of the 128-bit integer to double the correct rounding of the whole sum.
  uint128 head = 0;
  for (int i = top; i > top - 3; --i)
    head = (head << bits) | static_cast<uint128>(i >= 0 ? static_cast<std::uint64_t>(a.state_[i]) : 0u);
  for (int i = top - 3; i >= 0; --i)
    if (a.state_[i] != 0) {
      head |= 1;
      break;
    }
  const double magnitude = std::ldexp(static_cast<double>(head), bits * (top - 2) - exponent_bias);
  return negative ? -magnitude : magnitude;
}

std::vector<double> reproducible_sums(std::vector<ExactAccumulator> local, MPI_Comm comm) {
  const int n = static_cast<int>(local.size());
  std::vector<std::int64_t> buffer(static_cast<std::size_t>(n) * ExactAccumulator::state_size);
  for (int s = 0; s < n; ++s) {
    local[s].normalize();  // every limb below 2^32, so the MPI_SUM cannot overflow
    std::copy(local[s].state().begin(), local[s].state().end(), buffer.begin() + s * ExactAccumulator::state_size);
  }
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(buffer.size()), MPI_INT64_T, MPI_SUM, comm),
               comm);
  std::vector<double> out(n);
  for (int s = 0; s < n; ++s) {
    ExactAccumulator total;
    std::copy_n(buffer.begin() + s * ExactAccumulator::state_size, ExactAccumulator::state_size, total.state().begin());
    out[s] = total.value();
  }
  return out;
}

double reproducible_sum(std::span<const double> values, MPI_Comm comm) {
  ExactAccumulator acc;
  acc.add(values);
  return reproducible_sums({acc}, comm)[0];
}

}  // namespace meridian::core
