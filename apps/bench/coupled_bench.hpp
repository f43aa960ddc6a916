#pragma once
// `meridian-bench coupled`: the coupled atmosphere-ocean-land model run in-process (the components
// of apps/meridian/stock_model.cpp, core::Driver, no output), reporting atmosphere cell updates per
// second per rank, time per simulated day and the split of wall time by phase (components, coupler),
// beside the STREAM-triad bound of a sweep moving 16 bytes per cell.
//
// Layouts: "sequential" (every component on every rank, one after another) and "concurrent"
// (components on disjoint rank sets, at the same time); "both" runs the two on the same ranks. Per
// layout, the coupler's atmosphere <-> ocean redistribution is also timed on that run's placements
// against raw MPI of the same messages (redistribution_bench.hpp).

#include <mpi.h>

#include <optional>
#include <string>
#include <vector>

#include "meridian/core/timers.hpp"
#include "options.hpp"
#include "report.hpp"

namespace meridian::bench {

// One timed run of the model.
struct CoupledTiming {
  double wall = 0;          // s, Driver::run (setup excluded), slowest rank
  long long steps = 0;      // base steps run
  double dt = 0;            // base step, s
  int nx = 0, ny = 0;       // the atmosphere's grid
  std::string process_grid;
  std::string split;        // ranks per component, "2+1+1"
  std::vector<std::string> components;      // component names, in the model's order
  std::vector<core::Timers::Row> phases;    // process_timers() over the run's ranks
  std::optional<Result> redistribution;     // the coupler's ocean route on this run's placements, if timed
  // Per component, in the model's order: what one of its steps streams per owned cell
  // (Component::bytes_per_cell_step, 0 if unstated), its time step (s), global cells and ranks.
  std::vector<double> bytes_per_cell_step, component_dt, component_cells;
  std::vector<int> component_ranks;
};

// The embedded configs/default.ini.
const char* default_model_config();

// Collective over `comm`. Per layout two rows: atmosphere cell updates/s per rank against
// STREAM triad / 16 bytes per cell (per rank), with the phase split as extra keys; and
// "redistribution_<layout>", the coupler's atmosphere <-> ocean gather + scatter against raw MPI
// (redistribution_bench.hpp). With both layouts, a last row compares them.
std::vector<Result> run_coupled(const Options& options, MPI_Comm comm);

}  // namespace meridian::bench
