#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "field_selection.hpp"
#include "meridian/core/error.hpp"
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

RestartComponentInfo read_component(hid_t file, const std::string& path, const std::string& name,
                                    const H5Where& where) {
  if (!has_link(file, name, where)) reject(path, "lists component '" + name + "' but has no group for it");
  H5Group group(H5Gopen2(file, name.c_str(), H5P_DEFAULT), where, "opening group '" + name + "'");
  RestartComponentInfo c;
  c.name = name;
  c.nx = int(read_int_attribute(group.get(), "nx", where));
  c.ny = int(read_int_attribute(group.get(), "ny", where));
  for (const std::string& field : split_lines(read_string_attribute(group.get(), "fields", where))) {
    if (!has_link(group.get(), field, where)) reject(path, "lists field '" + name + "/" + field + "' but has no dataset for it");
    H5Dataset dataset(H5Dopen2(group.get(), field.c_str(), H5P_DEFAULT), where, "opening '" + name + "/" + field + "'");
    H5Dataspace space(H5Dget_space(dataset.get()), where, "reading the shape of '" + field + "'");
    hsize_t dims[3] = {0, 0, 0};
    if (H5Sget_simple_extent_ndims(space.get()) != 3) reject(path, "has field '" + name + "/" + field + "' that is not 3-D");
    check_h5(H5Sget_simple_extent_dims(space.get(), dims, nullptr), where, "reading the shape of '" + field + "'");
    c.fields.push_back({field, int(dims[0]), int(dims[1]), int(dims[2])});
  }
  return c;
}

RestartInfo read_info_unchecked(const std::string& path, hid_t file, const H5Where& where) {
  if (!has_attribute(file, "format", where) || read_string_attribute(file, "format", where) != restart_format)
    reject(path, "is not a meridian restart file (no format = \"meridian-restart\" attribute)");
  long long version = read_int_attribute(file, "format_version", where);
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
  }
}

std::string restart_mismatch(const RestartInfo& info, const std::vector<ExpectedComponent>& components) {
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
      return file + "has restart fields " + bracketed(have) + " for component '" + run.name +
             "' but this run has " + bracketed(want);
    for (const RestartFieldInfo& f : run.fields) {
      const auto& s = *std::find_if(saved.fields.begin(), saved.fields.end(),
                                    [&](const RestartFieldInfo& x) { return x.name == f.name; });
      if (s.nz != f.nz || s.ny != run.ny || s.nx != run.nx)
        return file + "has field '" + run.name + "/" + f.name + "' of shape " + std::to_string(s.nz) + "x" +
               std::to_string(s.ny) + "x" + std::to_string(s.nx) + " (levels x lat x lon) but this run has " +
               std::to_string(f.nz) + "x" + std::to_string(run.ny) + "x" + std::to_string(run.nx);
    }
  }
  return "";
}

long long read_restart_fields(const std::string& path, MPI_Comm comm, int rank,
                              const std::vector<core::ComponentOutput>& components) {
  const H5Where where{rank, path};
  H5File file = open_parallel_file(path, comm, where);
  const long long step = read_int_attribute(file.get(), "step", where);
  for (const auto& component : components) {
    H5Group group(H5Gopen2(file.get(), component.name.c_str(), H5P_DEFAULT), where, "opening '" + component.name + "'");
    for (const core::FieldEntry& entry : component.fields) {
      if (!entry.meta.restart) continue;
      H5Dataset dataset(H5Dopen2(group.get(), entry.meta.name.c_str(), H5P_DEFAULT), where,
                        "opening '" + component.name + "/" + entry.meta.name + "'");
      read_block(dataset.get(), 0, entry.field, component.decomposition, where);
    }
  }
  file.close(where, "closing the file");
  return step;
}

namespace {
struct Packer {
  std::string bytes;
  template <typename T>
  void number(T v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void text(const std::string& s) { number<unsigned long long>(s.size()); bytes += s; }
};
struct Unpacker {
  const std::string& bytes;
  std::size_t at = 0;
  template <typename T>
  T number() {
    T v{};
    if (at + sizeof v > bytes.size()) throw core::Error(-1, "unpacking restart info", "short buffer");
    std::memcpy(&v, bytes.data() + at, sizeof v);
    at += sizeof v;
    return v;
  }
  std::string text() {
    auto n = number<unsigned long long>();
    if (at + n > bytes.size()) throw core::Error(-1, "unpacking restart info", "short buffer");
    std::string s = bytes.substr(at, n);
    at += n;
    return s;
  }
};
}  // namespace

std::string pack(const RestartInfo& info) {
  Packer p;
  p.text(info.path);
  p.number(info.step);
  p.number(info.total_steps);
  p.number(info.dt);
  p.number(info.time);
  p.text(info.version);
  p.text(info.git_revision);
  p.text(info.config_digest);
  p.number<unsigned long long>(info.components.size());
  for (const auto& c : info.components) {
    p.text(c.name);
    p.number(c.nx);
    p.number(c.ny);
    p.number<unsigned long long>(c.fields.size());
    for (const auto& f : c.fields) {
      p.text(f.name);
      p.number(f.nz);
      p.number(f.ny);
      p.number(f.nx);
    }
  }
  return p.bytes;
}

RestartInfo unpack(const std::string& bytes) {
  Unpacker u{bytes};
  RestartInfo info;
  info.path = u.text();
  info.step = u.number<long long>();
  info.total_steps = u.number<long long>();
  info.dt = u.number<double>();
  info.time = u.number<double>();
  info.version = u.text();
  info.git_revision = u.text();
  info.config_digest = u.text();
  info.components.resize(u.number<unsigned long long>());
  for (auto& c : info.components) {
    c.name = u.text();
    c.nx = u.number<int>();
    c.ny = u.number<int>();
    c.fields.resize(u.number<unsigned long long>());
    for (auto& f : c.fields) {
      f.name = u.text();
      f.nz = u.number<int>();
      f.ny = u.number<int>();
      f.nx = u.number<int>();
    }
  }
  return info;
}

}  // namespace meridian::io
