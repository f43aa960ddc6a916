#pragma once
// Numerical health checks of a running model: every few steps each component's prognostic fields
// (metadata.restart) and every field with a valid range are scanned for NaN, Inf and values outside
// [valid_min, valid_max]. Ranks agree on the first bad cell in a global order; a crash dump is
// written through the OutputSink and every rank throws the same NumericalError (exit status 3).

#include <mpi.h>

#include <optional>
#include <string>
#include <vector>

#include "meridian/core/clock.hpp"
#include "meridian/core/config.hpp"
#include "meridian/core/output_sink.hpp"
#include "meridian/core/run_failure.hpp"

namespace meridian::core {

class Driver;

// Declares diagnostics.check_every.
void declare_health_options(OptionRegistry& options);

// The check interval in base steps resolved from the config: diagnostics.check_every, or for its
// default (-1) output.every, or restart.every when there is no history output; 0 = never.
long long health_check_interval(const Config& config);

// A bad value found in the owned cells of this rank. Local.
struct BadCell {
  int component = 0, field = 0, k = 0, j = 0, i = 0;  // global indices; (component, field, k, j, i) orders cells
  double value = 0;
};
// The first bad cell of `components` on this rank in that order, if any. Local, one pass over owned cells.
std::optional<BadCell> find_first_bad_cell(const std::vector<ComponentOutput>& components);

// Collective over `comm` (all ranks of the run). If a check is due at the driver's clock (the step
// crossed a multiple of the interval during the last `coupling_steps`), scans every component; when
// any rank finds a bad cell, writes a crash dump through `sink` and throws NumericalError on every
// rank naming the component, field, cell (lon, lat, i, j) and step.
void check_fields_if_due(Driver& driver, const Config& config, long long coupling_steps, OutputSink& sink,
                         MPI_Comm comm);

}  // namespace meridian::core
