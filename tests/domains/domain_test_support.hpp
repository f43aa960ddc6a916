#pragma once
// A component set up on its own, as the driver would: config, grid, decomposition, context.
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/earth/geography.hpp"

namespace meridian::test {

using Factory = std::unique_ptr<core::Component> (*)();

// The options a component reads: its own, the model's (grid.mask, sunlight.*), grid.nx/ny and run.dt,
// resolved from `ini`.
inline core::Config component_config(Factory factory, const std::string& ini,
                                     const std::vector<std::string>& overrides = {}) {
  core::OptionRegistry registry;
  registry.add_real("run.dt", 3600.0, "s", "base time step").range(1e-6, std::nullopt);
  registry.add_integer("grid.nx", 16, "cells", "longitudes").range(2, 1e7);
  registry.add_integer("grid.ny", 8, "cells", "latitudes").range(2, 1e7);
  earth::declare_model_options(registry);
  factory()->declare_options(registry);
  return core::Config::resolve(registry, ini, "test", overrides);
}

// "%.17g": a double that reads back to the same bits, for INI text.
inline std::string exact(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

struct ModelOptions {
  ModelOptions(int nx_, int ny_, std::string ini_, std::string mask_ = "aquaplanet", std::string mask_path_ = "",
               core::ProcessGrid process_grid_ = {})
      : nx(nx_), ny(ny_), ini(std::move(ini_)), mask(std::move(mask_)), mask_path(std::move(mask_path_)),
        process_grid(process_grid_) {}
  int nx = 16, ny = 8;
  std::string ini;
  std::string mask = "aquaplanet";
  std::string mask_path;
  core::ProcessGrid process_grid{};
};

// Members are declared so that the component is destroyed first: the context it was given refers to
// everything above it. Never moved.
class Model {
 public:
  Model(Factory factory, MPI_Comm comm, const ModelOptions& o)
      : config(component_config(factory, o.ini, mask_overrides(o))),
        grid(o.nx, o.ny),
        decomposition(comm, {o.nx, o.ny, true, false}, o.process_grid, std::max(1, factory()->halo_width())),
        component(factory()) {
    component->setup({config, decomposition, grid, config.real("run.dt")});
  }
  static std::vector<std::string> mask_overrides(const ModelOptions& o) {
    std::vector<std::string> out = {"--grid.nx=" + std::to_string(o.nx), "--grid.ny=" + std::to_string(o.ny),
                                    "--grid.mask=" + o.mask};
    if (!o.mask_path.empty()) out.push_back((o.mask == "earth" ? "--grid.earth_file=" : "--grid.mask_file=") + o.mask_path);
    return out;
  }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  core::Field& field(const std::string& name) {
    for (const core::FieldEntry& e : component->fields())
      if (e.meta.name == name) return *e.field;
    throw std::runtime_error("no field " + name);
  }
  // Sets every owned cell of `f` from its global index, then lets the component refresh its halos.
  void set(core::Field& f, const std::function<double(int, int)>& value) {
    for (int j = 0; j < f.ny(); ++j)
      for (int i = 0; i < f.nx(); ++i)
        f(i, j) = value(decomposition.x_range().begin + i, decomposition.y_range().begin + j);
    component->restarted(0.0);
  }
  // The whole global field on every rank (zeros plus one owner's value per cell: exact). Collective.
  std::vector<double> global(const core::Field& f) const {
    std::vector<double> local(std::size_t(grid.nx()) * grid.ny(), 0.0), out(local.size());
    for (int j = 0; j < f.ny(); ++j)
      for (int i = 0; i < f.nx(); ++i)
        local[std::size_t(decomposition.y_range().begin + j) * grid.nx() + decomposition.x_range().begin + i] =
            f(i, j);
    MPI_Allreduce(local.data(), out.data(), int(local.size()), MPI_DOUBLE, MPI_SUM, decomposition.comm());
    return out;
  }
  // The component's total heat, J: a reproducible global sum. Collective.
  double energy() const {
    core::ExactAccumulator joules;
    component->add_energy(joules);
    return core::reproducible_sums({joules}, decomposition.comm())[0];
  }

  core::Config config;
  core::SphereGrid grid;
  core::Decomposition decomposition;
  std::unique_ptr<core::Component> component;
};

}  // namespace meridian::test
