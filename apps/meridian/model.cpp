#include "model.hpp"

#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"

#include <algorithm>
#include "meridian/core/layout.hpp"
#include "meridian/land/land.hpp"
#include "meridian/ocean/ocean.hpp"

namespace meridian::app {

std::vector<std::unique_ptr<core::Component>> make_components() {
  std::vector<std::unique_ptr<core::Component>> c;
  c.push_back(atmosphere::make_component());
  c.push_back(ocean::make_component());
  c.push_back(land::make_component());
  return c;
}

core::OptionRegistry declare_all_options() {
  core::OptionRegistry registry;
  core::declare_driver_options(registry);
  for (const auto& c : make_components()) {
    c->declare_options(registry);
    core::declare_ranks_option(registry, c->name());
    if (c->name() == "ocean") core::declare_refine_option(registry, c->name());
  }
  return registry;
}

std::vector<double> calibrate(const core::Config& config, MPI_Comm world) {
  bool automatic = false;
  for (const auto& c : make_components()) automatic |= config.integer(c->name() + ".ranks") == 0;
  if (config.text("coupling.layout") != "concurrent" || !automatic) return {};
  int size = 1;
  MERIDIAN_MPI(MPI_Comm_size(world, &size), world);
  core::Config sequential = config;
  sequential.set("coupling.layout", "sequential");
  core::Driver probe(world, sequential, make_components(), nullptr);
  probe.time_intervals(1);  // warm-up: first touches of memory, halo plans
  const int intervals = 3;
  std::vector<double> seconds = probe.time_intervals(intervals);
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, seconds.data(), int(seconds.size()), MPI_DOUBLE, MPI_MAX, world), world);
  for (double& s : seconds) s = std::max(s, 1e-9) * size / intervals;
  return seconds;
}

}  // namespace meridian::app
