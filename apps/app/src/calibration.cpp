#include "meridian/app/calibration.hpp"

#include <sched.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace meridian::app {

std::vector<double> calibrate(const core::Config& config, MPI_Comm world, const Registry& registry) {
  bool automatic = false;
  for (const auto& c : registry.make_components(config)) automatic |= config.integer(c->name() + ".ranks") == 0;
  if (config.text("coupling.layout") != "concurrent" || !automatic) return {};
  int size = 1;
  MERIDIAN_MPI(MPI_Comm_size(world, &size), world);
  core::Config sequential = config;
  sequential.set("coupling.layout", "sequential");
  sequential.set("coupling.resplit", "");  // schedules and balancing are the concurrent run's, not this probe's
  sequential.set("coupling.rebalance", "off");
  core::Driver probe(world, sequential, registry.make_components(config), registry.make_mediators(config), nullptr);
  probe.time_intervals(1);  // warm-up: first touches of memory, halo plans
  // Each interval timed alone and the median kept: a rank descheduled once (shared cores, a noisy
  // node) would otherwise set the whole estimate, as the maximum over ranks is taken next.
  const int intervals = 5;
  std::vector<std::vector<double>> samples;
  for (int k = 0; k < intervals; ++k) samples.push_back(probe.time_intervals(1));
  std::vector<double> seconds(samples.front().size());
  for (std::size_t n = 0; n < seconds.size(); ++n) {
    std::vector<double> s;
    for (const auto& interval : samples) s.push_back(interval[n]);
    std::nth_element(s.begin(), s.begin() + intervals / 2, s.end());
    seconds[n] = s[intervals / 2];
  }
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, seconds.data(), int(seconds.size()), MPI_DOUBLE, MPI_MAX, world), world);
  for (double& s : seconds) s = std::max(s, 1e-9) * size;
  return seconds;
}

double ranks_per_core(MPI_Comm world) {
  const core::Comm node = core::Comm::node_local(world);
  cpu_set_t mine;
  CPU_ZERO(&mine);
  if (sched_getaffinity(0, sizeof mine, &mine) != 0) CPU_ZERO(&mine);  // unknown: counts as no core
  std::array<unsigned char, sizeof(cpu_set_t)> cores{};
  std::memcpy(cores.data(), &mine, sizeof mine);
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, cores.data(), int(cores.size()), MPI_UNSIGNED_CHAR, MPI_BOR, node.get()),
               node.get());
  cpu_set_t together;
  std::memcpy(&together, cores.data(), sizeof together);
  const int count = CPU_COUNT(&together);
  double ratio = count > 0 ? double(node.size()) / count : 1.0;
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &ratio, 1, MPI_DOUBLE, MPI_MAX, world), world);
  return ratio;
}

}  // namespace meridian::app
