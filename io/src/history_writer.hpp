#pragma once
// One netCDF-4 compatible history file: one component at one output time.

#include <mpi.h>

#include <optional>
#include <string>

#include "meridian/core/clock.hpp"
#include "meridian/core/field.hpp"
#include "field_selection.hpp"
#include "meridian/core/output_sink.hpp"

namespace meridian::io {

// This rank's block of cell_area (m2, SphereGrid's exact areas) for `component`; empty where the
// component does not run. The same for every file of a run: Hdf5Output makes it once (filling it per
// file cost as much as writing the fields: a fresh allocation and page faults). Local.
std::optional<core::Field> cell_area_block(const core::ComponentOutput& component);

// Writes `component`'s output fields (or those `use` selects) at `clock`'s time to `path` (created or
// truncated), every rank its own block; `area` is cell_area_block(component) (null where it is empty).
// Returns once the file is closed. Collective over `comm`; `rank` is for errors. A non-empty `title`
// replaces the default one (a crash dump says so there).
void write_history_file(const std::string& path, MPI_Comm comm, int rank, const core::Clock& clock,
                        const core::ComponentOutput& component, const core::Field* area,
                        const core::Provenance& provenance, FieldUse use = FieldUse::history,
                        const std::string& title = "");

}  // namespace meridian::io
