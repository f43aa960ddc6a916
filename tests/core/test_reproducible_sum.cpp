#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/reproducible_sum.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;
using meridian::test::all_ranks;
using meridian::test::world;
using meridian::test::world_rank;
using meridian::test::world_size;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Adversarial data: huge values that cancel exactly, tiny ones beside them, mixed signs, and a
// spread of exponents from 1e-300 to 1e300 that a naive sum would lose.
std::vector<double> adversarial(int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-300, 300);
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) {
    switch (i % 4) {
      case 0: v[i] = 1e16; break;
      case 1: v[i] = 1e-3; break;
      case 2: v[i] = -1e16; break;
      default: v[i] = unit(rng) * std::pow(10.0, exponent(rng) / 10);
    }
  }
  std::shuffle(v.begin(), v.end(), rng);
  return v;
}

double serial_sum(const std::vector<double>& v) {
  ExactAccumulator acc;
  acc.add(v);
  return acc.value();
}

}  // namespace

TEST_CASE("reproducible sum rounds the exact sum once", "[sum]") {
  const double tiny = std::ldexp(1.0, -53);
  CHECK(serial_sum({1.0, tiny, tiny}) == 1.0 + 2 * tiny);  // a naive sum gives 1.0
  CHECK(serial_sum({1e16, 1e-3, -1e16}) == 1e-3);
  CHECK(serial_sum({1e308, 1e308, -1e308}) == 1e308);  // no overflow in the middle
  CHECK(serial_sum({std::numeric_limits<double>::denorm_min(), 1.0, -1.0}) == std::numeric_limits<double>::denorm_min());
  CHECK(serial_sum({-2.5, 1.25}) == -1.25);
  CHECK(serial_sum({}) == 0.0);
  CHECK(std::isnan(serial_sum({1.0, std::nan("")})));
  CHECK(std::isnan(serial_sum({INFINITY, -INFINITY})));
  CHECK(serial_sum({INFINITY, 1.0}) == INFINITY);
  CHECK(serial_sum({1.7e308, 1.7e308}) == INFINITY);
}

TEST_CASE("reproducible sum reads every kind of double exactly", "[sum]") {
  using limits = std::numeric_limits<double>;
  const double min_normal = limits::min(), tiny = limits::denorm_min();
  CHECK(serial_sum({min_normal, -tiny}) == std::nextafter(min_normal, 0.0));  // largest subnormal
  CHECK(serial_sum({std::nextafter(min_normal, 0.0), tiny}) == min_normal);   // across the boundary
  CHECK(serial_sum({-0.0, 0.0, -0.0}) == 0.0);
  CHECK(serial_sum({-INFINITY, 1.0}) == -INFINITY);
  CHECK(serial_sum({limits::max(), -limits::max() / 2}) == limits::max() / 2);
  // x + x is 2x exactly and x - x is 0 for a mantissa full of ones at every exponent, subnormals too.
  for (int e = -1074; e <= 1022; e += 7) {
    const double x = e < -1022 ? std::ldexp(1.0, e) : std::ldexp(2.0 - std::ldexp(1.0, -52), e);
    INFO("x = " << x);
    CHECK(serial_sum({x, x}) == 2 * x);
    CHECK(serial_sum({x, -x, x}) == x);
    CHECK(serial_sum({-x, -x}) == -2 * x);
  }
}

TEST_CASE("k copies of 1e-3 among cancelling 1e16 match the long-double product", "[sum]") {
  // k * fl(1e-3) is exact in long double (64-bit mantissa), so its rounding is the true sum.
  std::vector<double> v;
  const int k = 1000;
  for (int i = 0; i < k; ++i) {
    v.push_back(1e16);
    v.push_back(1e-3);
    v.push_back(-1e16);
  }
  const double expected = static_cast<double>(k * static_cast<long double>(1e-3));
  CHECK(serial_sum(v) == expected);
}

TEST_CASE("reproducible sum matches a long-double sum on well-conditioned data", "[sum]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> v(100000);
  long double ref = 0;
  for (double& x : v) {
    x = unit(rng) * 1e3;
    ref += x;
  }
  CHECK(std::fabs(serial_sum(v) - static_cast<double>(ref)) <= 1e-15 * std::fabs(static_cast<double>(ref)));
}

TEST_CASE("reproducible sum gives the same bits for any distribution over ranks", "[sum]") {
  const int p = world_size(), r = world_rank();
  for (int n : {1, 7, 1000, 40001}) {
    const std::vector<double> all = adversarial(n, 42 + n);
    const double serial = serial_sum(all);
    // Block distribution, as a decomposition gives it.
    const IndexRange mine = block_range(n, p, r);
    const double blocked = reproducible_sum(std::span(all).subspan(mine.begin, mine.size()), world());
    // Cyclic distribution: a different grouping of the same numbers.
    std::vector<double> cyclic;
    for (int i = r; i < n; i += p) cyclic.push_back(all[i]);
    const double cyc = reproducible_sum(cyclic, world());
    INFO("n=" << n << " serial " << serial << " blocked " << blocked << " cyclic " << cyc);
    REQUIRE(all_ranks(same_bits(serial, blocked) && same_bits(serial, cyc)));
  }
}

TEST_CASE("several sums reduce in one call", "[sum]") {
  const int r = world_rank(), p = world_size();
  std::vector<ExactAccumulator> acc(3);
  acc[0].add(1.0);
  acc[1].add(-0.5 * (r + 1));
  acc[2].add(r == 0 ? 1e300 : 0.0);
  const auto sums = reproducible_sums(acc, world());
  REQUIRE(sums.size() == 3u);
  CHECK(sums[0] == p);
  CHECK(sums[1] == -0.25 * p * (p + 1));
  CHECK(sums[2] == 1e300);
}

TEST_CASE("ExactAdder adds exactly what ExactAccumulator::add does, value by value", "[sum]") {
  // Compares the normalised limbs (the exact integer), not only the rounded value.
  const auto one_by_one = [](const std::vector<double>& v) {
    ExactAccumulator a;
    for (double x : v) a.add(x);
    a.normalize();
    return a;
  };
  const auto through_adder = [](const std::vector<double>& v, ExactAccumulator start) {
    {
      ExactAdder adder(start);
      for (double x : v) adder.add(x);
    }  // flushed here
    start.normalize();
    return start;
  };
  std::mt19937_64 rng(7);
  std::vector<std::vector<double>> cases;
  cases.push_back(adversarial(5000, 11));  // more than one flush of 1024
  // Every exponent, both signs, subnormals and the largest finite values.
  std::vector<double> every;
  for (int e = -1074; e <= 1023; e += 3) every.push_back((e % 2 ? -1.0 : 1.0) * std::ldexp(1.0 + std::ldexp(double(rng() >> 12), -52), e));
  every.push_back(std::numeric_limits<double>::max());
  every.push_back(-std::numeric_limits<double>::denorm_min());
  every.push_back(0.0);
  every.push_back(-0.0);
  cases.push_back(every);
  // 1024 largest significands of one exponent in a row, each sign: the counter's largest magnitude.
  for (double sign : {1.0, -1.0}) cases.push_back(std::vector<double>(3000, sign * std::nextafter(2.0, 0.0) * 0x1p900));
  std::vector<double> special = {1.0, std::numeric_limits<double>::infinity(), 2.0, -std::numeric_limits<double>::infinity(),
                                 std::numeric_limits<double>::quiet_NaN(), 3.0};
  cases.push_back(special);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    INFO("case " << k);
    ExactAccumulator before;
    before.add(0.25);  // the adder adds to what the target already holds
    ExactAccumulator expected = one_by_one(cases[k]);
    expected.add(0.25);
    expected.normalize();
    const ExactAccumulator got = through_adder(cases[k], before);
    CHECK(got.state() == expected.state());
    CHECK(same_bits(got.value(), expected.value()));
  }
}
