#pragma once
// Automatic rank splits in the concurrent layout: how much work each component of a run is.
#include <mpi.h>

#include <vector>

#include "meridian/app/registry.hpp"
#include "meridian/core/config.hpp"

namespace meridian::app {

// Concurrent layout with automatic (0) rank counts: times a few coupling intervals of every component
// of `registry` in the sequential layout on all ranks, and returns each one's work (rank-seconds per
// interval), from which the driver picks the split minimising the interval time (time ~ work / ranks).
// Returns {} when nothing is automatic. Collective over `world`.
std::vector<double> calibrate(const core::Config& config, MPI_Comm world, const Registry& registry);

// The most ranks per core on any node: ranks on the node over the cores their affinity masks allow
// together. Above 1 the ranks time-slice, and a split predicted for a core per rank runs slower.
// Collective over `world`.
double ranks_per_core(MPI_Comm world);

}  // namespace meridian::app
