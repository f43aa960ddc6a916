// History files read back value by value after collective writes from several ranks: this is the
// test that catches Open MPI's OMPIO corrupting collective HDF5 writes (docs/platform-notes.md).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <tuple>

#include "io_test_support.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/run_failure.hpp"
#include "meridian/io/hdf5_handle.hpp"
#include "meridian/io/hdf5_io.hpp"
#include "mpi_test_support.hpp"

using namespace meridian;
using test::FakeComponent;

namespace {

std::vector<double> read_all(hid_t file, const std::string& name, std::vector<hsize_t>& dims) {
  const io::H5Where where{0, name};
  io::H5Dataset dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), where, "open");
  io::H5Dataspace space(H5Dget_space(dataset.get()), where, "space");
  dims.assign(H5Sget_simple_extent_ndims(space.get()), 0);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  std::vector<double> values(H5Sget_simple_extent_npoints(space.get()));
  io::check_h5(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), where, "read");
  return values;
}

// Mismatching values of field `f` (index in the component) with `nz` levels in history file `path`.
long long check_field(hid_t file, const std::string& name, int f, int nz, int nx, int ny, int salt) {
  std::vector<hsize_t> dims;
  const std::vector<double> values = read_all(file, name, dims);
  std::vector<hsize_t> want = {1, hsize_t(ny), hsize_t(nx)};
  if (nz > 1) want.insert(want.begin() + 1, hsize_t(nz));
  if (dims != want) return -1;
  long long bad = 0;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) bad += values[(std::size_t(k) * ny + j) * nx + i] != test::cell_code(f, k, i, j, salt);
  return bad;
}

}  // namespace

TEST_CASE("history files hold every value written collectively by every rank", "[history]") {
  test::TempDir dir(test::world());
  const int nx = 24, ny = 12;
  FakeComponent atm(test::world(), "atmosphere", nx, ny, {{"t", 1, true, true}, {"q", 3, true, true},
                                                          {"hidden", 1, true, false}}, 2);
  io::Hdf5Output out(test::world(), {dir.path()}, test::provenance_for_world());
  for (int salt : {1, 2, 3}) {
    atm.fill(salt);
    out.write_history(core::Clock(1800.0, 10, salt), {atm.output()});
  }
  long long bad = 0;
  if (test::world_rank() == 0) {
    CHECK(test::file_names(dir.path()) == std::vector<std::string>{"atmosphere.xdmf", "atmosphere_000001.h5",
                                                                    "atmosphere_000002.h5", "atmosphere_000003.h5"});
    for (int salt : {1, 2, 3}) {
      const std::string path = dir.path() + "/atmosphere_00000" + std::to_string(salt) + ".h5";
      io::H5File file = io::open_serial_file(path, {0, path});
      CHECK(check_field(file.get(), "t", 0, 1, nx, ny, salt) == 0);
      CHECK(check_field(file.get(), "q", 1, 3, nx, ny, salt) == 0);
      CHECK_FALSE(io::has_link(file.get(), "hidden", {0, path}));
      std::vector<hsize_t> dims;
      CHECK(read_all(file.get(), "time", dims) == std::vector<double>{1800.0 * salt});
      const auto lat = read_all(file.get(), "lat", dims);
      const auto lon = read_all(file.get(), "lon", dims);
      core::SphereGrid grid(nx, ny);
      for (int j = 0; j < ny; ++j) bad += lat[j] != grid.lat_deg(j);
      for (int i = 0; i < nx; ++i) bad += lon[i] != grid.lon_deg(i);
      CHECK(io::read_string_attribute(file.get(), "Conventions", {0, path}) == "CF-1.8");
      CHECK(io::read_int_attribute(file.get(), "step", {0, path}) == salt);
    }
  }
  CHECK(test::sum_over_ranks(bad) == 0);
}

namespace {
// The coverage pattern of the masking tests: a fraction of 0 (not covered) on every third cell.
double coverage_at(int gi, int gj) { return (gi + 2 * gj) % 3 == 0 ? 0.0 : 0.25 + 0.125 * (gi % 4); }

void fill_coverage(FakeComponent& c, std::size_t f) {
  core::Field& u = c.field(f);
  for (int j = 0; j < u.ny(); ++j)
    for (int i = 0; i < u.nx(); ++i)
      u(i, j) = coverage_at(c.decomposition().x_range().begin + i, c.decomposition().y_range().begin + j);
}

// Cells of field `f` (index in the component, `nz` levels) that differ from what a history file must
// hold: NaN where coverage_at is 0 if `masked`, cell_code everywhere else.
long long check_masked(hid_t file, const std::string& name, int f, int nz, int nx, int ny, int salt, bool masked) {
  std::vector<hsize_t> dims;
  const std::vector<double> values = read_all(file, name, dims);
  long long bad = 0;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const double v = values[(std::size_t(k) * ny + j) * nx + i];
        bad += masked && coverage_at(i, j) == 0.0 ? !std::isnan(v) : v != test::cell_code(f, k, i, j, salt);
      }
  return bad;
}

double dataset_fill_value(hid_t file, const std::string& name) {
  const io::H5Where where{0, name};
  io::H5Dataset dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), where, "open");
  io::H5PropList dcpl(H5Dget_create_plist(dataset.get()), where, "dcpl");
  double value = 0;
  io::check_h5(H5Pget_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &value), where, "fill value");
  return value;
}
}  // namespace

TEST_CASE("history files hold _FillValue where a field's coverage is 0; restarts and crash dumps do not",
          "[history][missing]") {
  test::TempDir dir(test::world());
  const int nx = 24, ny = 12, salt = 5;
  const auto specs = std::vector<test::FakeFieldSpec>{
      {"t", 1, true, true, "frac"}, {"frac", 1, false, true}, {"q", 2, true, true, "frac"}};
  FakeComponent ocn(test::world(), "ocean", nx, ny, specs, 1);
  ocn.fill(salt);
  fill_coverage(ocn, 1);
  io::Hdf5Output out(test::world(), {dir.path()}, test::provenance_for_world());
  const core::Clock clock(1800.0, 10, 4);
  out.write_history(clock, {ocn.output()});
  const std::string restart = out.write_restart(clock, {ocn.output()}, {});
  out.write_crash_dump(clock, {ocn.output()}, "test");
  if (test::world_rank() == 0) {
    const std::string path = dir.path() + "/ocean_000004.h5";
    io::H5File file = io::open_serial_file(path, {0, path});
    CHECK(check_masked(file.get(), "t", 0, 1, nx, ny, salt, true) == 0);
    CHECK(check_masked(file.get(), "q", 2, 2, nx, ny, salt, true) == 0);
    io::H5Dataset t(H5Dopen2(file.get(), "t", H5P_DEFAULT), {0, path}, "open t");
    CHECK(std::isnan(io::read_double_attribute(t.get(), "_FillValue", {0, path})));
    CHECK(std::isnan(dataset_fill_value(file.get(), "t")));
    io::H5Dataset frac(H5Dopen2(file.get(), "frac", H5P_DEFAULT), {0, path}, "open frac");
    CHECK_FALSE(io::has_attribute(frac.get(), "_FillValue", {0, path}));  // a fraction covers every cell
    const std::string crash = dir.path() + "/crash_ocean_000004.h5";
    io::H5File dump = io::open_serial_file(crash, {0, crash});
    CHECK(check_masked(dump.get(), "t", 0, 1, nx, ny, salt, false) == 0);
  }
  // The restart holds the real state, also under the mask: reading it back gives every cell.
  FakeComponent back(test::world(), "ocean", nx, ny, specs, 1);
  back.fill(0);
  CHECK(out.read_restart(restart, {back.output()}, {}) == 4);
  CHECK(test::sum_over_ranks(back.mismatches(salt, -7.0)) == 0);
}

TEST_CASE("a coverage that names no other field fails on every rank and leaves no file", "[history][missing]") {
  test::TempDir dir(test::world());
  FakeComponent ocn(test::world(), "ocean", 12, 6, {{"t", 1, true, true, "nowhere"}}, 1);
  ocn.fill(1);
  io::Hdf5Output out(test::world(), {dir.path()}, test::provenance_for_world());
  CHECK_THROWS_WITH(out.write_history(core::Clock(1800.0, 10, 1), {ocn.output()}),
                    Catch::Contains("coverage 'nowhere'"));
  if (test::world_rank() == 0) CHECK(test::file_names(dir.path()).empty());
}

TEST_CASE("ranks that describe a field differently fail alike instead of waiting in HDF5", "[history][agreement]") {
  if (test::world_size() < 2) return;  // one rank always agrees with itself
  test::TempDir dir(test::world());
  FakeComponent ocn(test::world(), "ocean", 12, 6, {{"t", 1, true, true}, {"q", 2, true, true}}, 1);
  ocn.fill(1);
  io::Hdf5Output out(test::world(), {dir.path()}, test::provenance_for_world());
  const core::Clock clock(1800.0, 10, 1);
  for (int change = 0; change < 3; ++change) {
    core::ComponentOutput mine = ocn.output();
    if (test::world_rank() == test::world_size() - 1) {
      if (change == 0) mine.fields[1].meta.units = "degC";
      if (change == 1) mine.fields[0].meta.valid_max = 400;
      if (change == 2) mine.fields[1].meta.output = false;  // one field fewer on this rank
    }
    INFO("change " << change);
    CHECK_THROWS_WITH(out.write_history(clock, {mine}), Catch::Contains("the ranks describe its fields differently"));
    CHECK_THROWS_WITH(out.write_restart(clock, {mine}, {}),
                      Catch::Contains("the ranks describe its fields differently"));
  }
  if (test::world_rank() == 0) CHECK(test::file_names(dir.path()).empty());
  out.write_history(clock, {ocn.output()});                                      // and the sink still works
  if (test::world_rank() == 0) CHECK(test::file_names(dir.path()).size() == 2);  // the file and its XDMF
}

TEST_CASE("history files carry CF cell bounds that tile the sphere", "[history][bounds]") {
  test::TempDir dir(test::world());
  const int nx = GENERATE(10, 2100), ny = 7;
  FakeComponent atm(test::world(), "atmosphere", nx, ny, {{"t", 1, true, true}}, 1);
  atm.fill(1);
  io::Hdf5Output out(test::world(), {dir.path()}, test::provenance_for_world());
  out.write_history(core::Clock(1800.0, 10, 1), {atm.output()});
  if (test::world_rank() == 0) {
    const std::string path = dir.path() + "/atmosphere_000001.h5";
    const io::H5Where where{0, path};
    io::H5File file = io::open_serial_file(path, where);
    std::vector<hsize_t> dims;
    const auto lat = read_all(file.get(), "lat", dims);
    const auto lat_bnds = read_all(file.get(), "lat_bnds", dims);
    CHECK(dims == std::vector<hsize_t>{hsize_t(ny), 2});
    const auto lon = read_all(file.get(), "lon", dims);
    const auto lon_bnds = read_all(file.get(), "lon_bnds", dims);
    CHECK(dims == std::vector<hsize_t>{hsize_t(nx), 2});
    CHECK(lat_bnds.front() == -90.0);
    CHECK(lat_bnds.back() == 90.0);
    CHECK(lon_bnds.front() == 0.0);
    CHECK(lon_bnds.back() == 360.0);
    long long bad = 0;  // each cell holds its centre, and shares its edge with the next bit for bit
    for (int j = 0; j < ny; ++j) bad += !(lat_bnds[2 * j] < lat[j] && lat[j] < lat_bnds[2 * j + 1]);
    for (int j = 0; j + 1 < ny; ++j) bad += lat_bnds[2 * j + 1] != lat_bnds[2 * j + 2];
    for (int i = 0; i < nx; ++i) bad += !(lon_bnds[2 * i] < lon[i] && lon[i] < lon_bnds[2 * i + 1]);
    for (int i = 0; i + 1 < nx; ++i) bad += lon_bnds[2 * i + 1] != lon_bnds[2 * i + 2];
    CHECK(bad == 0);
    io::H5Dataset lat_ds(H5Dopen2(file.get(), "lat", H5P_DEFAULT), where, "open lat");
    io::H5Dataset lon_ds(H5Dopen2(file.get(), "lon", H5P_DEFAULT), where, "open lon");
    CHECK(io::read_string_attribute(lat_ds.get(), "bounds", where) == "lat_bnds");
    CHECK(io::read_string_attribute(lon_ds.get(), "bounds", where) == "lon_bnds");
    // Exactly the values SphereGrid gives, on a narrow grid and a wide one.
    const core::SphereGrid grid(nx, ny);
    for (int j = 0; j < ny; ++j) bad += lat[j] != grid.lat_deg(j) || lat_bnds[2 * j] != grid.lat_edge_deg(j);
    for (int i = 0; i < nx; ++i) bad += lon[i] != grid.lon_deg(i) || lon_bnds[2 * i + 1] != grid.lon_edge_deg(i + 1);
    CHECK(bad == 0);
  }
}

namespace {
// A field's values as stored (4 or 8 bytes each), and its file type's size.
std::vector<unsigned char> stored_bytes(hid_t file, const std::string& name, std::size_t& value_bytes) {
  const io::H5Where where{0, name};
  io::H5Dataset dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), where, "open");
  io::H5Datatype type(H5Dget_type(dataset.get()), where, "type");
  io::H5Dataspace space(H5Dget_space(dataset.get()), where, "space");
  value_bytes = H5Tget_size(type.get());
  std::vector<unsigned char> bytes(value_bytes * std::size_t(H5Sget_simple_extent_npoints(space.get())));
  const hid_t native = value_bytes == 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
  io::check_h5(H5Dread(dataset.get(), native, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), where, "read");
  return bytes;
}

std::size_t attribute_bytes(hid_t file, const std::string& dataset_name, const std::string& name) {
  const io::H5Where where{0, dataset_name};
  io::H5Dataset dataset(H5Dopen2(file, dataset_name.c_str(), H5P_DEFAULT), where, "open");
  io::H5Attribute attr(H5Aopen(dataset.get(), name.c_str(), H5P_DEFAULT), where, "attribute");
  io::H5Datatype type(H5Aget_type(attr.get()), where, "attribute type");
  return H5Tget_size(type.get());
}

// The ocean of the masking test, a masked field, a fraction and a field with levels.
const std::vector<test::FakeFieldSpec> ocean_specs = {
    {"t", 1, true, true, "frac"}, {"frac", 1, false, true}, {"q", 2, true, true}};

// Fills `ocn` (ocean_specs) with values no float holds exactly (code / 3) and the coverage pattern.
void fill_thirds(FakeComponent& ocn) {
  ocn.fill(3);
  for (std::size_t f : {0, 2}) {
    core::Field& u = ocn.field(f);
    for (int k = 0; k < u.nz(); ++k)
      for (int j = 0; j < u.ny(); ++j)
        for (int i = 0; i < u.nx(); ++i) u(i, j, k) /= 3.0;
  }
  fill_coverage(ocn, 1);
}
}  // namespace

TEST_CASE("to_float rounds to the nearest float and overflows to infinity as IEEE 754 does", "[history][precision]") {
  const double largest = std::numeric_limits<float>::max();
  CHECK(io::to_float(1.0 / 3.0) == 1.0f / 3.0f);
  CHECK(io::to_float(largest) == std::numeric_limits<float>::max());
  CHECK(io::to_float(largest + 0x1p102) == std::numeric_limits<float>::max());  // below the midpoint
  CHECK(io::to_float(largest + 0x1p103) == std::numeric_limits<float>::infinity());  // the tie goes to even
  CHECK(io::to_float(-1e300) == -std::numeric_limits<float>::infinity());
  CHECK(std::isnan(io::to_float(std::nan(""))));
}

// What a single-precision history must hold at global cell (i, j) of test_beyond_float's fields:
// values beyond the float range (and NaN) in some rows, in and out of coverage.
double beyond_float_value(int gi, int gj, int level) {
  const double largest = std::numeric_limits<float>::max();
  switch ((gi * 7 + gj * 3 + level) % 11) {
    case 0:
      return 1e300;
    case 1:
      return -1e300;
    case 2:
      return largest + 0x1p102;  // rounds down to the largest float
    case 3:
      return largest + 0x1p103;  // the tie: infinity
    case 4:
      return std::numeric_limits<double>::infinity();
    case 5:
      return gj % 2 ? std::nan("") : 1.0 / 3.0;
    default:
      return (gi - 2.0 * gj + level) / 3.0;  // an ordinary value no float holds exactly
  }
}

TEST_CASE("single-precision history rounds values beyond the float range as to_float does, masked or not",
          "[history][precision]") {
  test::TempDir dir(test::world());
  const int nx = 45, ny = 9;  // rows long enough for the vectorised loops and their remainders
  const auto specs =
      std::vector<test::FakeFieldSpec>{{"t", 1, true, true, "frac"}, {"frac", 1, false, true}, {"q", 2, true, true}};
  const core::Clock clock(1800.0, 10, 4);
  const std::vector<core::ProcessGrid> grids = {{}, {1, test::world_size()}, {test::world_size(), 1}};
  for (std::size_t g = 0; g < grids.size(); ++g) {
    FakeComponent ocn(test::world(), "ocean", nx, ny, specs, 2, grids[g]);
    const core::Decomposition& d = ocn.decomposition();
    for (std::size_t f : {0, 2}) {
      core::Field& u = ocn.field(f);
      for (int k = 0; k < u.nz(); ++k)
        for (int j = 0; j < u.ny(); ++j)
          for (int i = 0; i < u.nx(); ++i)
            u(i, j, k) = beyond_float_value(d.x_range().begin + i, d.y_range().begin + j, k);
    }
    fill_coverage(ocn, 1);
    io::Hdf5Output out(test::world(),
                       {dir.path() + "/" + std::to_string(g), 2, true, io::HistoryPrecision::single_precision},
                       test::provenance_for_world());
    out.write_history(clock, {ocn.output()});
  }
  if (test::world_rank() != 0) return;
  for (std::size_t g = 0; g < grids.size(); ++g) {
    const std::string path = dir.path() + "/" + std::to_string(g) + "/ocean_000004.h5";
    INFO(path);
    io::H5File file = io::open_serial_file(path, {0, path});
    for (const auto& [name, nz, masked] : {std::tuple{"t", 1, true}, std::tuple{"q", 2, false}}) {
      INFO(name);
      std::size_t value_bytes = 0;
      const std::vector<unsigned char> got = stored_bytes(file.get(), name, value_bytes);
      REQUIRE(value_bytes == 4);
      REQUIRE(got.size() == 4 * std::size_t(nz * nx * ny));
      long long bad = 0, beyond = 0;
      for (int k = 0; k < nz; ++k)
        for (int j = 0; j < ny; ++j)
          for (int i = 0; i < nx; ++i) {
            float f = 0;
            std::memcpy(&f, got.data() + 4 * ((std::size_t(k) * ny + j) * nx + i), 4);
            const double value = beyond_float_value(i, j, k);
            if (masked && coverage_at(i, j) == 0.0) {
              bad += !std::isnan(f);
              continue;
            }
            const float want = io::to_float(value);
            bad += std::isnan(want) ? !std::isnan(f) : std::memcmp(&f, &want, 4) != 0;
            beyond += !(std::abs(value) <= std::numeric_limits<float>::max());
          }
      CHECK(bad == 0);
      CHECK(beyond > 0);  // the values beyond the range were in covered cells too
    }
  }
}

TEST_CASE("single-precision history holds each value rounded to float, the same bits on every process grid",
          "[history][precision]") {
  test::TempDir dir(test::world());
  const int size = test::world_size();
  const core::Clock clock(1800.0, 10, 4);
  const std::vector<core::ProcessGrid> grids = {{}, {1, size}, {size, 1}};
  for (std::size_t g = 0; g < grids.size(); ++g) {
    FakeComponent ocn(test::world(), "ocean", 24, 12, ocean_specs, 1, grids[g]);
    fill_thirds(ocn);
    io::Hdf5Output single(test::world(), {dir.path() + "/single" + std::to_string(g), 2, true,
                                          io::HistoryPrecision::single_precision},
                          test::provenance_for_world());
    single.write_history(clock, {ocn.output()});
    if (g == 0) {
      io::Hdf5Output twice(test::world(), {dir.path() + "/double"}, test::provenance_for_world());
      twice.write_history(clock, {ocn.output()});
      // Restarts stay double whatever the history precision: the state reads back bit for bit.
      const std::string restart = single.write_restart(clock, {ocn.output()}, {});
      FakeComponent back(test::world(), "ocean", 24, 12, ocean_specs, 1);
      CHECK(single.read_restart(restart, {back.output()}, {}) == 4);
      long long bad = 0;
      for (std::size_t f : {0, 2})
        for (int k = 0; k < back.field(f).nz(); ++k)
          for (int j = 0; j < back.field(f).ny(); ++j)
            for (int i = 0; i < back.field(f).nx(); ++i) bad += back.field(f)(i, j, k) != ocn.field(f)(i, j, k);
      CHECK(test::sum_over_ranks(bad) == 0);
    }
  }
  if (test::world_rank() != 0) return;
  const std::string name = "/ocean_000004.h5";
  const std::string reference = dir.path() + "/double" + name;
  io::H5File twice = io::open_serial_file(reference, {0, reference});
  for (std::size_t g = 0; g < grids.size(); ++g) {
    const std::string path = dir.path() + "/single" + std::to_string(g) + name;
    INFO(path);
    io::H5File file = io::open_serial_file(path, {0, path});
    for (const char* field : {"t", "frac", "q"}) {
      INFO(field);
      std::size_t value_bytes = 0, double_bytes = 0;
      const std::vector<unsigned char> got = stored_bytes(file.get(), field, value_bytes);
      const std::vector<unsigned char> full = stored_bytes(twice.get(), field, double_bytes);
      REQUIRE(value_bytes == 4);
      REQUIRE(double_bytes == 8);
      REQUIRE(got.size() * 2 == full.size());
      long long bad = 0, inexact = 0;
      for (std::size_t c = 0; c < got.size() / 4; ++c) {
        double d = 0;
        float want = 0, f = 0;
        std::memcpy(&d, full.data() + 8 * c, 8);
        std::memcpy(&f, got.data() + 4 * c, 4);
        want = static_cast<float>(d);  // round to nearest: what a reader of the double file would get
        bad += std::isnan(d) ? !std::isnan(f) : std::memcmp(&f, &want, 4) != 0;
        inexact += !std::isnan(d) && double(f) != d;
      }
      CHECK(bad == 0);
      if (std::string(field) != "frac") CHECK(inexact > 0);  // the test would miss a file of doubles otherwise
      if (g > 0) {  // every process grid writes the same bits
        const std::string first = dir.path() + "/single0" + name;
        io::H5File other = io::open_serial_file(first, {0, first});
        CHECK(stored_bytes(other.get(), field, value_bytes) == got);
      }
    }
    // netCDF-4 wants _FillValue of the variable's type; CF the same for the valid range.
    CHECK(attribute_bytes(file.get(), "t", "_FillValue") == 4);
    float fill = 0;
    {
      io::H5Dataset t(H5Dopen2(file.get(), "t", H5P_DEFAULT), {0, path}, "open t");
      io::H5PropList dcpl(H5Dget_create_plist(t.get()), {0, path}, "dcpl");
      io::check_h5(H5Pget_fill_value(dcpl.get(), H5T_NATIVE_FLOAT, &fill), {0, path}, "fill value");
    }
    CHECK(std::isnan(fill));
    std::size_t area_bytes = 0;
    stored_bytes(file.get(), "cell_area", area_bytes);
    CHECK(area_bytes == 8);  // the weights of the exact means stay double
  }
  // The XDMF names each file's own precision.
  std::ifstream xdmf(dir.path() + "/single0/ocean.xdmf");
  const std::string text((std::istreambuf_iterator<char>(xdmf)), std::istreambuf_iterator<char>());
  CHECK(text.find("Precision=\"4\" Format=\"HDF\">ocean_000004.h5:/t") != std::string::npos);
}

TEST_CASE("the number of writers per node changes who writes, not what is written", "[history][restart]") {
  test::TempDir dir(test::world());
  const int size = test::world_size();
  const core::Clock clock(1800.0, 10, 4);
  // Ranks side by side in x: every rank's rows interleave in the file, so ROMIO aggregates.
  FakeComponent ocn(test::world(), "ocean", 24, 12, ocean_specs, 1, core::ProcessGrid{size, 1});
  fill_thirds(ocn);
  const std::vector<int> writers = {0, 1, 2, 8};
  for (int w : writers) {
    io::Hdf5Output out(test::world(),
                       {dir.path() + "/w" + std::to_string(w), 2, false, io::HistoryPrecision::double_precision, w},
                       test::provenance_for_world());
    out.write_history(clock, {ocn.output()});
    out.write_restart(clock, {ocn.output()}, {});
  }
  CHECK_THROWS_AS(
      io::Hdf5Output(test::world(), {dir.path() + "/bad", 2, false, io::HistoryPrecision::double_precision, -1},
                     test::provenance_for_world()),
      core::ConfigError);
  if (test::world_rank() != 0) return;
  const auto open = [&](int w, const std::string& name) {
    const std::string path = dir.path() + "/w" + std::to_string(w) + "/" + name;
    return io::open_serial_file(path, {0, path});
  };
  for (const auto& [file, datasets] :
       {std::pair<std::string, std::vector<std::string>>{"ocean_000004.h5", {"t", "frac", "q", "cell_area"}},
        {"restart_000004.h5", {"ocean/t", "ocean/q"}}}) {
    io::H5File reference = open(writers[0], file);
    for (std::size_t w = 1; w < writers.size(); ++w) {
      io::H5File other = open(writers[w], file);
      for (const std::string& name : datasets) {
        INFO(file << ": " << name << " with " << writers[w] << " writers per node");
        std::size_t bytes = 0, reference_bytes = 0;
        const std::vector<unsigned char> got = stored_bytes(other.get(), name, bytes);
        CHECK(bytes == 8);
        CHECK(got == stored_bytes(reference.get(), name, reference_bytes));
      }
    }
  }
}

TEST_CASE("output.fixed_fields = own_file writes cell_area and the fixed fields once, in their own file",
          "[history][fixed]") {
  test::TempDir dir(test::world());
  const std::vector<test::FakeFieldSpec> specs = {
      {"t", 1, true, true, "frac"}, {"frac", 1, false, true, "", "grid.mask"}, {"q", 2, true, true}};
  FakeComponent ocn(test::world(), "ocean", 24, 12, specs, 1, core::ProcessGrid{test::world_size(), 1});
  fill_thirds(ocn);
  io::OutputSettings own{dir.path() + "/own"};
  own.fixed_fields = io::FixedFields::own_file;
  io::Hdf5Output alone(test::world(), {dir.path() + "/every"}, test::provenance_for_world());
  io::Hdf5Output split(test::world(), own, test::provenance_for_world());
  alone.write_history(core::Clock(1800.0, 10, 4), {ocn.output()});
  split.write_history(core::Clock(1800.0, 10, 4), {ocn.output()});
  // Once per run: a second output does not write it again.
  const std::string fixed = dir.path() + "/own/ocean.fixed.h5", kept = dir.path() + "/fixed.h5";
  if (test::world_rank() == 0) std::filesystem::rename(fixed, kept);
  MPI_Barrier(test::world());
  split.write_history(core::Clock(1800.0, 10, 8), {ocn.output()});
  if (test::world_rank() != 0) return;
  CHECK_FALSE(std::filesystem::exists(fixed));
  const std::string every_path = dir.path() + "/every/ocean_000004.h5";
  io::H5File every = io::open_serial_file(every_path, {0, every_path});
  {
    // cell_area and frac as (lat, lon), the every_file values; no time.
    io::H5File constant = io::open_serial_file(kept, {0, kept});
    CHECK_FALSE(io::has_link(constant.get(), "time", {0, kept}));
    CHECK_FALSE(io::has_link(constant.get(), "t", {0, kept}));
    for (const char* field : {"cell_area", "frac"}) {
      INFO(field);
      std::vector<hsize_t> dims, every_dims;
      CHECK(read_all(constant.get(), field, dims) == read_all(every.get(), field, every_dims));
      CHECK(dims == std::vector<hsize_t>{12, 24});
    }
  }
  for (long long step : {4, 8}) {
    const std::string path = dir.path() + "/own/ocean_00000" + std::to_string(step) + ".h5";
    INFO(path);
    io::H5File history = io::open_serial_file(path, {0, path});
    const io::H5Where where{0, path};
    CHECK_FALSE(io::has_link(history.get(), "cell_area", where));
    CHECK_FALSE(io::has_link(history.get(), "frac", where));
    CHECK(io::read_string_attribute(history.get(), "external_variables", where) == "cell_area");
    CHECK(io::read_string_attribute(history.get(), "associated_files", where) ==
          "cell_area: ocean.fixed.h5 frac: ocean.fixed.h5");
    for (const char* field : {"t", "q"}) {
      std::size_t bytes = 0, every_bytes = 0;
      CHECK(stored_bytes(history.get(), field, bytes) == stored_bytes(every.get(), field, every_bytes));
    }
  }
}

TEST_CASE("output.background writes what the foreground writes, from a copy taken at the call",
          "[history][background]") {
  test::TempDir dir(test::world());
  // frac is fixed (own_file puts it in ocean.fixed.h5) and masks t: the copy must carry both.
  const std::vector<test::FakeFieldSpec> specs = {
      {"t", 1, true, true, "frac"}, {"frac", 1, false, true, "", "grid.mask"}, {"q", 2, true, true}};
  FakeComponent ocn(test::world(), "ocean", 24, 12, specs, 1, core::ProcessGrid{test::world_size(), 1});
  const std::vector<int> steps = {4, 8, 12};
  for (const io::FixedFields fixed : {io::FixedFields::every_file, io::FixedFields::own_file}) {
    const std::string tag = fixed == io::FixedFields::own_file ? "own" : "every";
    io::OutputSettings now{dir.path() + "/now_" + tag}, later = now;
    now.fixed_fields = later.fixed_fields = fixed;
    later.dir = dir.path() + "/later_" + tag;
    later.background = true;
    io::Hdf5Output foreground(test::world(), now, test::provenance_for_world());
    io::Hdf5Output background(test::world(), later, test::provenance_for_world());
    for (int step : steps) {
      fill_thirds(ocn);
      core::Field& t = ocn.field(0);
      for (int j = 0; j < t.ny(); ++j)
        for (int i = 0; i < t.nx(); ++i) t(i, j) += step;  // each output differs
      const core::Clock clock(1800.0, 20, step);
      foreground.write_history(clock, {ocn.output()});  // waits for `background`'s write in hand, if any
      background.write_history(clock, {ocn.output()});
      ocn.fill(99);  // the model moves on while the write is in hand
    }
    background.flush();
  }
  if (test::world_rank() != 0) return;
  const auto open = [&](const std::string& folder, const std::string& name) {
    const std::string path = dir.path() + "/" + folder + "/" + name;
    return io::open_serial_file(path, {0, path});
  };
  const auto text = [&](const std::string& path) {
    std::ifstream in(dir.path() + "/" + path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  for (const std::string tag : {"every", "own"}) {
    std::vector<std::pair<std::string, std::vector<std::string>>> files;
    for (int step : steps)
      files.push_back({"ocean_0000" + std::to_string(100 + step).substr(1) + ".h5",
                       tag == "own" ? std::vector<std::string>{"t", "q"}
                                    : std::vector<std::string>{"t", "frac", "q", "cell_area"}});
    if (tag == "own") files.push_back({"ocean.fixed.h5", {"frac", "cell_area"}});
    for (const auto& [file, datasets] : files) {
      io::H5File reference = open("now_" + tag, file), other = open("later_" + tag, file);
      for (const std::string& name : datasets) {
        INFO(tag << ": " << file << ": " << name);
        std::size_t bytes = 0, reference_bytes = 0;
        CHECK(stored_bytes(other.get(), name, bytes) == stored_bytes(reference.get(), name, reference_bytes));
      }
    }
    CHECK(text("later_" + tag + "/ocean.xdmf") == text("now_" + tag + "/ocean.xdmf"));
    CHECK(test::file_names(dir.path() + "/later_" + tag) == test::file_names(dir.path() + "/now_" + tag));
  }
  // The outputs differ from each other (and from the 99 fill), so equal bytes mean each copy was on time.
  io::H5File first = open("now_every", "ocean_000004.h5"), second = open("now_every", "ocean_000008.h5");
  std::size_t bytes = 0;
  CHECK(stored_bytes(first.get(), "t", bytes) != stored_bytes(second.get(), "t", bytes));
}

TEST_CASE("a background history write's failure is thrown once, on every rank, by the next call",
          "[history][background]") {
  test::TempDir dir(test::world());
  FakeComponent ocn(test::world(), "ocean", 12, 6, {{"t", 1, true, true, "nowhere"}}, 1);
  FakeComponent fine(test::world(), "ocean", 12, 6, {{"t", 1, true, true}}, 1);
  ocn.fill(1);
  fine.fill(1);
  io::OutputSettings settings{dir.path()};
  settings.background = true;
  io::Hdf5Output out(test::world(), settings, test::provenance_for_world());
  out.write_history(core::Clock(1800.0, 10, 1), {ocn.output()});  // returns: the write is in hand
  CHECK_THROWS_WITH(out.flush(), Catch::Contains("coverage 'nowhere'") && Catch::Contains("ocean_000001.h5"));
  CHECK_NOTHROW(out.flush());
  if (test::world_rank() == 0) CHECK(test::file_names(dir.path()).empty());
  // The next write after a failure, and a restart (which waits for the history write first), work.
  out.write_history(core::Clock(1800.0, 10, 2), {ocn.output()});
  CHECK_THROWS_AS(out.write_restart(core::Clock(1800.0, 10, 2), {fine.output()}, {}), core::OutputError);
  out.write_history(core::Clock(1800.0, 10, 3), {fine.output()});
  const std::string restart = out.write_restart(core::Clock(1800.0, 10, 3), {fine.output()}, {});
  if (test::world_rank() == 0) {
    const std::vector<std::string> names = test::file_names(dir.path());
    CHECK(std::count(names.begin(), names.end(), "ocean_000003.h5") == 1);
    CHECK(std::count(names.begin(), names.end(), "restart_000003.h5") == 1);
    CHECK(std::count(names.begin(), names.end(), "ocean_000002.h5") == 0);
  }
  // A crash dump after a failed write is still written, and its title says what failed before it.
  out.write_history(core::Clock(1800.0, 10, 4), {ocn.output()});
  const std::vector<std::string> dump = out.write_crash_dump(core::Clock(1800.0, 10, 4), {fine.output()}, "blew up");
  CHECK_NOTHROW(out.flush());  // the failure was reported once, in the dump
  REQUIRE(dump.size() == 1);
  if (test::world_rank() == 0) {
    const io::H5Where where{0, dump[0]};
    io::H5File file = io::open_serial_file(dump[0], where);
    const std::string title = io::read_string_attribute(file.get(), "title", where);
    CHECK_THAT(title, Catch::Contains("CRASH DUMP") && Catch::Contains("blew up") &&
                          Catch::Contains("the history write before it had failed") &&
                          Catch::Contains("ocean_000004.h5"));
  }
}

TEST_CASE("the XDMF of a component that rank 0 does not run shows its fields' levels", "[history][xdmf]") {
  if (test::world_size() < 2) return;  // needs a rank outside the component
  test::TempDir dir(test::world());
  // Rank 0 outside (as in a concurrent layout), the others run the ocean with a 3-level field.
  const bool runs = test::world_rank() != 0;
  MPI_Comm ranks = MPI_COMM_NULL;
  MPI_Comm_split(test::world(), runs ? 1 : MPI_UNDEFINED, test::world_rank(), &ranks);
  const std::vector<test::FakeFieldSpec> specs = {{"t", 1, true, true}, {"q", 3, true, true}};
  const core::SphereGrid grid(12, 6);
  core::ComponentOutput ocean{"ocean", nullptr, &grid, {}};
  std::optional<FakeComponent> ocn;
  if (runs) {
    ocn.emplace(ranks, "ocean", 12, 6, specs, 1);
    ocn->fill(2);
    ocean = ocn->output();
  } else {
    // The same metadata as FakeComponent's, as the driver passes the agreed metadata on every rank.
    for (const test::FakeFieldSpec& s : specs)
      ocean.fields.push_back({{.name = s.name,
                               .units = "K",
                               .long_name = "test field " + s.name,
                               .standard_name = s.name == "t" ? "air_temperature" : "",
                               .restart = s.restart,
                               .output = s.output},
                              nullptr});
  }
  {
    io::Hdf5Output out(test::world(), {dir.path()}, test::provenance_for_world());
    out.write_history(core::Clock(1800.0, 10, 2), {ocean});
  }
  if (ranks != MPI_COMM_NULL) MPI_Comm_free(&ranks);
  if (test::world_rank() != 0) return;
  std::ifstream in(dir.path() + "/ocean.xdmf");
  const std::string xdmf(std::istreambuf_iterator<char>(in), {});
  CHECK(xdmf.find("Dimensions=\"1 3 6 12\"") != std::string::npos);  // q: (time, lev, lat, lon)
  CHECK(xdmf.find("HyperSlab") != std::string::npos);                // its lowest level selected
}

namespace {

std::string text_of(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// `component`'s XDMF with each xi:include replaced by the step grids of the segment file it names:
// what ParaView's reader sees.
std::string expanded_xdmf(const std::string& dir, const std::string& component) {
  std::istringstream main(text_of(dir + "/" + component + ".xdmf"));
  std::string out, line;
  while (std::getline(main, line)) {
    const std::string include = "<xi:include href=\"";
    const std::size_t at = line.find(include);
    if (at == std::string::npos) {
      out += line + "\n";
      continue;
    }
    const std::size_t from = at + include.size();
    std::istringstream segment(text_of(dir + "/" + line.substr(from, line.find('"', from) - from)));
    bool step = false;
    for (std::string s; std::getline(segment, s);) {
      step = step || s.rfind("      <Grid ", 0) == 0;  // a step's grid, inside the temporal collection
      if (step) out += s + "\n";
      if (s == "      </Grid>") step = false;
    }
  }
  const std::string xi = " xmlns:xi=\"http://www.w3.org/2001/XInclude\"";
  if (const std::size_t at = out.find(xi); at != std::string::npos) out.erase(at, xi.size());
  return out;
}

long long count_of(const std::string& text, const std::string& what) {
  long long n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a long series' XDMF includes its older steps from segment files, each written once", "[history][xdmf]") {
  test::TempDir dir(test::world());
  FakeComponent ocn(test::world(), "ocean", 12, 6, {{"t", 1, true, true}}, 1);
  io::OutputSettings segmented{dir.path() + "/seg"}, flat{dir.path() + "/flat"};
  segmented.xdmf_steps_per_segment = 2;
  flat.xdmf_steps_per_segment = 0;  // every step inline: the reference
  const std::string seg = segmented.dir, ref = flat.dir;
  const auto write = [&](io::Hdf5Output& a, io::Hdf5Output& b, long long step) {
    ocn.fill(int(step));
    a.write_history(core::Clock(1800.0, 10, step), {ocn.output()});
    b.write_history(core::Clock(1800.0, 10, step), {ocn.output()});
  };
  const std::string marker = "<!-- not rewritten -->\n";
  const auto mark = [&](const std::string& name) {
    if (test::world_rank() == 0) std::ofstream(seg + "/" + name, std::ios::app) << marker;
  };
  const auto marked = [&](const std::string& name) {
    return text_of(seg + "/" + name).find(marker) != std::string::npos;
  };
  {
    io::Hdf5Output a(test::world(), segmented, test::provenance_for_world());
    io::Hdf5Output b(test::world(), flat, test::provenance_for_world());
    for (long long step = 1; step <= 5; ++step) write(a, b, step);
    if (test::world_rank() == 0) {
      const std::string main = text_of(seg + "/ocean.xdmf");
      CHECK(count_of(main, "<xi:include") == 2);
      CHECK(count_of(main, "<Time ") == 1);  // step 5, after the two full segments
      CHECK(text_of(seg + "/ocean_steps_000001.xdmf").find("<!DOCTYPE") == std::string::npos);
      CHECK(expanded_xdmf(seg, "ocean") == text_of(ref + "/ocean.xdmf"));
      CHECK(count_of(text_of(ref + "/ocean.xdmf"), "<Time ") == 5);
    }
    mark("ocean_steps_000001.xdmf");
    mark("ocean_steps_000003.xdmf");
    for (long long step = 6; step <= 7; ++step) write(a, b, step);
    if (test::world_rank() == 0) {
      // A full segment is not written again: each write rewrites the main file alone (and a new segment).
      CHECK(marked("ocean_steps_000001.xdmf"));
      CHECK(marked("ocean_steps_000003.xdmf"));
      CHECK(std::filesystem::exists(seg + "/ocean_steps_000005.xdmf"));
      CHECK(expanded_xdmf(seg, "ocean") == text_of(ref + "/ocean.xdmf"));
    }
    // A rerun from step 4 (a restart) replaces steps 4 on: the segment holding step 4 is rewritten,
    // the one after it goes, the one before it stays.
    write(a, b, 4);
    if (test::world_rank() == 0) {
      CHECK(marked("ocean_steps_000001.xdmf"));
      CHECK_FALSE(marked("ocean_steps_000003.xdmf"));
      CHECK_FALSE(std::filesystem::exists(seg + "/ocean_steps_000005.xdmf"));
      CHECK(count_of(text_of(seg + "/ocean.xdmf"), "<xi:include") == 2);
      CHECK(expanded_xdmf(seg, "ocean") == text_of(ref + "/ocean.xdmf"));
      CHECK(count_of(text_of(ref + "/ocean.xdmf"), "<Time ") == 4);
    }
  }
  // A continued run (a new writer on the same folder) writes its segments anew and removes any the
  // document does not include.
  if (test::world_rank() == 0) std::ofstream(seg + "/ocean_steps_000099.xdmf") << "stale";
  io::Hdf5Output a(test::world(), segmented, test::provenance_for_world());
  io::Hdf5Output b(test::world(), flat, test::provenance_for_world());
  write(a, b, 5);
  if (test::world_rank() == 0) {
    CHECK_FALSE(marked("ocean_steps_000001.xdmf"));
    CHECK_FALSE(std::filesystem::exists(seg + "/ocean_steps_000099.xdmf"));
    CHECK(test::file_names(seg) == std::vector<std::string>{"ocean.xdmf", "ocean_000001.h5", "ocean_000002.h5",
                                                            "ocean_000003.h5", "ocean_000004.h5", "ocean_000005.h5",
                                                            "ocean_000006.h5", "ocean_000007.h5",
                                                            "ocean_steps_000001.xdmf", "ocean_steps_000003.xdmf"});
    CHECK(expanded_xdmf(seg, "ocean") == text_of(ref + "/ocean.xdmf"));
  }
}

TEST_CASE("a negative xdmf_steps_per_segment is refused on every rank", "[history][xdmf]") {
  test::TempDir dir(test::world());
  io::OutputSettings settings{dir.path()};
  settings.xdmf_steps_per_segment = -1;
  CHECK_THROWS_WITH(io::Hdf5Output(test::world(), settings, test::provenance_for_world()),
                    Catch::Contains("xdmf_steps_per_segment must be >= 0"));
}
