#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "meridian/core/error.hpp"
#include "meridian/core/state_digest.hpp"
#include "meridian/io/hdf5_io.hpp"
#include "restart_file.hpp"

namespace meridian::io {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string bracketed(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string out = "[";
  for (const auto& n : names) out += (out.size() > 1 ? ", " : "") + n;
  return out + "]";
}

[[noreturn]] void reject(const std::string& path, const std::string& why) {
  throw core::ConfigError(-1, "", "restart file '" + path + "' " + why);
}

// "float32", "int64", "float64 big-endian", "a string": what a dataset holds instead of float64.
std::string describe_type(hid_t type) {
  const H5T_class_t kind = H5Tget_class(type);
  const std::string bits = std::to_string(H5Tget_size(type) * 8);
  const bool big = (kind == H5T_FLOAT || kind == H5T_INTEGER) && H5Tget_order(type) == H5T_ORDER_BE;
  if (kind == H5T_FLOAT) return "float" + bits + (big ? " big-endian" : "");
  if (kind == H5T_INTEGER) return "int" + bits + (big ? " big-endian" : "");
  if (kind == H5T_STRING) return "a string";
  return "a non-numeric type (HDF5 class " + std::to_string(int(kind)) + ")";
}

// The checks on one dataset that need no data: shape, type (never converted: a float32 state would
// be widened silently) and a well-formed checksum. Returns the dataset's description.
RestartFieldInfo read_field(hid_t group, const std::string& path, const std::string& name, const std::string& field,
                            const H5Where& where) {
  const std::string full = name + "/" + field;
  if (!has_link(group, field, where)) reject(path, "lists field '" + full + "' but has no dataset for it");
  H5Dataset dataset(H5Dopen2(group, field.c_str(), H5P_DEFAULT), where, "opening '" + full + "'");
  H5Dataspace space(H5Dget_space(dataset.get()), where, "reading the shape of '" + full + "'");
  hsize_t dims[3] = {0, 0, 0};
  if (H5Sget_simple_extent_ndims(space.get()) != 3) reject(path, "has field '" + full + "' that is not 3-D");
  check_h5(H5Sget_simple_extent_dims(space.get(), dims, nullptr), where, "reading the shape of '" + full + "'");
  H5Datatype type(H5Dget_type(dataset.get()), where, "reading the type of '" + full + "'");
  if (H5Tequal(type.get(), H5T_IEEE_F64LE) <= 0)
    reject(path, "has dataset '" + full + "' stored as " + describe_type(type.get()) +
                     "; restart datasets must be float64 (little-endian) and are never converted");
  std::uint64_t digest = 0;
  const std::string checksum =
      has_attribute(dataset.get(), "checksum", where) ? read_string_attribute(dataset.get(), "checksum", where) : "";
  if (!core::parse_digest_hex(checksum, digest))
    reject(path, "has dataset '" + full + "' without a valid checksum attribute (16 hex digits)");
  return {field, int(dims[0]), int(dims[1]), int(dims[2]), checksum};
}

RestartComponentInfo read_component(hid_t file, const std::string& path, const std::string& name,
                                    const H5Where& where) {
  if (!has_link(file, name, where)) reject(path, "lists component '" + name + "' but has no group for it");
  H5Group group(H5Gopen2(file, name.c_str(), H5P_DEFAULT), where, "opening group '" + name + "'");
  RestartComponentInfo c;
  c.name = name;
  c.nx = int(read_int_attribute(group.get(), "nx", where));
  c.ny = int(read_int_attribute(group.get(), "ny", where));
  for (const std::string& field : split_lines(read_string_attribute(group.get(), "fields", where)))
    c.fields.push_back(read_field(group.get(), path, name, field, where));
  return c;
}

RestartInfo read_info_unchecked(const std::string& path, hid_t file, const H5Where& where) {
  if (!has_attribute(file, "format", where) || read_string_attribute(file, "format", where) != restart_format)
    reject(path, "is not a meridian restart file (no format = \"meridian-restart\" attribute)");
  long long version = read_int_attribute(file, "format_version", where);
  if (version == 1)
    reject(path,
           "was written by an older meridian (restart format 1, without the checksums and the settings that "
           "shaped its state, which this version checks): continue it with the meridian that wrote it, or "
           "start from initial conditions");
  if (version != restart_format_version)
    reject(path, "has format version " + std::to_string(version) + " but this build reads version " +
                     std::to_string(restart_format_version));
  RestartInfo info;
  info.path = path;
  info.step = read_int_attribute(file, "step", where);
  info.total_steps = read_int_attribute(file, "total_steps", where);
  info.dt = read_double_attribute(file, "dt", where);
  info.time = read_double_attribute(file, "time", where);
  info.version = read_string_attribute(file, "meridian_version", where);
  info.git_revision = read_string_attribute(file, "git_revision", where);
  info.config_digest = read_string_attribute(file, "config_digest", where);
  if (info.step < 0 || info.step > info.total_steps || !(info.dt > 0) || info.time != double(info.step) * info.dt)
    reject(path, "has an inconsistent clock (step " + std::to_string(info.step) + " of " +
                     std::to_string(info.total_steps) + ", dt " + std::to_string(info.dt) + " s, time " +
                     std::to_string(info.time) + " s; time must be step * dt)");
  for (const std::string& line : split_lines(read_string_attribute(file, "state_settings", where))) {
    const std::size_t a = line.find('\t'), b = line.find('\t', a == std::string::npos ? a : a + 1);
    if (b == std::string::npos) reject(path, "has a malformed state_settings line '" + line + "'");
    info.settings.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  for (const std::string& name : split_lines(read_string_attribute(file, "components", where)))
    info.components.push_back(read_component(file, path, name, where));
  return info;
}

}  // namespace

RestartInfo read_restart_info(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) reject(path, "does not exist (or is not a regular file)");
  const H5Where where{0, path};
  H5File file;
  try {
    file = open_serial_file(path, where);
  } catch (const core::Error& e) {
    reject(path, "is not a readable HDF5 file (truncated or not HDF5?): " + e.message());
  }
  try {
    return read_info_unchecked(path, file.get(), where);
  } catch (const core::ConfigError&) {
    throw;
  } catch (const core::Error& e) {
    reject(path, "is damaged or incomplete: " + e.message());
  } catch (const std::exception& e) {  // e.g. a length attribute too large to allocate
    reject(path, "is damaged or incomplete: " + std::string(e.what()));
  }
}

namespace {
// "written with run.dt = 1800, this run has 3600" for the first setting that differs, "" if none.
std::string settings_mismatch(const std::vector<core::StateSetting>& saved,
                              const std::vector<core::StateSetting>& run) {
  const auto shown = [](const core::StateSetting& s) { return s.shown.empty() ? s.value : s.shown; };
  for (const core::StateSetting& want : run) {
    const auto have = std::find_if(saved.begin(), saved.end(), [&](const auto& s) { return s.key == want.key; });
    if (have == saved.end()) return "records no " + want.key + " (this run has " + shown(want) + ")";
    if (have->value != want.value)
      return "was written with " + want.key + " = " + shown(*have) + ", this run has " + shown(want);
  }
  for (const core::StateSetting& have : saved) {
    if (std::none_of(run.begin(), run.end(), [&](const auto& s) { return s.key == have.key; }))
      return "was written with " + have.key + " = " + shown(have) + ", which this run does not have";
  }
  return "";
}
}  // namespace

std::string restart_mismatch(const RestartInfo& info, const std::vector<ExpectedComponent>& components,
                             const std::vector<core::StateSetting>& settings) {
  const std::string file = "restart file '" + info.path + "' ";
  std::vector<std::string> have, want;
  for (const auto& c : info.components) have.push_back(c.name);
  for (const auto& c : components) want.push_back(c.name);
  if (bracketed(have) != bracketed(want))
    return file + "has components " + bracketed(have) + " but this run has " + bracketed(want);
  for (const ExpectedComponent& run : components) {
    const auto& saved = *std::find_if(info.components.begin(), info.components.end(),
                                      [&](const RestartComponentInfo& c) { return c.name == run.name; });
    if (saved.nx != run.nx || saved.ny != run.ny)
      return file + "has grid " + std::to_string(saved.nx) + "x" + std::to_string(saved.ny) + " for component '" +
             run.name + "' but this run has " + std::to_string(run.nx) + "x" + std::to_string(run.ny);
    have.clear();
    want.clear();
    for (const auto& f : saved.fields) have.push_back(f.name);
    for (const auto& f : run.fields) want.push_back(f.name);
    if (bracketed(have) != bracketed(want))
      return file + "has restart fields " + bracketed(have) + " for component '" + run.name + "' but this run has " +
             bracketed(want);
    for (const RestartFieldInfo& f : run.fields) {
      const auto& s = *std::find_if(saved.fields.begin(), saved.fields.end(),
                                    [&](const RestartFieldInfo& x) { return x.name == f.name; });
      if (s.nz != f.nz || s.ny != run.ny || s.nx != run.nx)
        return file + "has field '" + run.name + "/" + f.name + "' of shape " + std::to_string(s.nz) + "x" +
               std::to_string(s.ny) + "x" + std::to_string(s.nx) + " (levels x lat x lon) but this run has " +
               std::to_string(f.nz) + "x" + std::to_string(run.ny) + "x" + std::to_string(run.nx);
    }
  }
  const std::string why = settings_mismatch(info.settings, settings);
  return why.empty() ? "" : file + why;
}

}  // namespace meridian::io
