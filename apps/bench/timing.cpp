#include "timing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "meridian/core/error.hpp"

namespace meridian::bench {

double median(std::vector<double> samples) {
  if (samples.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(samples.begin(), samples.end());
  const std::size_t n = samples.size();
  return n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
}

double max_over_ranks(double seconds, MPI_Comm comm) {
  double worst = 0.0;
  MERIDIAN_MPI(MPI_Allreduce(&seconds, &worst, 1, MPI_DOUBLE, MPI_MAX, comm), comm);
  return worst;
}

unsigned long long max_over_ranks(unsigned long long count, MPI_Comm comm) {
  unsigned long long worst = 0;
  MERIDIAN_MPI(MPI_Allreduce(&count, &worst, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm), comm);
  return worst;
}

int batch_size(double seconds_per_call, double target_seconds, int max_calls) {
  if (!(seconds_per_call > 0.0)) return max_calls;
  const double calls = std::ceil(target_seconds / seconds_per_call);
  return static_cast<int>(std::clamp(calls, 1.0, static_cast<double>(max_calls)));
}

}  // namespace meridian::bench
