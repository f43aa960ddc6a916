// History files read back value by value after collective writes from several ranks: this is the
// test that catches Open MPI's OMPIO corrupting collective HDF5 writes (docs/platform-notes.md).
#include <catch2/catch.hpp>

#include <filesystem>

#include "io_test_support.hpp"
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
