#include "setup_bench.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <string>

#include "coupled_bench.hpp"
#include "meridian/core/config.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/halo_plan.hpp"
#include "meridian/core/redistribution.hpp"
#include "scratch_dir.hpp"
#include "stock_model.hpp"  // apps/meridian: the one place that names the components
#include "timing.hpp"

namespace meridian::bench {

namespace {
constexpr int coupled_values = 2;  // what the coupler gathers per fine cell: a value and its coverage fraction

// Resident memory of this process in KiB (Linux /proc/self/status VmRSS); 0 where unknown.
unsigned long long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      unsigned long long kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

// The squarest px x py = ranks with px >= py: the per-rank block stays the same shape at every count.
std::pair<int, int> square_grid(int ranks) {
  int py = int(std::sqrt(double(ranks)));
  while (ranks % py) --py;
  return {ranks / py, py};
}

unsigned long long sum_over_ranks(unsigned long long v, MPI_Comm comm) {
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm), comm);
  return v;
}

// Per-rank plan sizes of one rank.
struct PlanSizes {
  unsigned long long halo_messages = 0, halo_bytes = 0;  // per exchange of one level of every component's plan
  unsigned long long coupler_routes = 0, coupler_messages = 0, coupler_bytes = 0;  // per gather + scatter
};
}  // namespace

std::vector<Result> run_setup(const Options& o, MPI_Comm comm) {
  int ranks = 1;
  MERIDIAN_MPI(MPI_Comm_size(comm, &ranks), comm);
  const auto [auto_px, auto_py] = square_grid(ranks);
  const int px = o.px ? o.px : (o.py ? ranks / o.py : auto_px);
  const int py = o.py ? o.py : ranks / px;
  if (px * py != ranks)
    throw core::ConfigError(-1, "meridian-bench", "--px " + std::to_string(px) + " x --py " + std::to_string(py) +
                                                      " is not the " + std::to_string(ranks) + " ranks");
  const ScratchDir scratch(comm, o.dir);
  const app::Registry stock = stock::stock_registry();
  core::OptionRegistry registry = stock.declare_options();
  registry.set_defaults_from(stock.defaults(), stock.defaults_source());
  std::vector<std::string> overrides = {"--output.dir=" + scratch.path(), "--output.every=0", "--restart.every=0",
                                        "--grid.nx=" + std::to_string(o.nx * px),
                                        "--grid.ny=" + std::to_string(o.ny * py), "--coupling.layout=" + o.layout};
  if (o.layout == "sequential") {
    overrides.push_back("--decomp.px=" + std::to_string(px));
    overrides.push_back("--decomp.py=" + std::to_string(py));
  } else {
    // Concurrent: a fixed split (half the ranks to the atmosphere, a quarter to each surface), so that
    // every count gives the same shape of routes; each component's process grid is automatic.
    if (ranks % 4)
      throw core::ConfigError(-1, "meridian-bench", "setup --layout concurrent wants a multiple of 4 ranks, not " +
                                                        std::to_string(ranks));
    overrides.push_back("--atmosphere.ranks=" + std::to_string(ranks / 2));
    overrides.push_back("--ocean.ranks=" + std::to_string(ranks / 4));
    overrides.push_back("--land.ranks=" + std::to_string(ranks / 4));
  }
  const core::Config config =
      core::Config::resolve(registry, default_model_config(), "configs/default.ini (built in)", overrides);

  // Timed: what `meridian` does before its first step (components, layout, decompositions, halo
  // plans made by the components' setup, the coupler's plans).
  const unsigned long long rss0 = resident_kib();
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  std::vector<std::unique_ptr<core::Component>> components = stock.make_components(config);
  std::vector<int> widths;
  for (const auto& c : components) widths.push_back(c->halo_width());
  core::Driver driver(comm, config, std::move(components), stock.make_mediators(config), nullptr);
  const double setup_s = max_over_ranks(MPI_Wtime() - t0, comm);
  const unsigned long long rss1 = resident_kib();

  PlanSizes mine;
  for (std::size_t n = 0; n < driver.component_count(); ++n) {
    const core::Decomposition* d = driver.decomposition(n);
    if (!d || widths[n] == 0) continue;
    const core::HaloPlan& plan = core::plan_for(*d, widths[n]);  // made by the component's setup: cached
    mine.halo_messages += plan.messages();
    mine.halo_bytes += plan.bytes_sent(1);
  }
  // The coupler's route from each surface to the atmosphere (component 0), as core/coupler.cpp plans
  // it where the two are not the same blocks on the same ranks; timed on its own.
  MPI_Barrier(comm);
  const double t1 = MPI_Wtime();
  for (std::size_t n = 1; n < driver.component_count(); ++n) {
    const core::Redistribution route(comm, driver.placement(n), driver.placement(0), driver.refine(n), coupled_values);
    for (const core::Redistribution::Traffic* t : {&route.gather_traffic(), &route.scatter_traffic()})
      for (const auto* list : {&t->receives, &t->sends})
        for (const core::Redistribution::Message& m : *list) {
          ++mine.coupler_messages;
          mine.coupler_bytes += sizeof(double) * std::size_t(m.count);
        }
    mine.coupler_routes += route.gather_traffic().sends.size() + route.gather_traffic().receives.size();
  }
  const double coupler_s = max_over_ranks(MPI_Wtime() - t1, comm);

  const unsigned long long rss_growth = rss1 > rss0 ? rss1 - rss0 : 0;
  Result r{"setup_" + std::to_string(o.nx) + "x" + std::to_string(o.ny) + "_per_rank", ranks, "setup_seconds", "s",
           setup_s, "none", std::nan(""), std::nan(""), {}};
  const auto add_max_and_mean = [&](const std::string& key, unsigned long long v) {
    r.add("max_" + key, double(max_over_ranks(v, comm)), 12);
    r.add("mean_" + key, double(sum_over_ranks(v, comm)) / ranks, 6);
  };
  add_max_and_mean("halo_messages", mine.halo_messages);
  add_max_and_mean("halo_bytes_per_level", mine.halo_bytes);
  add_max_and_mean("coupler_routes", mine.coupler_routes);
  add_max_and_mean("coupler_messages", mine.coupler_messages);
  add_max_and_mean("coupler_bytes", mine.coupler_bytes);
  add_max_and_mean("setup_rss_kib", rss_growth);
  r.add("max_rss_kib", double(max_over_ranks(rss1, comm)), 12);
  r.add("coupler_setup_seconds", coupler_s);
  r.add("grid", std::to_string(o.nx * px) + "x" + std::to_string(o.ny * py));
  r.add("process_grid", std::to_string(px) + "x" + std::to_string(py));
  r.add("layout", config.text("coupling.layout"));
  MPI_Barrier(comm);  // nobody touches the scratch folder any more
  return {r};
}

}  // namespace meridian::bench
