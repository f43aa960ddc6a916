// agree_on_failure: every rank gets the lowest failing rank's message and code, whatever subset of
// ranks failed; throw_if_any_failed throws the caller's exception on every rank or on none.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "meridian/core/agreement.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "meridian/core/run_failure.hpp"
#include "mpi_test_support.hpp"

using namespace meridian::core;
using meridian::test::all_ranks;
using meridian::test::world;
using meridian::test::world_rank;
using meridian::test::world_size;

namespace {
std::string message_of(int rank) { return "rank " + std::to_string(rank) + " failed: " + std::string(rank + 1, 'x'); }
}  // namespace

TEST_CASE("agreement: no failure anywhere is no failure everywhere", "[agreement]") {
  const Agreement a = agree_on_failure("", world());
  CHECK(all_ranks(!a.failed() && a.rank == -1 && a.message.empty() && a.code == 0));
  CHECK_NOTHROW(throw_config_error_if_any("", world()));
}

TEST_CASE("agreement: the lowest failing rank's message and code win", "[agreement]") {
  const int p = world_size(), me = world_rank();
  // Every subset shape that matters: one rank (first, last, middle), several, all.
  std::vector<std::vector<int>> cases = {{0}, {p - 1}, {p / 2}, {p - 1, p / 2}, {}};
  for (int r = 0; r < p; ++r) cases.back().push_back(r);
  for (const std::vector<int>& failing : cases) {
    bool fails = false;
    int lowest = p;
    for (int r : failing) fails = fails || r == me, lowest = std::min(lowest, r);
    const Agreement a = agree_on_failure(fails ? message_of(me) : "", world(), fails ? 10 + me : 0);
    INFO("failing ranks from " << lowest << ", " << failing.size() << " listed");
    CHECK(all_ranks(a.failed() && a.rank == lowest && a.message == message_of(lowest) && a.code == 10 + lowest));
  }
}

TEST_CASE("agreement: every rank throws the chosen exception, or none does", "[agreement]") {
  const int p = world_size(), me = world_rank();
  const int failing = p - 1;
  bool threw = false;
  try {
    throw_if_any_failed(me == failing ? "disk full" : "", world(), [&](const Agreement& a) {
      return OutputError(me, "rank " + std::to_string(a.rank) + ": " + a.message);
    });
  } catch (const OutputError& e) {
    threw = e.message() == "rank " + std::to_string(failing) + ": disk full";
  }
  CHECK(all_ranks(threw));

  std::string text;
  try {
    throw_config_error_if_any(me == 0 ? "" : "bad value on " + std::to_string(me), world(), "config");
  } catch (const ConfigError& e) {
    text = e.context() + "|" + e.message();
  }
  CHECK(all_ranks(p == 1 ? text.empty() : text == "config|bad value on 1"));
}

TEST_CASE("agreement: a message of any length, with any bytes, arrives whole", "[agreement]") {
  std::string big(100000, 'a');
  big[5] = '\0';
  big[6] = '\n';
  const int last = world_size() - 1;
  const Agreement a = agree_on_failure(world_rank() == last ? big : "", world(), world_rank() == last ? 255 : 0);
  CHECK(all_ranks(a.rank == last && a.message == big && a.code == 255));
  CHECK_THROWS_AS(agree_on_failure("x", MPI_COMM_SELF, 256), Error);
  // A code alone is a failure too (an exception whose message was empty).
  const Agreement silent = agree_on_failure("", world(), world_rank() == last ? 3 : 0);
  CHECK(all_ranks(silent.failed() && silent.rank == last && silent.message.empty() && silent.code == 3));
}
