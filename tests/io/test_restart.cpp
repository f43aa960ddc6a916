// Restart files: bitwise round trips across rank counts and process grids, every broken or
// incompatible file rejected alike on every rank, write-then-rename and pruning.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

#include "io_test_support.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/state_digest.hpp"
#include "meridian/io/hdf5_handle.hpp"
#include "meridian/io/hdf5_io.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;
using test::FakeComponent;

namespace {

std::vector<test::FakeFieldSpec> atmosphere_fields() {
  return {{"t", 1, true, true}, {"q", 3, true, true}, {"diag", 1, false, true}};
}
std::vector<test::FakeFieldSpec> ocean_fields() { return {{"sst", 1, true, true}, {"heat", 2, true, false}}; }

// What shaped the reference state, as a driver would say it.
std::vector<core::StateSetting> reference_settings() {
  return {{"run.dt", "600", ""}, {"ocean.dt", "1200", ""}, {"grid.mask", "00ff", "continents (digest 00ff)"}};
}

// Writes one restart at step 42 from every rank of the world; returns its path.
std::string write_reference(const std::string& dir, int keep = 2) {
  FakeComponent atm(test::world(), "atmosphere", 24, 12, atmosphere_fields(), 1);
  FakeComponent ocn(test::world(), "ocean", 16, 8, ocean_fields(), 2);
  atm.fill(3);
  ocn.fill(5);
  io::Hdf5Output out(test::world(), {dir, keep}, test::provenance_for_world());
  return out.write_restart(core::Clock(600.0, 100, 42), {atm.output(), ocn.output()}, reference_settings());
}

// The ConfigError message read_restart gives on this rank ("" if none).
std::string restart_error(MPI_Comm comm, const std::string& dir, const std::string& path,
                          std::vector<core::ComponentOutput> components,
                          const std::vector<core::StateSetting>& settings = reference_settings()) {
  io::Hdf5Output in(comm, {dir}, test::test_provenance(1));
  try {
    in.read_restart(path, components, settings);
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
    const long long step = in.read_restart(path, {atm.output(), ocn.output()}, reference_settings());
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
    REQUIRE(info.settings.size() == 3);
    CHECK(info.settings[2].key == "grid.mask");
    CHECK(info.settings[2].value == "00ff");
    CHECK(info.settings[2].shown == "continents (digest 00ff)");
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
      {restart_error(test::world(), dir.path(), missing, {atm.output(), ocn.output()}),
       "'" + missing + "' does not exist"},
      {restart_error(test::world(), dir.path(), junk, {atm.output(), ocn.output()}),
       "'" + junk + "' is not a readable HDF5 file"},
      {restart_error(test::world(), dir.path(), cut, {atm.output(), ocn.output()}),
       "'" + cut + "' is not a readable HDF5 file"},
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
      {restart_error(test::world(), dir.path(), good, {atm.output(), ocn.output()},
                     {{"run.dt", "1200", ""}, {"ocean.dt", "1200", ""}, {"grid.mask", "00ff", ""}}),
       "'" + good + "' was written with run.dt = 600, this run has 1200"},
      {restart_error(
           test::world(), dir.path(), good, {atm.output(), ocn.output()},
           {{"run.dt", "600", ""}, {"ocean.dt", "1200", ""}, {"grid.mask", "0f0f", "aquaplanet (digest 0f0f)"}}),
       "was written with grid.mask = continents (digest 00ff), this run has aquaplanet (digest 0f0f)"},
      {restart_error(test::world(), dir.path(), good, {atm.output(), ocn.output()},
                     {{"run.dt", "600", ""}, {"grid.mask", "00ff", ""}}),
       "was written with ocean.dt = 1200, which this run does not have"},
      {restart_error(
           test::world(), dir.path(), good, {atm.output(), ocn.output()},
           {{"run.dt", "600", ""}, {"ocean.dt", "1200", ""}, {"land.dt", "600", ""}, {"grid.mask", "00ff", ""}}),
       "records no land.dt (this run has 600)"},
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
  for (long long step : {10, 20, 30, 1000000}) out.write_restart(core::Clock(60.0, 2000000, step), {atm.output()}, {});
  if (test::world_rank() == 0) {
    CHECK(test::file_names(dir.path()) == std::vector<std::string>{"restart_000030.h5", "restart_1000000.h5"});
  }
  io::Hdf5Output keep_all(test::world(), {dir.path() + "/all", 0}, test::provenance_for_world());
  for (long long step : {1, 2, 3}) keep_all.write_restart(core::Clock(60.0, 10, step), {atm.output()}, {});
  if (test::world_rank() == 0) CHECK(test::file_names(dir.path() + "/all").size() == 3);
  CHECK_THROWS_AS(io::Hdf5Output(test::world(), {dir.path(), -1}, test::provenance_for_world()), core::ConfigError);
}

namespace {

const io::H5Where here{0, "test"};

// Rank 0 copies `good` to `dir`/`name`, lets `change` edit the copy (opened alone, read-write), and
// every rank gets the copy's path once it is done.
std::string tampered(const std::string& good, const std::string& dir, const std::string& name,
                     const std::function<void(hid_t)>& change) {
  const std::string path = dir + "/" + name;
  if (test::world_rank() == 0) {
    std::filesystem::copy_file(good, path);
    io::H5File file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), here, "opening a copy");
    change(file.get());
  }
  MPI_Barrier(test::world());
  return path;
}

// Replaces the value of one cell of `dataset` by `edit(value)`.
void edit_cell(hid_t file, const char* dataset, hsize_t k, hsize_t j, hsize_t i,
               const std::function<double(double)>& edit) {
  io::H5Dataset d(H5Dopen2(file, dataset, H5P_DEFAULT), here, dataset);
  io::H5Dataspace space(H5Dget_space(d.get()), here, dataset);
  const hsize_t start[3] = {k, j, i}, count[3] = {1, 1, 1};
  io::check_h5(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), here, dataset);
  io::H5Dataspace one(H5Screate_simple(3, count, nullptr), here, dataset);
  double value = 0;
  io::check_h5(H5Dread(d.get(), H5T_NATIVE_DOUBLE, one.get(), space.get(), H5P_DEFAULT, &value), here, dataset);
  value = edit(value);
  io::check_h5(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, one.get(), space.get(), H5P_DEFAULT, &value), here, dataset);
}

// Rewrites `dataset` with the same values, stored as float32 (what a careless tool would do).
void store_as_float32(hid_t file, const char* dataset) {
  hsize_t dims[3] = {};
  std::vector<double> values;
  {
    io::H5Dataset d(H5Dopen2(file, dataset, H5P_DEFAULT), here, dataset);
    io::H5Dataspace space(H5Dget_space(d.get()), here, dataset);
    io::check_h5(H5Sget_simple_extent_dims(space.get(), dims, nullptr), here, dataset);
    values.resize(dims[0] * dims[1] * dims[2]);
    io::check_h5(H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), here, dataset);
  }
  io::check_h5(H5Ldelete(file, dataset, H5P_DEFAULT), here, dataset);
  io::H5Dataspace space(H5Screate_simple(3, dims, nullptr), here, dataset);
  io::H5Dataset d(H5Dcreate2(file, dataset, H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), here,
                  dataset);
  io::check_h5(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), here, dataset);
}

}  // namespace

TEST_CASE("restart checksums are the same whatever rank count wrote them", "[restart]") {
  test::TempDir dir(test::world());
  const std::string path = write_reference(dir.path());
  if (test::world_rank() == 0) {
    // The digest of atmosphere/q (field 1 of the fake atmosphere, 3 levels, salt 3), cell by cell
    // on one rank: this test runs at 1, 3, 4, 6 and 8 ranks, and every count must store this value.
    std::uint64_t want = 0;
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < 12; ++j)
        for (int i = 0; i < 24; ++i)
          want += core::cell_digest(std::uint64_t((k * 12 + j) * 24 + i), test::cell_code(1, k, i, j, 3));
    io::H5File file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), here, "opening");
    io::H5Dataset q(H5Dopen2(file.get(), "atmosphere/q", H5P_DEFAULT), here, "opening q");
    CHECK(io::read_string_attribute(q.get(), "checksum", here) == core::digest_hex(want));
  }
  // A different value in one cell, or two cells swapped, changes the digest.
  const std::uint64_t a = core::cell_digest(5, 1.0) + core::cell_digest(6, 2.0);
  CHECK(a != core::cell_digest(5, 2.0) + core::cell_digest(6, 1.0));
  CHECK(a != core::cell_digest(5, std::nextafter(1.0, 2.0)) + core::cell_digest(6, 2.0));
  std::uint64_t parsed = 0;
  CHECK(core::parse_digest_hex(core::digest_hex(a), parsed));
  CHECK(parsed == a);
  CHECK_FALSE(core::parse_digest_hex("0123", parsed));
  CHECK_FALSE(core::parse_digest_hex("0123456789abcdeg", parsed));
}

TEST_CASE("restart files changed after writing are refused alike on every rank", "[restart]") {
  test::TempDir dir(test::world());
  const std::string good = write_reference(dir.path());
  const auto nan = [](double) { return std::numeric_limits<double>::quiet_NaN(); };
  const auto flip = [](double v) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    bits ^= 1ull << 20;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  };
  const std::string flipped =
      tampered(good, dir.path(), "flip.h5", [&](hid_t f) { edit_cell(f, "atmosphere/t", 0, 7, 5, flip); });
  const std::string with_nan =
      tampered(good, dir.path(), "nan.h5", [&](hid_t f) { edit_cell(f, "atmosphere/q", 2, 4, 3, nan); });
  const std::string with_inf = tampered(good, dir.path(), "inf.h5", [&](hid_t f) {
    edit_cell(f, "ocean/sst", 0, 2, 1, [](double) { return -std::numeric_limits<double>::infinity(); });
  });
  const std::string narrow = tampered(good, dir.path(), "f32.h5", [&](hid_t f) { store_as_float32(f, "ocean/heat"); });
  const std::string unsummed = tampered(good, dir.path(), "nosum.h5", [&](hid_t f) {
    io::check_h5(H5Adelete_by_name(f, "atmosphere/t", "checksum", H5P_DEFAULT), here, "deleting");
  });
  const std::string older = tampered(good, dir.path(), "v1.h5", [&](hid_t f) {
    io::H5Attribute version(H5Aopen(f, "format_version", H5P_DEFAULT), here, "opening");
    const long long one = 1;
    io::check_h5(H5Awrite(version.get(), H5T_NATIVE_LLONG, &one), here, "writing");
  });
  const std::string moved = tampered(good, dir.path(), "step.h5", [&](hid_t f) {
    io::H5Attribute step(H5Aopen(f, "step", H5P_DEFAULT), here, "opening");
    const long long later = 43;
    io::check_h5(H5Awrite(step.get(), H5T_NATIVE_LLONG, &later), here, "writing");
  });
  FakeComponent atm(test::world(), "atmosphere", 24, 12, atmosphere_fields(), 1);
  FakeComponent ocn(test::world(), "ocean", 16, 8, ocean_fields(), 1);
  const auto error = [&](const std::string& path) {
    return restart_error(test::world(), dir.path(), path, {atm.output(), ocn.output()});
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {error(flipped), "'" + flipped + "' fails the checksum of dataset 'atmosphere/t' (stored "},
      {error(with_nan), "'" + with_nan + "' holds NaN in dataset 'atmosphere/q' at i = 3, j = 4, level 2"},
      {error(with_inf), "holds Inf in dataset 'ocean/sst' at i = 1, j = 2, level 0"},
      {error(narrow), "has dataset 'ocean/heat' stored as float32; restart datasets must be float64"},
      {error(unsummed), "has dataset 'atmosphere/t' without a valid checksum attribute"},
      {error(older), "'" + older + "' was written by an older meridian (restart format 1"},
      {error(moved), "has an inconsistent clock (step 43 of 100"},
      {error(good), ""},
  };
  for (const auto& [message, expected] : cases) {
    INFO("expected: " << expected);
    if (expected.empty()) {
      CHECK(message.empty());
    } else {
      CHECK_THAT(message, Catch::Contains(expected));
    }
    CHECK(test::all_ranks(expected.empty() ? message.empty() : message.find(expected) != std::string::npos));
    CHECK(message.find('\n') == std::string::npos);
  }
}
