// BytePacker / ByteReader: what is put comes back, in order, through a broadcast; a short or corrupt
// buffer throws core::Error (the restart reader relies on it) instead of reading past the end. And
// fnv1a, the hash of packed descriptions.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "meridian/core/byte_packer.hpp"
#include "meridian/core/fnv1a.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;
using meridian::test::all_ranks;
using meridian::test::world;
using meridian::test::world_rank;

namespace {
struct Pair {
  int a;
  double b;
};

BytePacker sample() {
  BytePacker p;
  p.put(42);
  p.put(-1.5);
  p.put(true);
  p.put(std::string("with\0nul", 8));
  p.put("literal");
  p.put(std::vector<int>{3, 1, 4});
  p.put(std::vector<std::string>{"", "two"});
  p.put(Pair{7, 0.25});
  p.put(std::uint64_t(2));
  return p;
}
}  // namespace

TEST_CASE("byte packer: values come back as they were put, on every rank", "[packer]") {
  BytePacker p;
  if (world_rank() == 0) p = sample();
  broadcast_string(p.bytes(), 0, world());
  ByteReader r(p.bytes(), "test");
  CHECK(r.get<int>() == 42);
  CHECK(r.get<double>() == -1.5);
  CHECK(r.get<bool>());
  CHECK(r.get<std::string>() == std::string("with\0nul", 8));
  CHECK(r.get<std::string>() == "literal");
  CHECK(r.get<std::vector<int>>() == std::vector<int>{3, 1, 4});
  CHECK(r.get<std::vector<std::string>>() == std::vector<std::string>{"", "two"});
  const Pair pair = r.get<Pair>();
  CHECK((pair.a == 7 && pair.b == 0.25));
  CHECK(r.get<std::uint64_t>() == 2);
  CHECK(r.remaining() == 0);
  CHECK_NOTHROW(r.expect_end());
  CHECK(all_ranks(true));
}

TEST_CASE("byte packer: every truncation of a buffer throws Error, never reads past its end", "[packer]") {
  const std::string whole = sample().bytes();
  for (std::size_t n = 0; n <= whole.size(); ++n) {
    const std::string cut = whole.substr(0, n);  // its own allocation: a sanitizer sees any overread
    ByteReader r(cut, "reading a cut buffer");
    INFO("cut at " << n << " of " << whole.size());
    const auto read_all = [&] {
      r.get<int>(), r.get<double>(), r.get<bool>(), r.get<std::string>(), r.get<std::string>();
      r.get<std::vector<int>>(), r.get<std::vector<std::string>>(), r.get<Pair>(), r.get<std::uint64_t>();
    };
    if (n < whole.size())
      CHECK_THROWS_AS(read_all(), Error);
    else
      CHECK_NOTHROW(read_all());
  }
}

TEST_CASE("byte packer: corrupt counts and lengths throw before allocating", "[packer]") {
  BytePacker p;
  p.put(std::uint64_t(1) << 60);  // a string or vector "of an exabyte"
  p.put(std::string("abc"));
  {
    ByteReader r(p.bytes(), "corrupt");
    CHECK_THROWS_AS(r.get<std::string>(), Error);
  }
  {
    ByteReader r(p.bytes(), "corrupt");
    CHECK_THROWS_AS(r.get<std::vector<double>>(), Error);
  }
  {
    ByteReader r(p.bytes(), "corrupt");
    try {
      r.get_count(8);
      FAIL("no throw");
    } catch (const Error& e) {
      CHECK(e.context() == "corrupt");
      CHECK(std::string(e.what()).find("corrupt buffer") != std::string::npos);
    }
  }
  // Bytes left over mean the reader and the writer disagree.
  BytePacker q;
  q.put(1), q.put(2);
  ByteReader r(q.bytes(), "extra");
  r.get<int>();
  CHECK_THROWS_AS(r.expect_end(), Error);
}

TEST_CASE("fnv1a is FNV-1a 64 and continues a hash", "[fnv1a]") {
  // The published FNV-1a 64 test values.
  STATIC_REQUIRE(fnv1a("") == 0xcbf29ce484222325ull);
  CHECK(fnv1a("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fnv1a("foobar") == 0x85944171f73967e8ull);
  CHECK(fnv1a("bar", fnv1a("foo")) == fnv1a("foobar"));
  CHECK(fnv1a(std::string_view("a\0b", 3)) != fnv1a("ab"));  // every byte counts
}
