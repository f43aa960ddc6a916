#include "history_mask.hpp"

#include "meridian/core/error.hpp"

namespace meridian::io {

const core::Field* coverage_of(const SelectedField& selected, const core::ComponentOutput& component, int rank) {
  const core::FieldMetadata& meta = selected.entry->meta;
  if (meta.coverage.empty()) return nullptr;
  const core::FieldEntry* coverage = nullptr;
  for (const core::FieldEntry& entry : component.fields)
    if (entry.meta.name == meta.coverage) coverage = &entry;
  const std::string context = "history of '" + component.name + "'";
  // Decided from metadata alone, which every rank shares: all ranks throw here or none does.
  if (!coverage || coverage == selected.entry)
    throw core::Error(rank, context,
                      "field '" + meta.name + "' names coverage '" + meta.coverage +
                          "', which is not another field of the component");
  return selected.entry->field ? coverage->field : nullptr;  // a rank outside the component writes nothing
}

}  // namespace meridian::io
