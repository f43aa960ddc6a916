#pragma once
// Which fields of a component a file holds, with their level counts agreed by every rank.

#include <mpi.h>

#include <vector>

#include "meridian/core/output_sink.hpp"

namespace meridian::io {

struct SelectedField {
  const core::FieldEntry* entry = nullptr;
  int nz = 1;  // levels, the same on every rank
};

// history: every output field (a self-contained history file); history_varying: the output fields
// that change during the run; fixed: those that do not (metadata.fixed_by set), for the component's
// fixed-fields file (output.fixed_fields = own_file); all: a crash dump.
enum class FieldUse { history, history_varying, fixed, restart, all };

// True for the uses that write history files (the output fields, masked and at the history precision).
inline bool is_history(FieldUse use) {
  return use == FieldUse::history || use == FieldUse::history_varying || use == FieldUse::fixed;
}

// Whether `use` writes a field with metadata `meta`. Local.
bool selects(FieldUse use, const core::FieldMetadata& meta);
// Whether a file written for `use` holds cell_area: every history file but those whose fixed fields
// live in their own file (history_varying), and no restart file. Local.
inline bool holds_cell_area(FieldUse use) { return use != FieldUse::history_varying && use != FieldUse::restart; }

// The fields `use` selects (output, restart or all of them), in the component's
// order. A rank outside the component has null Field pointers, so nz is the MAX over `comm`: the
// datasets must have the same shape on every rank. Throws core::Error on every rank alike when the
// ranks' metadata of the selected fields differ (a collective HDF5 call would wait forever for calls
// some ranks never make). Collective over `comm`.
std::vector<SelectedField> select_fields(const core::ComponentOutput& component, FieldUse use, MPI_Comm comm);

}  // namespace meridian::io
