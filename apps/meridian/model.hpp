#pragma once
// The concrete model: which components make up a meridian run. The only place that names them.
#include <mpi.h>

#include <memory>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/core/config.hpp"
#include "meridian/core/mediator.hpp"

namespace meridian::app {

// The components of a run: those coupling.components names, in its order (empty: all, in the order
// atmosphere, ocean, land). Throws ConfigError for a name the program does not have. Local.
std::vector<std::unique_ptr<core::Component>> make_components(const core::Config& config);
// The mediators of a run, likewise from coupling.mediators (the program has surface_exchange).
std::vector<std::unique_ptr<core::Mediator>> make_mediators(const core::Config& config);

// Every option of the run: the driver's, the model's, and each component's and mediator's.
core::OptionRegistry declare_all_options();

// Concurrent layout with automatic (0) rank counts: times a few coupling intervals of every component
// in the sequential layout on all ranks, and returns each one's work (rank-seconds per interval), from
// which the driver picks the split minimising the interval time (time ~ work / ranks). Returns {} when
// nothing is automatic. Collective over `world`.
std::vector<double> calibrate(const core::Config& config, MPI_Comm world);

// The most ranks per core on any node: ranks on the node over the cores their affinity masks allow
// together. Above 1 the ranks time-slice, and a split predicted for a core per rank runs slower.
// Collective over `world`.
double ranks_per_core(MPI_Comm world);

}  // namespace meridian::app
