#include "model.hpp"

#include <sched.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <sstream>

#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "meridian/earth/geography.hpp"
#include "meridian/earth/surface_exchange.hpp"
#include "meridian/land/land.hpp"
#include "meridian/ocean/ocean.hpp"

namespace meridian::app {

namespace {

using ComponentMaker = std::unique_ptr<core::Component> (*)();
const std::pair<const char*, ComponentMaker> component_makers[] = {
    {"atmosphere", atmosphere::make_component}, {"ocean", ocean::make_component}, {"land", land::make_component}};
using MediatorMaker = std::unique_ptr<core::Mediator> (*)();
const std::pair<const char*, MediatorMaker> mediator_makers[] = {{"surface_exchange", earth::make_surface_exchange}};

// The makers `key` lists (space-separated), or all of them when it is empty.
template <class Maker, std::size_t N>
auto make_listed(const core::Config& config, const std::string& key, const std::pair<const char*, Maker> (&makers)[N]) {
  std::vector<decltype(makers[0].second())> out;
  std::istringstream names(config.text(key));
  std::string name;
  bool any = false;
  while (names >> name) {
    any = true;
    const auto* m = std::find_if(std::begin(makers), std::end(makers), [&](const auto& p) { return name == p.first; });
    if (m == std::end(makers)) {
      std::string known;
      for (const auto& p : makers) known += (known.empty() ? "" : ", ") + std::string(p.first);
      throw core::ConfigError(-1, key + " = '" + core::printable(config.text(key)) + "'",
                              "'" + core::printable(name) + "' is not one of this program's: " + known);
    }
    out.push_back(m->second());
  }
  if (!any)
    for (const auto& p : makers) out.push_back(p.second());
  return out;
}

}  // namespace

std::vector<std::unique_ptr<core::Component>> make_components(const core::Config& config) {
  return make_listed(config, "coupling.components", component_makers);
}

std::vector<std::unique_ptr<core::Mediator>> make_mediators(const core::Config& config) {
  return make_listed(config, "coupling.mediators", mediator_makers);
}

core::OptionRegistry declare_all_options() {
  core::OptionRegistry registry;
  core::declare_driver_options(registry);
  earth::declare_model_options(registry);
  for (const auto& [name, make] : component_makers) {
    const auto c = make();
    c->declare_options(registry);
    core::declare_component_options(registry, *c);
  }
  for (const auto& [name, make] : mediator_makers) {
    const auto m = make();
    m->declare_options(registry);
    core::declare_mediator_options(registry, *m);
  }
  return registry;
}

std::vector<double> calibrate(const core::Config& config, MPI_Comm world) {
  bool automatic = false;
  for (const auto& c : make_components(config)) automatic |= config.integer(c->name() + ".ranks") == 0;
  if (config.text("coupling.layout") != "concurrent" || !automatic) return {};
  int size = 1;
  MERIDIAN_MPI(MPI_Comm_size(world, &size), world);
  core::Config sequential = config;
  sequential.set("coupling.layout", "sequential");
  core::Driver probe(world, sequential, make_components(config), make_mediators(config), nullptr);
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
