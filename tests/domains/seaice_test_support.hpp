#pragma once
// The sea ice set up on its own, as the framework of issue 12 will set it up: config, grid,
// decomposition, ComponentContext. The imports are written through coupling_field() as the coupler
// writes them. (domain_test_support.hpp still builds the old context with a surface mask.)
#include <mpi.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/core/reproducible_sum.hpp"
#include "meridian/seaice/seaice.hpp"

namespace meridian::test {

// run.dt and seaice.* resolved from `ini`. Throws ConfigError as the app would.
inline core::Config seaice_config(const std::string& ini) {
  core::OptionRegistry registry;
  registry.add_real("run.dt", 3600.0, "s", "base time step").range(1e-6, std::nullopt);
  seaice::make_component()->declare_options(registry);
  return core::Config::resolve(registry, ini, "test");
}

// Members are declared so that the component is destroyed first: its context refers to the rest.
class IceModel {
 public:
  IceModel(MPI_Comm comm, int nx, int ny, const std::string& ini, core::ProcessGrid process_grid = {})
      : config(seaice_config(ini)),
        grid(nx, ny),
        decomposition(comm, {nx, ny, true, false}, process_grid, 1),
        component(seaice::make_component()) {
    component->setup({config, decomposition, grid, config.real("run.dt")});
  }
  IceModel(const IceModel&) = delete;
  IceModel& operator=(const IceModel&) = delete;

  // An export or import by name, as the coupler finds it.
  core::Field& coupled(const std::string& name) {
    core::Field* f = component->coupling_field(name);
    if (!f) throw std::runtime_error("no coupling field " + name);
    return *f;
  }
  // Sets every owned cell of the field `name` from its global index (i, j).
  void set(const std::string& name, const std::function<double(int, int)>& value) {
    core::Field& f = coupled(name);
    for (int j = 0; j < f.ny(); ++j)
      for (int i = 0; i < f.nx(); ++i)
        f(i, j) = value(decomposition.x_range().begin + i, decomposition.y_range().begin + j);
  }
  // Calls `visit(i, j, value)` for every owned cell of `name`, global indices.
  void each(const std::string& name, const std::function<void(int, int, double)>& visit) {
    const core::Field& f = coupled(name);
    for (int j = 0; j < f.ny(); ++j)
      for (int i = 0; i < f.nx(); ++i)
        visit(decomposition.x_range().begin + i, decomposition.y_range().begin + j, f(i, j));
  }
  // The whole global field on every rank (zeros plus one owner's value per cell: exact). Collective.
  std::vector<double> global(const std::string& name) {
    std::vector<double> local(std::size_t(grid.nx()) * grid.ny(), 0.0), out(local.size());
    each(name, [&](int i, int j, double v) { local[std::size_t(j) * grid.nx() + i] = v; });
    MPI_Allreduce(local.data(), out.data(), int(local.size()), MPI_DOUBLE, MPI_SUM, decomposition.comm());
    return out;
  }
  // The ice's energy, J: a reproducible global sum. Collective.
  double energy() const {
    core::ExactAccumulator joules;
    component->add_energy(joules);
    return core::reproducible_sums({joules}, decomposition.comm())[0];
  }
  // Every global mean of add_diagnostics, in its order. Collective.
  std::vector<double> means() const {
    std::vector<core::GlobalMean> m;
    component->add_diagnostics(m);
    std::vector<core::ExactAccumulator> sums;
    for (const core::GlobalMean& g : m) sums.push_back(g.weighted), sums.push_back(g.weight);
    const std::vector<double> s = core::reproducible_sums(sums, decomposition.comm());
    std::vector<double> out;
    for (std::size_t k = 0; k < m.size(); ++k) out.push_back(s[2 * k] / s[2 * k + 1]);
    return out;
  }
  // Advances `steps` steps of the ice's time step.
  void advance_steps(int steps) { component->advance(steps * component->time_step()); }

  core::Config config;
  core::SphereGrid grid;
  core::Decomposition decomposition;
  std::unique_ptr<core::Component> component;
};

}  // namespace meridian::test
