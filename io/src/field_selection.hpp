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

enum class FieldUse { history, restart, all };  // all: a crash dump

// The fields with metadata.output (history), metadata.restart (restart) or all of them, in the component's
// order. A rank outside the component has null Field pointers, so nz is the MAX over `comm`: the
// datasets must have the same shape on every rank. Collective over `comm`.
std::vector<SelectedField> select_fields(const core::ComponentOutput& component, FieldUse use, MPI_Comm comm);

}  // namespace meridian::io
