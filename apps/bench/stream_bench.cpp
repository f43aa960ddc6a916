#include "stream_bench.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <memory>

#include "timing.hpp"

namespace meridian::bench {

namespace {
// Kept out of line so the timed loop is what the compiler makes of the plain triad.
[[gnu::noinline]] void triad(double* __restrict a, const double* __restrict b, const double* __restrict c, double s,
                             std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
}
}  // namespace

double stream_triad_gbs(MPI_Comm comm, double mib_per_array, int repeats) {
  const auto n = static_cast<std::size_t>(mib_per_array * 1024 * 1024 / sizeof(double));
  // new double[] leaves the pages untouched; the fill below is the first touch.
  std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
  std::fill_n(a.get(), n, 0.0);
  std::fill_n(b.get(), n, 1.0);
  std::fill_n(c.get(), n, 2.0);
  triad(a.get(), b.get(), c.get(), 3.0, n);  // warm-up
  double best = 1e300;
  for (int r = 0; r < repeats; ++r)
    best = std::min(best, time_batch(comm, 1, [&] { triad(a.get(), b.get(), c.get(), 3.0, n); }));
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  return 3.0 * sizeof(double) * static_cast<double>(n) * ranks / best / 1e9;
}

std::vector<Result> run_stream(const Options& options, MPI_Comm comm) {
  int ranks = 1, rank = 0;
  MPI_Comm_size(comm, &ranks);
  MPI_Comm_rank(comm, &rank);
  const int repeats = options.repeats ? options.repeats : 10;
  const double gbs = stream_triad_gbs(comm, options.stream_mib, repeats);
  const double none = std::numeric_limits<double>::quiet_NaN();  // printed as null: no baseline
  Result r{"stream_triad", ranks, "bandwidth", "GB/s", gbs, "none", none, none, {}};
  r.add("mib_per_array_per_rank", options.stream_mib);
  r.add("best_of", repeats);
  return {r};
}

}  // namespace meridian::bench
