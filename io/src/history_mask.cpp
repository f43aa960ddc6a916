#include "history_mask.hpp"

#include "meridian/core/error.hpp"

namespace meridian::io {

std::optional<core::Field> masked_block(const SelectedField& selected, const core::ComponentOutput& component,
                                        int rank) {
  const core::FieldMetadata& meta = selected.entry->meta;
  if (meta.coverage.empty()) return std::nullopt;
  const core::FieldEntry* coverage = nullptr;
  for (const core::FieldEntry& entry : component.fields)
    if (entry.meta.name == meta.coverage) coverage = &entry;
  const std::string context = "history of '" + component.name + "'";
  // Decided from metadata alone, which every rank shares: all ranks throw here or none does.
  if (!coverage || coverage == selected.entry)
    throw core::Error(rank, context,
                      "field '" + meta.name + "' names coverage '" + meta.coverage +
                          "', which is not another field of the component");
  const core::Field* field = selected.entry->field;
  const core::Field* mask = coverage->field;
  if (!field || !mask) return std::nullopt;  // a rank outside the component writes nothing
  core::Field copy(meta.name, field->nx(), field->ny(), 0, field->nz());
  for (int k = 0; k < field->nz(); ++k)
    for (int j = 0; j < field->ny(); ++j)
      for (int i = 0; i < field->nx(); ++i)
        copy(i, j, k) = (*mask)(i, j) > 0.0 ? (*field)(i, j, k) : history_fill_value;
  return copy;
}

}  // namespace meridian::io
