#pragma once
// Timing helpers shared by the benchmarks. Every function taking a communicator is collective.

#include <mpi.h>

#include <vector>

namespace meridian::bench {

// The median of `samples` (mean of the middle two for an even count); NaN when empty.
double median(std::vector<double> samples);

// Collective: the largest `seconds` over the ranks of `comm`.
double max_over_ranks(double seconds, MPI_Comm comm);

// Collective: barrier, then `calls` calls of `body`; returns seconds per call, max over ranks.
template <class Body>
double time_batch(MPI_Comm comm, int calls, Body&& body) {
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  for (int c = 0; c < calls; ++c) body();
  return max_over_ranks((MPI_Wtime() - t0) / calls, comm);
}

// Collective: how many calls of `seconds_per_call` (already max over ranks) fill about
// `target_seconds`, clamped to [1, max_calls]. Every rank gets the same answer.
int batch_size(double seconds_per_call, double target_seconds, int max_calls);

}  // namespace meridian::bench
