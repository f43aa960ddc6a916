#include <catch2/catch.hpp>

#include "meridian/core/error.hpp"
#include "meridian/core/field.hpp"

using namespace meridian::core;

TEST_CASE("field index helpers cover owned and halo cells", "[field]") {
  Field u("u", 5, 4, 2, 3);
  CHECK(u.size() == std::size_t(9 * 8 * 3));
  CHECK(u.stride_j() == 9);
  CHECK(u.stride_k() == 72);
  CHECK(u.offset(-2, -2, 0) == 0);
  CHECK(u.offset(6, 5, 2) == std::ptrdiff_t(u.size() - 1));
  CHECK(u.with_halo_x() == IndexRange{-2, 7});
  CHECK(u.owned_y() == IndexRange{0, 4});
  u.fill(-1);
  for (int k = 0; k < 3; ++k)
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 5; ++i) u(i, j, k) = 100 * k + 10 * j + i;
  const auto owned = u.owned_values();
  REQUIRE(owned.size() == 60u);
  CHECK(owned[0] == 0);
  CHECK(owned[59] == 234);
  Field v("v", 5, 4, 1, 3);
  v.set_owned_values(owned);
  CHECK(v(4, 3, 2) == 234);
  CHECK(v(-1, 0, 0) == 0);  // halo untouched
  CHECK_THROWS_AS(v.set_owned_values({1.0}), Error);
  CHECK_THROWS_AS(Field("bad", 3, 3, -1), Error);
}
