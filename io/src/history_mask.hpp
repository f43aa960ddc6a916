#pragma once
// Missing values in history files: the cells a field does not describe (FieldMetadata::coverage,
// e.g. an ocean temperature over land) hold the CF _FillValue instead of whatever the model keeps
// there. Restart files never go through this: they hold the real state.

#include <limits>

#include "field_selection.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/output_sink.hpp"

namespace meridian::io {

// NaN, because it is the one value every client we target shows as missing: xarray masks it, CDO
// (fldmean, remapcon) leaves it out as its missing value, and ParaView, which reads the history
// through XDMF (no missing-value concept), draws it in its NaN colour and keeps it out of the
// colour range. netCDF's default fill, 9.97e36, would be data to ParaView and flatten every map.
inline constexpr double history_fill_value = std::numeric_limits<double>::quiet_NaN();

// The field whose lowest level masks `selected` in history files: cells where it is <= 0 hold
// history_fill_value (every level). Null when the field has no coverage or this rank holds none of
// the component. Throws core::Error (`rank` for the message) on every rank alike if the coverage
// names no other field of `component`. Local.
const core::Field* coverage_of(const SelectedField& selected, const core::ComponentOutput& component, int rank);

}  // namespace meridian::io
