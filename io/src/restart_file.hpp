#pragma once
// The restart file: layout (io/README.md), writing, and checking a file against a run.
//   /                 attributes format = "meridian-restart", format_version, provenance, clock
//                     (step, dt, time, total_steps), components = names joined by '\n',
//                     state_settings = one "key<TAB>value<TAB>shown" line per core::StateSetting
//   /<component>/     attributes nx, ny, fields = restart field names joined by '\n'
//   /<component>/<f>  float64 little-endian (nz, ny, nx): the global array, no halo; attribute
//                     checksum = 16 hex digits of the sum mod 2^64 of core::cell_digest over every
//                     cell (core/state_digest.hpp): the same whatever rank count wrote or reads it
// Format 1 (before checksums and state settings) is refused as written by an older meridian.

#include <mpi.h>

#include <string>
#include <vector>

#include "meridian/core/clock.hpp"
#include "meridian/core/output_sink.hpp"
#include "meridian/io/hdf5_output.hpp"

namespace meridian::io {

inline constexpr const char* restart_format = "meridian-restart";
inline constexpr long long restart_format_version = 2;

// Writes every restart field of every component to `path`, each rank its block, and closes it.
// Collective over `comm`; `rank` is for errors.
void write_restart_file(const std::string& path, MPI_Comm comm, int writers_per_node, int rank,
                        const core::Clock& clock, const std::vector<core::ComponentOutput>& components,
                        const std::vector<core::StateSetting>& settings, const core::Provenance& provenance);

// Reads everything but the field values with the POSIX driver. Local (rank 0's job). Throws
// core::ConfigError naming the file if it is missing, unreadable, not a meridian restart file, of
// an older format, or holds a dataset that is not float64 or has no checksum.
RestartInfo read_restart_info(const std::string& path);

// Why `info` cannot restart `components` under `settings` ("" if it can): the first difference in
// components, grids, restart fields or settings, in one line. Local; `components` must carry the
// agreed level counts (select_fields), which is why it takes them per component.
struct ExpectedComponent {
  std::string name;
  int nx = 0, ny = 0;
  std::vector<RestartFieldInfo> fields;
};
std::string restart_mismatch(const RestartInfo& info, const std::vector<ExpectedComponent>& components,
                             const std::vector<core::StateSetting>& settings);

// Fills every restart field from `path`, each rank its block, after the checks above passed, then
// checks every dataset for NaN/Inf and against its checksum. Collective over `comm`; returns the
// step the file was written at; throws the same core::ConfigError on every rank for a bad value,
// a checksum that does not match or a read that failed on any rank.
long long read_restart_fields(const std::string& path, MPI_Comm comm, int rank,
                              const std::vector<core::ComponentOutput>& components);

// RestartInfo as bytes, for a broadcast from the rank that read it.
std::string pack(const RestartInfo& info);
RestartInfo unpack(const std::string& bytes);

}  // namespace meridian::io
