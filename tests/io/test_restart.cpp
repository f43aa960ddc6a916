// Restart files: bitwise round trips across rank counts and process grids, every broken or
// incompatible file rejected alike on every rank, write-then-rename and pruning.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "io_test_support.hpp"
#include "meridian/core/error.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;
using test::FakeComponent;

namespace {

std::vector<test::FakeFieldSpec> atmosphere_fields() {
  return {{"t", 1, true, true}, {"q", 3, true, true}, {"diag", 1, false, true}};
}
std::vector<test::FakeFieldSpec> ocean_fields() { return {{"sst", 1, true, true}, {"heat", 2, true, false}}; }

// Writes one restart at step 42 from every rank of the world; returns its path.
std::string write_reference(const std::string& dir, int keep = 2) {
  FakeComponent atm(test::world(), "atmosphere", 24, 12, atmosphere_fields(), 1);
  FakeComponent ocn(test::world(), "ocean", 16, 8, ocean_fields(), 2);
  atm.fill(3);
  ocn.fill(5);
  io::Hdf5Output out(test::world(), {dir, keep}, test::provenance_for_world());
  return out.write_restart(core::Clock(600.0, 100, 42), {atm.output(), ocn.output()});
}

// The ConfigError message read_restart gives on this rank ("" if none).
std::string restart_error(MPI_Comm comm, const std::string& dir, const std::string& path,
                          std::vector<core::ComponentOutput> components) {
  io::Hdf5Output in(comm, {dir}, test::test_provenance(1));
  try {
    in.read_restart(path, components);
  } catch (const core::ConfigError& e) {
    return e.message();
  }
  return "";
}

}  // namespace

TEST_CASE("restart round trip onto another rank count and process grid is bitwise", "[restart]") {
  test::TempDir dir(test::world());
  const std::string path = write_reference(dir.path());
  CHECK(std::filesystem::path(path).filename() == "restart_000042.h5");

  // Read with the first (N+1)/2 ranks, all blocks in one column (px = 1) and a wider halo.
  const int n = test::world_size(), readers = (n + 1) / 2;
  core::Comm sub = core::Comm::split(test::world(), test::world_rank() < readers ? 0 : MPI_UNDEFINED, 0);
  long long bad = 0;
  if (sub) {
    FakeComponent atm(sub.get(), "atmosphere", 24, 12, atmosphere_fields(), 2, {1, 0});
    FakeComponent ocn(sub.get(), "ocean", 16, 8, ocean_fields(), 1, {1, 0});
    atm.fill(0, -1.0);
    ocn.fill(0, -1.0);
    // Zero every owned value first, so that only what the read puts there can match.
    for (auto* c : {&atm, &ocn})
      for (auto& e : c->output().fields) std::fill(e.field->data(), e.field->data() + e.field->size(), -1.0);
    io::Hdf5Output in(sub.get(), {dir.path()}, test::test_provenance(readers));
    const long long step = in.read_restart(path, {atm.output(), ocn.output()});
    CHECK(step == 42);
    bad = atm.mismatches(3, -1.0) + ocn.mismatches(5, -1.0);
    const io::RestartInfo info = io::peek_restart(sub.get(), path);
    CHECK(info.step == 42);
    CHECK(info.total_steps == 100);
    CHECK(info.dt == 600.0);
    CHECK(info.time == 42 * 600.0);
    CHECK(info.config_digest == "digest-1");
    REQUIRE(info.components.size() == 2);
    CHECK(info.components[0].name == "atmosphere");
    CHECK(info.components[0].fields.size() == 2);
    CHECK(info.components[1].nx == 16);
  }
  CHECK(test::sum_over_ranks(bad) == 0);
}

TEST_CASE("broken or incompatible restart files fail alike on every rank", "[restart]") {
  test::TempDir dir(test::world());
  const std::string good = write_reference(dir.path());
  const std::string junk = dir.path() + "/junk.h5", cut = dir.path() + "/cut.h5", missing = dir.path() + "/no.h5";
  if (test::world_rank() == 0) {
    std::ofstream(junk) << "this is not an HDF5 file\n";
    std::filesystem::copy_file(good, cut);
    std::filesystem::resize_file(cut, std::filesystem::file_size(good) / 2);
  }
  MPI_Barrier(test::world());
  FakeComponent atm(test::world(), "atmosphere", 24, 12, atmosphere_fields(), 1);
  FakeComponent ocn(test::world(), "ocean", 16, 8, ocean_fields(), 1);
  FakeComponent big(test::world(), "atmosphere", 48, 24, atmosphere_fields(), 1);
  FakeComponent fewer(test::world(), "atmosphere", 24, 12, {{"t", 1, true, true}}, 1);
  FakeComponent deeper(test::world(), "atmosphere", 24, 12, {{"t", 1, true, true}, {"q", 5, true, true}}, 1);
  FakeComponent land(test::world(), "land", 16, 8, ocean_fields(), 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {restart_error(test::world(), dir.path(), missing, {atm.output(), ocn.output()}), "'" + missing + "' does not exist"},
      {restart_error(test::world(), dir.path(), junk, {atm.output(), ocn.output()}), "'" + junk + "' is not a readable HDF5 file"},
      {restart_error(test::world(), dir.path(), cut, {atm.output(), ocn.output()}), "'" + cut + "' is not a readable HDF5 file"},
      {restart_error(test::world(), dir.path(), good, {big.output(), ocn.output()}),
       "has grid 24x12 for component 'atmosphere' but this run has 48x24"},
      {restart_error(test::world(), dir.path(), good, {atm.output()}),
       "has components [atmosphere, ocean] but this run has [atmosphere]"},
      {restart_error(test::world(), dir.path(), good, {atm.output(), land.output()}),
       "has components [atmosphere, ocean] but this run has [atmosphere, land]"},
      {restart_error(test::world(), dir.path(), good, {fewer.output(), ocn.output()}),
       "has restart fields [q, t] for component 'atmosphere' but this run has [t]"},
      {restart_error(test::world(), dir.path(), good, {deeper.output(), ocn.output()}),
       "field 'atmosphere/q' of shape 3x12x24 (levels x lat x lon) but this run has 5x12x24"},
  };
  for (const auto& [message, expected] : cases) {
    INFO("expected: " << expected);
    CHECK_THAT(message, Catch::Contains(expected));
    CHECK(test::all_ranks(message.find(expected) != std::string::npos));
  }
}

TEST_CASE("restarts appear only complete and the newest restart_keep are kept", "[restart]") {
  test::TempDir dir(test::world());
  FakeComponent atm(test::world(), "atmosphere", 24, 12, atmosphere_fields(), 1);
  atm.fill(1);
  io::Hdf5Output out(test::world(), {dir.path(), 2}, test::provenance_for_world());
  for (long long step : {10, 20, 30, 1000000}) out.write_restart(core::Clock(60.0, 2000000, step), {atm.output()});
  if (test::world_rank() == 0) {
    CHECK(test::file_names(dir.path()) == std::vector<std::string>{"restart_000030.h5", "restart_1000000.h5"});
  }
  io::Hdf5Output keep_all(test::world(), {dir.path() + "/all", 0}, test::provenance_for_world());
  for (long long step : {1, 2, 3}) keep_all.write_restart(core::Clock(60.0, 10, step), {atm.output()});
  if (test::world_rank() == 0) CHECK(test::file_names(dir.path() + "/all").size() == 3);
  CHECK_THROWS_AS(io::Hdf5Output(test::world(), {dir.path(), -1}, test::provenance_for_world()), core::ConfigError);
}
