#include "field_selection.hpp"

#include "meridian/core/error.hpp"

namespace meridian::io {

bool selects(FieldUse use, const core::FieldMetadata& meta) {
  const bool fixed = !meta.fixed_by.empty();
  switch (use) {
    case FieldUse::history:
      return meta.output;
    case FieldUse::history_varying:
      return meta.output && !fixed;
    case FieldUse::fixed:
      return meta.output && fixed;
    case FieldUse::restart:
      return meta.restart;
    case FieldUse::all:
      return true;
  }
  return false;
}

std::vector<SelectedField> select_fields(const core::ComponentOutput& component, FieldUse use, MPI_Comm comm) {
  std::vector<SelectedField> selected;
  for (const core::FieldEntry& entry : component.fields) {
    if (selects(use, entry.meta)) selected.push_back({&entry, entry.field ? entry.field->nz() : 0});
  }
  std::vector<int> local(selected.size()), agreed(selected.size());
  for (std::size_t n = 0; n < selected.size(); ++n) local[n] = selected[n].nz;
  if (!local.empty()) {
    MERIDIAN_MPI(MPI_Allreduce(local.data(), agreed.data(), int(local.size()), MPI_INT, MPI_MAX, comm), comm);
  }
  for (std::size_t n = 0; n < selected.size(); ++n) selected[n].nz = agreed[n] > 0 ? agreed[n] : 1;
  return selected;
}

}  // namespace meridian::io
