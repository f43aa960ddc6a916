#include "field_selection.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/state_digest.hpp"
#include "meridian/io/hdf5_io.hpp"
#include "restart_file.hpp"

namespace meridian::io {

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : "\n") + n;
  return out;
}

void write_header(hid_t file, const core::Clock& clock, const std::vector<core::ComponentOutput>& components,
                  const std::vector<core::StateSetting>& settings, const core::Provenance& provenance,
                  const H5Where& where) {
  write_attribute(file, "format", std::string(restart_format), where);
  write_attribute(file, "format_version", restart_format_version, where);
  write_provenance_attributes(file, provenance, where);
  write_attribute(file, "step", clock.step(), where);
  write_attribute(file, "dt", clock.dt(), where);
  write_attribute(file, "time", clock.time(), where);
  write_attribute(file, "total_steps", clock.total_steps(), where);
  write_attribute(file, "model_date", clock.date(), where);
  std::vector<std::string> names;
  for (const auto& c : components) names.push_back(c.name);
  write_attribute(file, "components", join(names), where);
  std::vector<std::string> lines;
  for (const core::StateSetting& s : settings) lines.push_back(s.key + "\t" + s.value + "\t" + s.shown);
  write_attribute(file, "state_settings", join(lines), where);
}

void write_component(hid_t file, MPI_Comm comm, const core::ComponentOutput& component, const H5Where& where) {
  if (!component.grid) throw core::Error(where.rank, "restart of '" + component.name + "'", "component has no grid");
  const std::vector<SelectedField> fields = select_fields(component, FieldUse::restart, comm);
  const std::string what = "creating group '" + component.name + "'";
  H5Group group(H5Gcreate2(file, component.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), where, what);
  write_attribute(group.get(), "nx", static_cast<long long>(component.grid->nx()), where);
  write_attribute(group.get(), "ny", static_cast<long long>(component.grid->ny()), where);
  std::vector<std::string> names;
  for (const auto& f : fields) names.push_back(f.entry->meta.name);
  write_attribute(group.get(), "fields", join(names), where);
  for (const SelectedField& f : fields) {
    const std::string name = f.entry->meta.name;
    const hsize_t dims[3] = {hsize_t(f.nz), hsize_t(component.grid->ny()), hsize_t(component.grid->nx())};
    H5Dataspace space(H5Screate_simple(3, dims, nullptr), where, "creating field '" + name + "'");
    H5PropList dcpl(H5Pcreate(H5P_DATASET_CREATE), where, "creating field '" + name + "'");
    check_h5(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), where, "creating field '" + name + "'");
    H5Dataset dataset(
        H5Dcreate2(group.get(), name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), where,
        "creating field '" + component.name + "/" + name + "'");
    write_attribute(dataset.get(), "units", f.entry->meta.units, where);
    // Ranks outside the component add nothing; the sum is the same on every rank of `comm`.
    const bool here = f.entry->field && component.decomposition;
    const std::uint64_t digest =
        core::digest_sum(here ? core::owned_digest(*f.entry->field, *component.decomposition) : 0, comm);
    write_attribute(dataset.get(), "checksum", core::digest_hex(digest), where);
    write_block(dataset.get(), 0, f.entry->field, component.decomposition, where);
  }
}

}  // namespace

void write_restart_file(const std::string& path, MPI_Comm comm, int writers_per_node, int rank,
                        const core::Clock& clock, const std::vector<core::ComponentOutput>& components,
                        const std::vector<core::StateSetting>& settings, const core::Provenance& provenance) {
  const H5Where where{rank, path};
  H5File file = create_parallel_file(path, comm, writers_per_node, where);
  write_header(file.get(), clock, components, settings, provenance, where);
  for (const auto& component : components) write_component(file.get(), comm, component, where);
  file.close(where, "closing the file");
}

}  // namespace meridian::io
