#include "history_writer.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "field_selection.hpp"
#include "meridian/core/error.hpp"
#include "meridian/io/hdf5_io.hpp"

namespace meridian::io {

namespace {

// Chunks above a few hundred MiB make every collective write one huge aggregation; 256 MiB keeps a
// whole level per chunk for any grid up to ~5 km and still caps the size (HDF5's limit is 4 GiB).
constexpr hsize_t max_chunk_bytes = hsize_t(256) << 20;

void write_provenance(hid_t file, const core::Clock& clock, const core::ComponentOutput& component,
                      const core::Provenance& provenance, const std::string& title, const H5Where& where) {
  write_attribute(file, "Conventions", std::string("CF-1.8"), where);
  write_attribute(file, "title", title.empty() ? "meridian " + component.name + " history" : title, where);
  write_provenance_attributes(file, provenance, where);
  write_attribute(file, "component", component.name, where);
  write_attribute(file, "step", clock.step(), where);
  write_attribute(file, "model_date", clock.date(), where);
}

// A 1-D coordinate variable that is also an HDF5 dimension scale (what netCDF-4 calls a
// dimension); rank 0 writes the values, the others join the collective write with nothing.
H5Dataset make_coordinate(hid_t file, const std::string& name, const std::vector<double>& values, bool unlimited,
                          int rank, const H5Where& where) {
  const std::string what = "writing coordinate '" + name + "'";
  const hsize_t size = values.size(), max = unlimited ? H5S_UNLIMITED : size;
  H5Dataspace space(H5Screate_simple(1, &size, &max), where, what);
  H5PropList dcpl(H5Pcreate(H5P_DATASET_CREATE), where, what);
  if (unlimited) check_h5(H5Pset_chunk(dcpl.get(), 1, &size), where, what);
  check_h5(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), where, what);
  H5Dataset dataset(
      H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), where,
      what);
  check_h5(H5DSset_scale(dataset.get(), name.c_str()), where, what + ": making it a dimension scale");
  H5Dataspace file_space(H5Dget_space(dataset.get()), where, what);
  H5Dataspace mem_space(H5Screate_simple(1, &size, nullptr), where, what);
  if (rank != 0) {
    check_h5(H5Sselect_none(file_space.get()), where, what);
    check_h5(H5Sselect_none(mem_space.get()), where, what);
  }
  H5PropList dxpl = collective_transfer(where);
  check_h5(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), dxpl.get(), values.data()),
           where, what);
  return dataset;
}

void describe(hid_t dataset, const std::vector<std::pair<const char*, std::string>>& attributes,
              const H5Where& where) {
  for (const auto& [name, value] : attributes) {
    if (!value.empty()) write_attribute(dataset, name, value, where);
  }
}

// The dataset (time, [lev,] lat, lon) of one field, chunked by whole record so that time can be
// unlimited (ncrcat and friends need a record dimension).
H5Dataset make_field_dataset(hid_t file, const SelectedField& selected, int ny, int nx, const H5Where& where) {
  const core::FieldMetadata& meta = selected.entry->meta;
  const std::string what = "creating field '" + meta.name + "'";
  std::vector<hsize_t> dims = {1}, max = {H5S_UNLIMITED};
  if (selected.nz > 1) dims.push_back(hsize_t(selected.nz));
  dims.push_back(hsize_t(ny));
  dims.push_back(hsize_t(nx));
  for (std::size_t d = 1; d < dims.size(); ++d) max.push_back(dims[d]);
  std::vector<hsize_t> chunk = dims;
  const hsize_t row_bytes = hsize_t(nx) * sizeof(double) * hsize_t(selected.nz);
  chunk[chunk.size() - 2] = std::clamp<hsize_t>(max_chunk_bytes / row_bytes, 1, hsize_t(ny));
  H5Dataspace space(H5Screate_simple(int(dims.size()), dims.data(), max.data()), where, what);
  H5PropList dcpl(H5Pcreate(H5P_DATASET_CREATE), where, what);
  check_h5(H5Pset_chunk(dcpl.get(), int(chunk.size()), chunk.data()), where, what);
  // Every cell is written at once: prefilling with the fill value would write the data twice.
  check_h5(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), where, what);
  check_h5(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY), where, what);
  check_h5(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), where, what);
  H5Dataset dataset(H5Dcreate2(file, meta.name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(),
                               H5P_DEFAULT),
                    where, what);
  describe(dataset.get(), {{"units", meta.units}, {"long_name", meta.long_name}, {"standard_name", meta.standard_name}},
           where);
  // CF valid range: readers mask values outside it (the model stops before writing one, see health_check.hpp).
  if (std::isfinite(meta.valid_min)) write_attribute(dataset.get(), "valid_min", meta.valid_min, where);
  if (std::isfinite(meta.valid_max)) write_attribute(dataset.get(), "valid_max", meta.valid_max, where);
  return dataset;
}

}  // namespace

void write_history_file(const std::string& path, MPI_Comm comm, int rank, const core::Clock& clock,
                        const core::ComponentOutput& component, const core::Provenance& provenance, FieldUse use,
                        const std::string& title) {
  const H5Where where{rank, path};
  if (!component.grid) throw core::Error(rank, "history of '" + component.name + "'", "component has no grid");
  const core::SphereGrid& grid = *component.grid;
  const std::vector<SelectedField> fields = select_fields(component, use, comm);
  H5File file = create_parallel_file(path, comm, where);
  write_provenance(file.get(), clock, component, provenance, title, where);

  std::vector<double> lat(grid.ny()), lon(grid.nx());
  for (int j = 0; j < grid.ny(); ++j) lat[j] = grid.lat_deg(j);
  for (int i = 0; i < grid.nx(); ++i) lon[i] = grid.lon_deg(i);
  H5Dataset time = make_coordinate(file.get(), "time", {clock.time()}, true, rank, where);
  describe(time.get(), {{"units", "seconds since 0001-01-01 00:00:00"}, {"calendar", "noleap"},
                        {"standard_name", "time"}, {"long_name", "time"}, {"axis", "T"}}, where);
  H5Dataset lat_ds = make_coordinate(file.get(), "lat", lat, false, rank, where);
  describe(lat_ds.get(), {{"units", "degrees_north"}, {"standard_name", "latitude"}, {"long_name", "latitude"},
                          {"axis", "Y"}}, where);
  H5Dataset lon_ds = make_coordinate(file.get(), "lon", lon, false, rank, where);
  describe(lon_ds.get(), {{"units", "degrees_east"}, {"standard_name", "longitude"}, {"long_name", "longitude"},
                          {"axis", "X"}}, where);

  // One level dimension per distinct nz > 1: "lev" for the first, "lev_<nz>" for any other.
  std::map<int, H5Dataset> levels;
  for (const SelectedField& f : fields) {
    if (f.nz <= 1 || levels.count(f.nz)) continue;
    std::vector<double> index(f.nz);
    for (int k = 0; k < f.nz; ++k) index[k] = k;
    const std::string name = levels.empty() ? "lev" : "lev_" + std::to_string(f.nz);
    H5Dataset lev = make_coordinate(file.get(), name, index, false, rank, where);
    describe(lev.get(), {{"units", "1"}, {"long_name", "level index"}, {"axis", "Z"}}, where);
    levels.emplace(f.nz, std::move(lev));
  }

  for (const SelectedField& f : fields) {
    H5Dataset dataset = make_field_dataset(file.get(), f, grid.ny(), grid.nx(), where);
    std::vector<hid_t> scales = {time.get()};
    if (f.nz > 1) scales.push_back(levels.at(f.nz).get());
    scales.push_back(lat_ds.get());
    scales.push_back(lon_ds.get());
    for (unsigned d = 0; d < scales.size(); ++d) {
      check_h5(H5DSattach_scale(dataset.get(), scales[d], d), where, "attaching dimensions to '" + f.entry->meta.name + "'");
    }
    write_block(dataset.get(), 1, f.entry->field, component.decomposition, where);
  }
  // Close the datasets before the file so that its close (collective) flushes everything.
  levels.clear();
  lon_ds = H5Dataset();
  lat_ds = H5Dataset();
  time = H5Dataset();
  file.close(where, "closing the file");
}

}  // namespace meridian::io
