#include "field_selection.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "meridian/core/byte_packer.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/fnv1a.hpp"

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

namespace {
// FNV-1a over what the ranks must describe alike for a collective file: the component's name and
// each selected field's metadata (core::pack_metadata, every member), in order.
std::uint64_t metadata_hash(const std::string& component, const std::vector<SelectedField>& selected) {
  core::BytePacker packed;
  packed.put(component);
  for (const SelectedField& f : selected) core::pack_metadata(packed, f.entry->meta);
  return core::fnv1a(packed.bytes());
}
}  // namespace

std::vector<SelectedField> select_fields(const core::ComponentOutput& component, FieldUse use, MPI_Comm comm) {
  std::vector<SelectedField> selected;
  for (const core::FieldEntry& entry : component.fields) {
    if (selects(use, entry.meta)) selected.push_back({&entry, entry.field ? entry.field->nz() : 0});
  }
  // Ranks that describe the fields differently would make different HDF5 calls, and a collective
  // HDF5 call waits forever for the ranks that never make it: agree first (the largest hash and the
  // largest complement, i.e. the smallest hash, are equal exactly when every rank has the same).
  const std::uint64_t hash = metadata_hash(component.name, selected);
  std::array<std::uint64_t, 2> mine = {hash, ~hash}, largest{};
  MERIDIAN_MPI(MPI_Allreduce(mine.data(), largest.data(), 2, MPI_UINT64_T, MPI_MAX, comm), comm);
  if (largest[0] != ~largest[1]) {
    int rank = 0;
    MERIDIAN_MPI(MPI_Comm_rank(comm, &rank), comm);
    throw core::Error(rank, "writing '" + component.name + "'",
                      "the ranks describe its fields differently (which fields, or their names, units, valid "
                      "ranges or coverage): every rank must pass the same FieldMetadata");
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
