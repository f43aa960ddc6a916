#pragma once
// `meridian-bench stencil`: the 5-point heat step on core::Field + core::HaloPlan, against the
// hand-written MPI version of the same problem and against STREAM triad, in one run.

#include <mpi.h>

#include <vector>

#include "options.hpp"
#include "report.hpp"

namespace meridian::bench {

// Collective over `comm`. Two results: seconds per step (meridian vs hand-written, with both
// checksums), and memory traffic at 16 bytes per cell update against STREAM triad.
std::vector<Result> run_stencil(const Options& options, MPI_Comm comm);

}  // namespace meridian::bench
