#pragma once
// Refuses a run whose fields cannot fit in the node's memory, before anything is allocated: an
// absurd grid must be one clear error, not an out-of-memory kill after the queue wait.
#include <mpi.h>

#include <string>
#include <vector>

#include "meridian/core/config.hpp"

namespace meridian::app {

// Collective over `world`. Throws core::ConfigError (identically on every rank) when the estimated
// field memory of the ranks sharing a node exceeds 80% of that node's physical memory. `components`:
// the run's component names, whose <name>.refine options give the finest grid.
void check_memory_fits(const core::Config& config, const std::vector<std::string>& components, MPI_Comm world);

}  // namespace meridian::app
