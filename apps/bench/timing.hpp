#pragma once
// Timing helpers shared by the benchmarks. Every function taking a communicator is collective.

#include <mpi.h>

#include <vector>

namespace meridian::bench {

// The median of `samples` (mean of the middle two for an even count); NaN when empty.
double median(std::vector<double> samples);

// Collective: the largest `seconds` over the ranks of `comm`.
double max_over_ranks(double seconds, MPI_Comm comm);
// Collective: the largest count (bytes, messages) over the ranks: the rank whose time is reported.
unsigned long long max_over_ranks(unsigned long long count, MPI_Comm comm);

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

// Seconds per call of two bodies timed against each other.
struct PairTiming {
  double first = 0.0, second = 0.0;  // median over repeats of the slowest rank's batch
};

// Collective: `warm_up` calls of each body, then `repeats` batches of each, alternating, every batch
// sized to last about `target_seconds` (at most `max_calls`): both see the same machine (other jobs,
// clock frequency, memory placement).
template <class First, class Second>
PairTiming time_interleaved(MPI_Comm comm, int repeats, First&& first, Second&& second, double target_seconds = 0.02,
                            int max_calls = 5000, int warm_up = 5) {
  for (int c = 0; c < warm_up; ++c) {
    first();
    second();
  }
  const int first_batch = batch_size(time_batch(comm, warm_up, first), target_seconds, max_calls);
  const int second_batch = batch_size(time_batch(comm, warm_up, second), target_seconds, max_calls);
  std::vector<double> first_samples, second_samples;
  for (int r = 0; r < repeats; ++r) {
    first_samples.push_back(time_batch(comm, first_batch, first));
    second_samples.push_back(time_batch(comm, second_batch, second));
  }
  return {median(first_samples), median(second_samples)};
}

// Collective: seconds per call of one body, as time_interleaved times each of two.
template <class Body>
double time_median(MPI_Comm comm, int repeats, Body&& body, double target_seconds = 0.02, int max_calls = 5000,
                   int warm_up = 5) {
  for (int c = 0; c < warm_up; ++c) body();
  const int batch = batch_size(time_batch(comm, warm_up, body), target_seconds, max_calls);
  std::vector<double> samples;
  for (int r = 0; r < repeats; ++r) samples.push_back(time_batch(comm, batch, body));
  return median(samples);
}

}  // namespace meridian::bench
