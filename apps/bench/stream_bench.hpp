#pragma once
// STREAM triad a[i] = b[i] + s * c[i], run by every rank at once on arrays far larger than cache:
// the memory bandwidth the stencil is compared against.

#include <mpi.h>

#include <vector>

#include "options.hpp"
#include "report.hpp"

namespace meridian::bench {

// Collective: best-of-`repeats` triad bandwidth summed over ranks, in GB/s (10^9 bytes/s), counting
// 24 bytes per element as STREAM does (the write-allocate read of a[] is not counted).
double stream_triad_gbs(MPI_Comm comm, double mib_per_array, int repeats);

// Collective: the `stream` command.
std::vector<Result> run_stream(const Options& options, MPI_Comm comm);

}  // namespace meridian::bench
