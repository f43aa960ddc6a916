#include "field_selection.hpp"

#include "meridian/core/error.hpp"

namespace meridian::io {

std::vector<SelectedField> select_fields(const core::ComponentOutput& component, FieldUse use, MPI_Comm comm) {
  std::vector<SelectedField> selected;
  for (const core::FieldEntry& entry : component.fields) {
    const bool fixed = !entry.meta.fixed_by.empty();
    bool wanted = use == FieldUse::all;
    if (use == FieldUse::restart) wanted = entry.meta.restart;
    if (use == FieldUse::history) wanted = entry.meta.output;
    if (use == FieldUse::history_varying) wanted = entry.meta.output && !fixed;
    if (use == FieldUse::fixed) wanted = entry.meta.output && fixed;
    if (wanted) selected.push_back({&entry, entry.field ? entry.field->nz() : 0});
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
