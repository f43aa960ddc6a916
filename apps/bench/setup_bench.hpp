#pragma once
// `meridian-bench setup`: weak scaling of set-up. Builds the stock model (components, decompositions,
// halo plans, coupler) on a grid of --nx x --ny cells PER RANK times the process grid, then reports
// per-rank plan sizes (halo messages and bytes, coupler routes, messages and bytes) and the set-up
// time and memory growth of the slowest rank. Run it at 1..64 ranks: the sizes of an interior rank
// must not change with the rank count (no O(ranks) array, no all-to-all exchange of placements).

#include <mpi.h>

#include <vector>

#include "options.hpp"
#include "report.hpp"

namespace meridian::bench {

// Collective over `comm`. One row: set-up seconds (slowest rank) with the plan sizes as extra keys.
std::vector<Result> run_setup(const Options& options, MPI_Comm comm);

}  // namespace meridian::bench
