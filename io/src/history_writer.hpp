#pragma once
// One netCDF-4 compatible history file: one component at one output time.

#include <mpi.h>

#include <map>
#include <optional>
#include <string>

#include "field_selection.hpp"
#include "meridian/core/clock.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/output_sink.hpp"
#include "meridian/io/hdf5_io.hpp"
#include "meridian/io/hdf5_output.hpp"

namespace meridian::io {

// This rank's block of cell_area (m2, SphereGrid's exact areas) for `component`; empty where the
// component does not run. The same for every file of a run: Hdf5Output makes it once (filling it per
// file cost as much as writing the fields: a fresh allocation and page faults). Local.
std::optional<core::Field> cell_area_block(const core::ComponentOutput& component);

// "<component>.fixed.h5": the component's fixed fields and cell_area, once per run, where
// output.fixed_fields = own_file (FieldUse::fixed); its history files (FieldUse::history_varying)
// then name it in the global attribute associated_files and hold neither.
std::string fixed_fields_file(const std::string& component);

// Writes `component`'s output fields (or those `use` selects) at `clock`'s time to `path` (created or
// truncated), every rank its own block; `area` is cell_area_block(component) (null where it is empty).
// Returns once the file is closed. Collective over `comm`; `rank` is for errors. A non-empty `title`
// replaces the default one (a crash dump says so there). `precision` is the fields' number type in
// the file (single: each value rounded to the nearest float, _FillValue and valid range as floats);
// coordinates, bounds and cell_area stay double (exact weights for CDO's means).
// `writers_per_node`: see create_parallel_file. Returns the number of levels of each field written,
// agreed over the ranks (a rank outside the component has no Field to ask). The fields are packed
// (masked, rounded) into `staging`, which the caller keeps from one file to the next.
std::map<std::string, int> write_history_file(const std::string& path, MPI_Comm comm, int writers_per_node, int rank,
                                              const core::Clock& clock, const core::ComponentOutput& component,
                                              const core::Field* area, const core::Provenance& provenance, FieldUse use,
                                              const std::string& title, HistoryPrecision precision,
                                              StagingBuffer& staging);

}  // namespace meridian::io
