#pragma once
// One netCDF-4 compatible history file: one component at one output time.

#include <mpi.h>

#include <string>

#include "meridian/core/clock.hpp"
#include "field_selection.hpp"
#include "meridian/core/output_sink.hpp"

namespace meridian::io {

// Writes `component`'s output fields (or those `use` selects) at `clock`'s time to `path` (created or
// truncated), every rank its own block. Returns once the file is closed. Collective over `comm`;
// `rank` is for errors. A non-empty `title` replaces the default one (a crash dump says so there).
void write_history_file(const std::string& path, MPI_Comm comm, int rank, const core::Clock& clock,
                        const core::ComponentOutput& component, const core::Provenance& provenance,
                        FieldUse use = FieldUse::history, const std::string& title = "");

}  // namespace meridian::io
