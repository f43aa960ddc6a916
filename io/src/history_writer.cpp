#include "history_writer.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <vector>

#include "field_selection.hpp"
#include "history_mask.hpp"
#include "meridian/core/error.hpp"
#include "meridian/io/hdf5_io.hpp"

namespace meridian::io {

namespace {

// Chunks above a few hundred MiB make every collective write one huge aggregation; 256 MiB keeps a
// whole level per chunk for any grid up to ~5 km and still caps the size (HDF5's limit is 4 GiB).
constexpr hsize_t max_chunk_bytes = hsize_t(256) << 20;

void write_provenance(hid_t file, const core::Clock& clock, const core::ComponentOutput& component,
                      const core::Provenance& provenance, const std::string& title, bool fixed, const H5Where& where) {
  write_attribute(file, "Conventions", std::string("CF-1.8"), where);
  const std::string kind = fixed ? " fixed fields" : " history";
  write_attribute(file, "title", title.empty() ? "meridian " + component.name + kind : title, where);
  write_provenance_attributes(file, provenance, where);
  write_attribute(file, "component", component.name, where);
  if (fixed) return;  // the same for every step of the run
  write_attribute(file, "step", clock.step(), where);
  write_attribute(file, "model_date", clock.date(), where);
}

// A small dataset that rank 0 writes whole; the others join the collective write with nothing.
H5Dataset make_small_dataset(hid_t file, const std::string& name, const std::vector<hsize_t>& dims, bool unlimited,
                             const std::vector<double>& values, int rank, const H5Where& where) {
  const std::string what = "writing '" + name + "'";
  std::vector<hsize_t> max = dims;
  if (unlimited) max[0] = H5S_UNLIMITED;
  H5Dataspace space(H5Screate_simple(int(dims.size()), dims.data(), max.data()), where, what);
  H5PropList dcpl(H5Pcreate(H5P_DATASET_CREATE), where, what);
  if (unlimited) check_h5(H5Pset_chunk(dcpl.get(), int(dims.size()), dims.data()), where, what);
  check_h5(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), where, what);
  H5Dataset dataset(
      H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), where,
      what);
  H5Dataspace file_space(H5Dget_space(dataset.get()), where, what);
  H5Dataspace mem_space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), where, what);
  if (rank != 0) {
    check_h5(H5Sselect_none(file_space.get()), where, what);
    check_h5(H5Sselect_none(mem_space.get()), where, what);
  }
  H5PropList dxpl = collective_transfer(where);
  check_h5(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), dxpl.get(), values.data()),
           where, what);
  return dataset;
}

// A 1-D coordinate variable that is also an HDF5 dimension scale (what netCDF-4 calls a dimension).
H5Dataset make_coordinate(hid_t file, const std::string& name, const std::vector<double>& values, bool unlimited,
                          int rank, const H5Where& where) {
  H5Dataset dataset = make_small_dataset(file, name, {hsize_t(values.size())}, unlimited, values, rank, where);
  check_h5(H5DSset_scale(dataset.get(), name.c_str()), where, "making '" + name + "' a dimension scale");
  return dataset;
}

// A netCDF-4 dimension without a coordinate variable ("bnds"), stored the way netCDF-4 itself does:
// an unwritten float dimension scale whose NAME starts with this sentence and ends with the length.
H5Dataset make_bare_dimension(hid_t file, const std::string& name, hsize_t size, const H5Where& where) {
  const std::string what = "creating dimension '" + name + "'";
  H5Dataspace space(H5Screate_simple(1, &size, nullptr), where, what);
  H5Dataset dataset(H5Dcreate2(file, name.c_str(), H5T_IEEE_F32BE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    where, what);
  char label[96];
  std::snprintf(label, sizeof label, "This is a netCDF dimension but not a netCDF variable.%10d", int(size));
  check_h5(H5DSset_scale(dataset.get(), label), where, what);
  return dataset;
}

void describe(hid_t dataset, const std::vector<std::pair<const char*, std::string>>& attributes,
              const H5Where& where) {
  for (const auto& [name, value] : attributes) {
    if (!value.empty()) write_attribute(dataset, name, value, where);
  }
}

struct GridCoordinates {
  H5Dataset time, lat, lon, bnds, lat_bnds, lon_bnds;
};

// time, lat and lon with their CF attributes, and the cell edges as CF bounds (lat_bnds, lon_bnds,
// (n, bnds = 2), degrees): CDO's conservative remapping and its cell areas need them. SphereGrid
// gives each edge once, so it has the same bits in both cells it bounds.
// Without `with_time` (a fixed-fields file) there is no time coordinate.
GridCoordinates write_grid_coordinates(hid_t file, const core::Clock& clock, const core::SphereGrid& grid, int rank,
                                       bool with_time, const H5Where& where) {
  const int nx = grid.nx(), ny = grid.ny();
  std::vector<double> lat(ny), lon(nx), lat_bnds(2 * std::size_t(ny)), lon_bnds(2 * std::size_t(nx));
  for (int j = 0; j < ny; ++j) {
    lat[j] = grid.lat_deg(j);
    lat_bnds[2 * j] = grid.lat_edge_deg(j);
    lat_bnds[2 * j + 1] = grid.lat_edge_deg(j + 1);
  }
  for (int i = 0; i < nx; ++i) {
    lon[i] = grid.lon_deg(i);
    lon_bnds[2 * i] = grid.lon_edge_deg(i);
    lon_bnds[2 * i + 1] = grid.lon_edge_deg(i + 1);
  }
  GridCoordinates c;
  if (with_time) {
    c.time = make_coordinate(file, "time", {clock.time()}, true, rank, where);
    describe(c.time.get(),
             {{"units", "seconds since 0001-01-01 00:00:00"},
              {"calendar", "noleap"},
              {"standard_name", "time"},
              {"long_name", "time"},
              {"axis", "T"}},
             where);
  }
  c.lat = make_coordinate(file, "lat", lat, false, rank, where);
  describe(c.lat.get(), {{"units", "degrees_north"}, {"standard_name", "latitude"}, {"long_name", "latitude"},
                         {"axis", "Y"}, {"bounds", "lat_bnds"}}, where);
  c.lon = make_coordinate(file, "lon", lon, false, rank, where);
  describe(c.lon.get(), {{"units", "degrees_east"}, {"standard_name", "longitude"}, {"long_name", "longitude"},
                         {"axis", "X"}, {"bounds", "lon_bnds"}}, where);
  c.bnds = make_bare_dimension(file, "bnds", 2, where);
  c.lat_bnds = make_small_dataset(file, "lat_bnds", {hsize_t(ny), 2}, false, lat_bnds, rank, where);
  c.lon_bnds = make_small_dataset(file, "lon_bnds", {hsize_t(nx), 2}, false, lon_bnds, rank, where);
  for (auto [bounds, axis] : {std::pair{&c.lat_bnds, &c.lat}, std::pair{&c.lon_bnds, &c.lon}}) {
    const std::string what = "attaching dimensions to bounds";
    check_h5(H5DSattach_scale(bounds->get(), axis->get(), 0), where, what);
    check_h5(H5DSattach_scale(bounds->get(), c.bnds.get(), 1), where, what);
  }
  return c;
}

// The dataset (time, [lev,] lat, lon) of one field, chunked by whole record so that time can be
// unlimited (ncrcat and friends need a record dimension).
// cell_area(lat, lon), m2: SphereGrid's exact areas, the weights of meridian's own global means
// (diagnostics.csv). Fields name it in cell_measures, so CDO's fldmean weights by it instead of the
// areas it would compute from the bounds with great-circle edges (up to 0.5% off at 10 degrees).
// Each rank writes its own block, like a field.
H5Dataset write_cell_area(hid_t file, const core::ComponentOutput& component, const core::Field* block,
                          const GridCoordinates& coords, const H5Where& where) {
  const core::SphereGrid& grid = *component.grid;
  const std::string what = "writing 'cell_area'";
  const std::array<hsize_t, 2> dims = {hsize_t(grid.ny()), hsize_t(grid.nx())};
  H5Dataspace space(H5Screate_simple(2, dims.data(), nullptr), where, what);
  H5PropList dcpl(H5Pcreate(H5P_DATASET_CREATE), where, what);
  check_h5(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), where, what);
  check_h5(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), where, what);
  H5Dataset area(
      H5Dcreate2(file, "cell_area", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), where, what);
  describe(area.get(), {{"units", "m2"}, {"standard_name", "cell_area"}, {"long_name", "area of the grid cell"}},
           where);
  check_h5(H5DSattach_scale(area.get(), coords.lat.get(), 0), where, what);
  check_h5(H5DSattach_scale(area.get(), coords.lon.get(), 1), where, what);
  write_block(area.get(), 0, block, component.decomposition, where, [&grid](int j) { return grid.area(j); });
  return area;
}

// With `masked`, cells outside the field's coverage hold history_fill_value, named by _FillValue.
// With `single`, the dataset holds 32-bit floats; netCDF-4 wants _FillValue (and CF the valid range)
// of the variable's own type, so they are floats too. With `timeless` (a fixed field in its own
// file) the dataset is ([lev,] lat, lon) and contiguous.
H5Dataset make_field_dataset(hid_t file, const SelectedField& selected, int ny, int nx, bool masked, bool single,
                             bool timeless, const H5Where& where) {
  const core::FieldMetadata& meta = selected.entry->meta;
  const std::string what = "creating field '" + meta.name + "'";
  std::vector<hsize_t> dims = {1}, max = {H5S_UNLIMITED};
  if (timeless) dims.clear(), max.clear();
  if (selected.nz > 1) dims.push_back(hsize_t(selected.nz));
  dims.push_back(hsize_t(ny));
  dims.push_back(hsize_t(nx));
  for (std::size_t d = max.size(); d < dims.size(); ++d) max.push_back(dims[d]);
  std::vector<hsize_t> chunk = dims;
  const hsize_t row_bytes = hsize_t(nx) * (single ? sizeof(float) : sizeof(double)) * hsize_t(selected.nz);
  chunk[chunk.size() - 2] = std::clamp<hsize_t>(max_chunk_bytes / row_bytes, 1, hsize_t(ny));
  H5Dataspace space(H5Screate_simple(int(dims.size()), dims.data(), max.data()), where, what);
  H5PropList dcpl(H5Pcreate(H5P_DATASET_CREATE), where, what);
  if (!timeless) check_h5(H5Pset_chunk(dcpl.get(), int(chunk.size()), chunk.data()), where, what);
  // Every cell is written at once: prefilling with the fill value would write the data twice.
  check_h5(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), where, what);
  check_h5(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY), where, what);
  // netCDF-4 keeps a variable's _FillValue in the dataset's fill value too, and checks that they agree.
  const float single_fill = static_cast<float>(history_fill_value);  // NaN
  if (masked && single) check_h5(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_FLOAT, &single_fill), where, what);
  if (masked && !single) check_h5(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &history_fill_value), where, what);
  check_h5(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), where, what);
  const hid_t type = single ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
  H5Dataset dataset(H5Dcreate2(file, meta.name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                    where, what);
  describe(dataset.get(), {{"units", meta.units}, {"long_name", meta.long_name}, {"standard_name", meta.standard_name}},
           where);
  // CF valid range: readers mask values outside it (the model stops before writing one, see health_check.hpp).
  // Rounding to nearest is monotonic, so a value inside the double range stays inside the float one.
  const auto number = [&](const char* name, double value) {
    if (single) write_attribute(dataset.get(), name, to_float(value), where);
    else write_attribute(dataset.get(), name, value, where);
  };
  if (std::isfinite(meta.valid_min)) number("valid_min", meta.valid_min);
  if (std::isfinite(meta.valid_max)) number("valid_max", meta.valid_max);
  write_attribute(dataset.get(), "cell_measures", std::string("area: cell_area"), where);
  if (masked) number("_FillValue", history_fill_value);
  return dataset;
}

}  // namespace

std::optional<core::Field> cell_area_block(const core::ComponentOutput& component) {
  const core::Decomposition* d = component.decomposition;
  if (!d || !component.grid) return std::nullopt;
  std::optional<core::Field> block(std::in_place, "cell_area", *d, 0);
  // One area per row: per cell, the two sines of each took as long as writing five fields.
  for (int j = 0; j < block->ny(); ++j) {
    const double area = component.grid->area(d->y_range().begin + j);
    for (int i = 0; i < block->nx(); ++i) (*block)(i, j) = area;
  }
  return block;
}

std::string fixed_fields_file(const std::string& component) { return component + ".fixed.h5"; }

std::map<std::string, int> write_history_file(const std::string& path, MPI_Comm comm, int writers_per_node, int rank,
                                              const core::Clock& clock, const core::ComponentOutput& component,
                                              const core::Field* area_block, const core::Provenance& provenance,
                                              FieldUse use, const std::string& title, HistoryPrecision precision,
                                              StagingBuffer& staging) {
  const H5Where where{rank, path};
  if (!component.grid) throw core::Error(rank, "history of '" + component.name + "'", "component has no grid");
  const core::SphereGrid& grid = *component.grid;
  const std::vector<SelectedField> fields = select_fields(component, use, comm);
  const bool timeless = use == FieldUse::fixed;
  H5File file = create_parallel_file(path, comm, writers_per_node, where);
  write_provenance(file.get(), clock, component, provenance, title, timeless, where);
  if (use == FieldUse::history_varying) {
    // CF 1.7 (2.6.3): cell_measures names a variable of another file; associated_files says which.
    write_attribute(file.get(), "external_variables", std::string("cell_area"), where);
    std::string associated = "cell_area: " + fixed_fields_file(component.name);
    for (const core::FieldEntry& entry : component.fields)  // names only: no agreement on levels needed
      if (selects(FieldUse::fixed, entry.meta))
        associated += " " + entry.meta.name + ": " + fixed_fields_file(component.name);
    write_attribute(file.get(), "associated_files", associated, where);
  }

  GridCoordinates coords = write_grid_coordinates(file.get(), clock, grid, rank, !timeless, where);
  H5Dataset area;
  if (holds_cell_area(use)) area = write_cell_area(file.get(), component, area_block, coords, where);

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
    // Crash dumps show every cell as it is: the stale values may be what went wrong.
    const bool masked = is_history(use) && !f.entry->meta.coverage.empty();
    const bool single = is_history(use) && precision == HistoryPrecision::single_precision;
    H5Dataset dataset = make_field_dataset(file.get(), f, grid.ny(), grid.nx(), masked, single, timeless, where);
    std::vector<hid_t> scales;
    if (!timeless) scales.push_back(coords.time.get());
    if (f.nz > 1) scales.push_back(levels.at(f.nz).get());
    scales.push_back(coords.lat.get());
    scales.push_back(coords.lon.get());
    for (unsigned d = 0; d < scales.size(); ++d) {
      check_h5(H5DSattach_scale(dataset.get(), scales[d], d), where, "attaching dimensions to '" + f.entry->meta.name + "'");
    }
    const BlockValues how{.as_float = single,
                          .coverage = masked ? coverage_of(f, component, rank) : nullptr,
                          .fill = history_fill_value,
                          .staging = &staging};
    // A dropped block holds nothing of the component: masked like any cell outside its coverage.
    write_block(
        dataset.get(), timeless ? 0 : 1, f.entry->field, component.decomposition, where,
        [masked](int) { return masked ? history_fill_value : 0.0; }, how);
  }
  // Close the datasets before the file so that its close (collective) flushes everything.
  levels.clear();
  area = H5Dataset();
  coords = GridCoordinates();
  file.close(where, "closing the file");
  std::map<std::string, int> written;
  for (const SelectedField& f : fields) written.emplace(f.entry->meta.name, f.nz);
  return written;
}

}  // namespace meridian::io
