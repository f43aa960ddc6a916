#pragma once
// `meridian-bench coupled`: the coupled atmosphere-ocean-land model run in-process (the components
// of apps/meridian/model.cpp, core::Driver, no output), reporting atmosphere cell updates per
// second per rank, time per simulated day and the split of wall time by phase (components, coupler),
// beside the STREAM-triad bound of a sweep moving 16 bytes per cell.
//
// Layouts: "sequential" (every component on every rank, one after another: what core::Driver does
// today). A concurrent layout (components on disjoint rank sets) adds a run_<layout> function that
// fills the same CoupledTiming; the reporting does not change.

#include <mpi.h>

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
};

// The embedded configs/default.ini.
const char* default_model_config();

// Collective over `comm`. One row: atmosphere cell updates/s per rank against
// STREAM triad / 16 bytes per cell (per rank), with the phase split as extra keys.
std::vector<Result> run_coupled(const Options& options, MPI_Comm comm);

}  // namespace meridian::bench
