// Reading the restart fields in parallel, and the checks that need the values: every dataset must
// be finite and match the checksum it was written with. Every check ends in a reduction, so every
// rank reaches the same verdict and throws the same one-line core::ConfigError.
#include <cmath>
#include <cstdint>
#include <limits>

#include "meridian/core/agreement.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/state_digest.hpp"
#include "meridian/io/hdf5_io.hpp"
#include "restart_file.hpp"

namespace meridian::io {

namespace {

constexpr std::uint64_t none = std::numeric_limits<std::uint64_t>::max();

// 2 * (global index of the first NaN/Inf cell this rank owns) + (1 if it is infinite), or `none`.
std::uint64_t first_non_finite(const core::Field& field, const core::Decomposition& decomp) {
  const std::uint64_t nx = std::uint64_t(decomp.grid().nx), ny = std::uint64_t(decomp.grid().ny);
  for (int k = 0; k < field.nz(); ++k)
    for (int j = 0; j < field.ny(); ++j)
      for (int i = 0; i < field.nx(); ++i)
        if (const double v = field(i, j, k); !std::isfinite(v))
          return 2 * ((std::uint64_t(k) * ny + std::uint64_t(decomp.y_range().begin + j)) * nx +
                      std::uint64_t(decomp.x_range().begin + i)) +
                 (std::isinf(v) ? 1 : 0);
  return none;
}

// Why the values of `name` just read cannot be restored ("" if they can). Collective over `comm`;
// ranks outside the component (null field) take part with nothing.
std::string check_values(const std::string& path, const std::string& name, const std::string& checksum,
                         const core::Field* field, const core::Decomposition* decomp, const std::vector<double>& dropped,
                         int nx, int ny, MPI_Comm comm) {
  const bool here = field && decomp;
  std::uint64_t first = here ? first_non_finite(*field, *decomp) : none;
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_UINT64_T, MPI_MIN, comm), comm);
  const std::string file = "restart file '" + path + "' ";
  if (first != none) {
    const std::uint64_t cell = first / 2, plane = std::uint64_t(nx) * std::uint64_t(ny);
    return file + "holds " + (first % 2 ? "Inf" : "NaN") + " in dataset '" + name +
           "' at i = " + std::to_string(cell % plane % std::uint64_t(nx)) +
           ", j = " + std::to_string(cell % plane / std::uint64_t(nx)) + ", level " + std::to_string(cell / plane) +
           " (0-based, j = 0 southernmost); a restart state must be finite";
  }
  const std::uint64_t digest = core::digest_sum(here ? core::owned_digest(*field, *decomp, dropped.data()) : 0, comm);
  if (core::digest_hex(digest) != checksum)
    return file + "fails the checksum of dataset '" + name + "' (stored " + checksum + ", the data give " +
           core::digest_hex(digest) + "): it was changed or damaged after it was written";
  return "";
}

// Reads every restart field and checks it; returns the first verdict ("" if all are good).
// Collective over `comm`: every rank makes the same calls and stops at the same verdict.
std::string read_and_check(hid_t file, const std::string& path, MPI_Comm comm,
                           const std::vector<core::ComponentOutput>& components, const H5Where& where) {
  for (const auto& component : components) {
    H5Group group(H5Gopen2(file, component.name.c_str(), H5P_DEFAULT), where, "opening '" + component.name + "'");
    for (const core::FieldEntry& entry : component.fields) {
      if (!entry.meta.restart) continue;
      const std::string name = component.name + "/" + entry.meta.name;
      H5Dataset dataset(H5Dopen2(group.get(), entry.meta.name.c_str(), H5P_DEFAULT), where, "opening '" + name + "'");
      const std::string checksum = read_string_attribute(dataset.get(), "checksum", where);
      // The values of dropped blocks count in the checksum only: the run never reads them.
      std::vector<double> dropped;
      read_block(dataset.get(), 0, entry.field, component.decomposition, where, &dropped);
      const std::string why = check_values(path, name, checksum, entry.field, component.decomposition, dropped,
                                           component.grid->nx(), component.grid->ny(), comm);
      if (!why.empty()) return why;
    }
  }
  return "";
}

}  // namespace

long long read_restart_fields(const std::string& path, MPI_Comm comm, int rank,
                              const std::vector<core::ComponentOutput>& components) {
  const H5Where where{rank, path};
  long long step = 0;
  std::string verdict, failure;
  // Rank 0 has checked the layout, types and attributes, so what can still fail here is the raw
  // data (an I/O error): made collective below, like every other restart error (one line, exit 2).
  // A failure on one rank inside a collective read can still leave the others waiting there.
  try {
    H5File file = open_parallel_file(path, comm, where);
    step = read_int_attribute(file.get(), "step", where);
    verdict = read_and_check(file.get(), path, comm, components, where);
    file.close(where, "closing the file");
  } catch (const core::Error& e) {
    failure = e.context().empty() ? e.message() : e.context() + ": " + e.message();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  core::throw_config_error_if_any(failure.empty() ? "" : "restart file '" + path + "' could not be read: " + failure,
                                  comm);
  if (!verdict.empty()) throw core::ConfigError(rank, "", verdict);
  return step;
}

}  // namespace meridian::io
