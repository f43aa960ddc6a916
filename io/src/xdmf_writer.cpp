#include "xdmf_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "file_policy.hpp"
#include "meridian/core/error.hpp"
#include "meridian/io/hdf5_io.hpp"

namespace meridian::io {

namespace {

std::string coordinate_item(const std::string& file, const std::string& name, int size) {
  return "          <DataItem Dimensions=\"" + std::to_string(size) +
         "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" + file + ":/" + name + "</DataItem>\n";
}

// A field with levels is (1, nz, ny, nx) in the file: select its lowest level as (1, ny, nx). A
// fixed field is (ny, nx) in its own file, reshaped to (1, ny, nx) by an identity Function (ParaView
// reads a plain (ny, nx) item on this mesh as zeros), or (nz, ny, nx), its lowest level selected.
std::string field_item(const std::string& step_file, int step_precision, const XdmfField& field, int nx, int ny) {
  const bool fixed = !field.fixed_file.empty();
  const std::string file = fixed ? field.fixed_file : step_file;
  const int precision = fixed ? field.fixed_precision : step_precision;
  const std::string plane = std::to_string(ny) + " " + std::to_string(nx);
  const std::string dims = fixed ? plane : "1 " + plane;
  const std::string data = "NumberType=\"Float\" Precision=\"" + std::to_string(precision) +
                           "\" Format=\"HDF\">" + file + ":/" + field.name;
  if (field.nz <= 1 && fixed)
    return "          <DataItem ItemType=\"Function\" Function=\"$0\" Dimensions=\"1 " + plane +
           "\">\n"
           "            <DataItem Dimensions=\"" +
           plane + "\" " + data + "</DataItem>\n          </DataItem>\n";
  if (field.nz <= 1) return "          <DataItem Dimensions=\"" + dims + "\" " + data + "</DataItem>\n";
  const std::string full = (fixed ? "" : "1 ") + std::to_string(field.nz) + " " + plane;
  const std::string slab = fixed ? "\"3 3\" Format=\"XML\">0 0 0  1 1 1  1 " + plane
                                 : "\"3 4\" Format=\"XML\">0 0 0 0  1 1 1 1  1 1 " + plane;
  return "          <DataItem ItemType=\"HyperSlab\" Dimensions=\"1 " + plane +
         "\">\n"
         "            <DataItem Dimensions=" +
         slab + "</DataItem>\n            <DataItem Dimensions=\"" + full + "\" " + data +
         "</DataItem>\n          </DataItem>\n";
}

void write_step(std::ostringstream& out, const std::string& component, int nx, int ny, const XdmfStep& s,
                const std::vector<XdmfField>& fields) {
  out << "      <Grid Name=\"" << component << "_" << s.step << "\" GridType=\"Uniform\">\n"
      << "        <Time Value=\"" << s.time
      << "\"/>\n"
      // 3DRectMesh with one z: a 2DRectMesh renders edge-on in ParaView (docs/platform-notes.md).
      << "        <Topology TopologyType=\"3DRectMesh\" Dimensions=\"1 " << ny << " " << nx << "\"/>\n"
      << "        <Geometry GeometryType=\"VXVYVZ\">\n"
      << coordinate_item(s.file, "lon", nx) << coordinate_item(s.file, "lat", ny)
      << "          <DataItem Dimensions=\"1\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">0</DataItem>\n"
      << "        </Geometry>\n";
  for (const XdmfField& f : fields) {
    out << "        <Attribute Name=\"" << f.name << "\" AttributeType=\"Scalar\" Center=\"Node\">\n"
        << field_item(s.file, s.precision, f, nx, ny) << "        </Attribute>\n";
  }
  out << "      </Grid>\n";
}

// `doctype`: ParaView's reader tries to load the DTD of an included document (and warns); only the
// main document names it.
std::string document(const std::string& component, int nx, int ny, const std::vector<XdmfStep>& steps,
                     const std::vector<XdmfField>& fields, std::size_t per_segment, bool doctype) {
  const std::size_t full = per_segment > 0 ? steps.size() / per_segment : 0;  // segments in files of their own
  std::ostringstream out;
  out.precision(17);
  out << "<?xml version=\"1.0\" ?>\n"
      << (doctype ? "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n" : "") << "<Xdmf Version=\"2.0\""
      << (full > 0 ? " xmlns:xi=\"http://www.w3.org/2001/XInclude\"" : "") << ">\n  <Domain>\n"
      << "    <Grid Name=\"" << component << "\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  // Each segment's step grids, in the place they would have inline.
  for (std::size_t k = 0; k < full; ++k)
    out << "      <xi:include href=\"" << xdmf_segment_file(component, steps[k * per_segment].step)
        << "\" xpointer=\"xpointer(/Xdmf/Domain/Grid/Grid)\"/>\n";
  for (std::size_t k = full * per_segment; k < steps.size(); ++k) write_step(out, component, nx, ny, steps[k], fields);
  out << "    </Grid>\n  </Domain>\n</Xdmf>\n";
  return out.str();
}

}  // namespace

std::string xdmf_document(const std::string& component, int nx, int ny, const std::vector<XdmfStep>& steps,
                          const std::vector<XdmfField>& fields, std::size_t per_segment) {
  return document(component, nx, ny, steps, fields, per_segment, true);
}

std::string xdmf_segment_document(const std::string& component, int nx, int ny, const std::vector<XdmfStep>& steps,
                                  const std::vector<XdmfField>& fields) {
  return document(component, nx, ny, steps, fields, 0, false);
}

std::string xdmf_segment_file(const std::string& component, long long first_step) {
  return step_file_path("", component + "_steps", first_step, ".xdmf");
}

void write_text_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = temporary_path(path);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw core::Error(-1, "writing '" + temporary + "'", "write failed");
  }
  rename_into_place(temporary, path, false);
}

namespace {
bool dataset_has_shape(hid_t file, const std::string& name, const std::vector<hsize_t>& shape, const H5Where& where) {
  if (!has_link(file, name, where)) return false;
  H5Dataset dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), where, "opening " + name);
  H5Dataspace space(H5Dget_space(dataset.get()), where, "reading the shape of " + name);
  std::vector<hsize_t> dims(shape.size() + 1);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank != int(shape.size())) return false;
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::equal(shape.begin(), shape.end(), dims.begin());
}

// The file's time and its fields' bytes per value, or nothing if it lacks a dataset the document
// would name with its shape.
std::optional<std::pair<double, int>> usable_time(const std::string& path, int nx, int ny,
                                                  const std::vector<XdmfField>& fields) {
  const H5Where where{0, path};
  H5File file = open_serial_file(path, where);
  if (!dataset_has_shape(file.get(), "time", {1}, where) || !dataset_has_shape(file.get(), "lon", {hsize_t(nx)}, where) ||
      !dataset_has_shape(file.get(), "lat", {hsize_t(ny)}, where))
    return std::nullopt;
  for (const XdmfField& f : fields) {
    if (!f.fixed_file.empty()) continue;
    std::vector<hsize_t> shape = {1, hsize_t(ny), hsize_t(nx)};
    if (f.nz > 1) shape.insert(shape.begin() + 1, hsize_t(f.nz));
    if (!dataset_has_shape(file.get(), f.name, shape, where)) return std::nullopt;
  }
  int precision = 8;
  const auto in_steps =
      std::find_if(fields.begin(), fields.end(), [](const XdmfField& f) { return f.fixed_file.empty(); });
  if (in_steps != fields.end()) {
    H5Dataset first(H5Dopen2(file.get(), in_steps->name.c_str(), H5P_DEFAULT), where, "opening a field");
    H5Datatype type(H5Dget_type(first.get()), where, "reading a field's type");
    precision = int(H5Tget_size(type.get()));
  }
  H5Dataset time(H5Dopen2(file.get(), "time", H5P_DEFAULT), where, "opening time");
  double value = 0;
  check_h5(H5Dread(time.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value), where, "reading time");
  return std::pair{value, precision};
}
}  // namespace

std::vector<XdmfStep> existing_history(const std::string& dir, const std::string& component, long long before,
                                       int nx, int ny, const std::vector<XdmfField>& fields) {
  std::vector<XdmfStep> steps;
  for (const auto& [step, path] : list_step_files(dir, component)) {
    if (step >= before) continue;
    try {
      if (auto usable = usable_time(path, nx, ny, fields)) {
        steps.push_back({step, usable->first, std::filesystem::path(path).filename().string(), usable->second});
      }
    } catch (const core::Error&) {
      // Unreadable: an XDMF naming it would break ParaView's reader, so it is left out.
    }
  }
  return steps;
}

}  // namespace meridian::io
