// The ocean's options, setup and bookkeeping; the time step is in ocean_physics.cpp.
#include "meridian/ocean/ocean.hpp"

#include <cmath>
#include <numbers>

#include "meridian/core/error.hpp"
#include "meridian/earth/geography.hpp"
#include "meridian/earth/surface_sums.hpp"
#include "meridian/core/time_step.hpp"

namespace meridian::ocean {

void Ocean::declare_options(core::OptionRegistry& o) const {
  o.add_real("ocean.dt", 0.0, "s", "time step; 0 means run.dt, otherwise a whole multiple of run.dt")
      .range(0, std::nullopt);
  o.add_real("ocean.heat_capacity", 4e8, "J m-2 K-1", "mixed-layer heat capacity C_o (4e8: about 100 m of water)")
      .range(1.0, std::nullopt);
  o.add_real("ocean.diffusivity", 0.4, "W m-2 K-1", "lateral heat diffusion D_o on the unit sphere")
      .range(0, std::nullopt);
  o.add_real("ocean.albedo", 0.1, "1", "fraction of sunlight the open ocean reflects").range(0, 1);
  o.add_real("ocean.polar_latitude", 60.0, "degree",
             "zonal diffusion is reduced poleward of this latitude so its stable step does not shrink")
      .range(0, 90);
  o.add_real("ocean.initial_temperature", 15.0, "degC", "initial mixed-layer temperature").range(-273.15, 1e4);
}

void Ocean::read_options(const core::Config& c, double base_dt, int rank) {
  dt_ = core::component_time_step(c.real("ocean.dt"), base_dt, "ocean.dt", rank);
  capacity_ = c.real("ocean.heat_capacity");
  diffusivity_ = c.real("ocean.diffusivity");
  albedo_ = c.real("ocean.albedo");
  polar_latitude_ = c.real("ocean.polar_latitude") * std::numbers::pi / 180.0;
  initial_temperature_ = c.real("ocean.initial_temperature");
}

void Ocean::setup(const core::ComponentContext& context) {
  const core::Decomposition& d = context.decomposition;
  read_options(context.config, context.base_dt, d.rank());
  decomp_ = &d;
  grid_ = &context.grid;
  sun_.emplace(context.config);
  t_.emplace("t_ocean", d, halo_width());
  fraction_.emplace("ocean_fraction", d, halo_width());
  flux_.emplace("ocean_heat_flux", d, 0);
  input_.emplace("ocean_energy_input", d, 0);
  ice_.emplace("sea_ice_area_fraction", d, 0);
  // The fraction never changes: its halo is filled once, on the plan t_ocean uses every step.
  fraction_->set_owned_values(earth::ocean_fraction(context.config, context.grid, d));
  core::plan_for(d, halo_width()).exchange({&*fraction_});
  t_->fill(initial_temperature_);
  rows_.clear();
  for (int j = d.y_range().begin; j < d.y_range().end; ++j) rows_.push_back(row_constants(j));
  next_.assign(std::size_t(d.nx_local()) * d.ny_local(), 0.0);
  steps_ = 0;
}

std::vector<core::FieldEntry> Ocean::fields() {
  // Temperature and flux mean nothing where there is no ocean: history files mask them there.
  return {
      {{.name = "t_ocean", .units = "degC", .long_name = "ocean mixed-layer temperature",
        .standard_name = "sea_surface_temperature",
        .restart = true, .output = true, .valid_min = -100, .valid_max = 100, .coverage = "ocean_fraction"},
       &*t_},
      {{.name = "ocean_fraction", .units = "1", .long_name = "ocean fraction of the cell",
        .standard_name = "sea_area_fraction", .output = true, .fixed_by = "grid.mask grid.mask_file grid.earth_file"},
       &*fraction_},
      {{.name = "ocean_heat_flux", .units = "W m-2", .long_name = "heat flux into the ocean per unit ocean area",
        .standard_name = "", .output = true, .coverage = "ocean_fraction"},
       &*flux_},
      // Restart state: a restarted run's first step, before the coupler delivers it, must shade as the
      // straight run's did.
      {{.name = "ocean_ice_cover", .units = "1", .long_name = "sea-ice fraction of the cell (imported)",
        .restart = true},
       &*ice_},
      // Restart state so that a resumed run's energy budget is the straight run's.
      {{.name = "ocean_energy_input", .units = "J m-2",
        .long_name = "sunlight absorbed per unit ocean area since the driver last reset it", .restart = true},
       &*input_},
  };
}

std::vector<core::CouplingField> Ocean::exports() const {
  return {{.name = "sea_surface_temperature", .units = "degC", .standard_name = "sea_surface_temperature",
           .description = "mixed-layer temperature", .coverage = "sea_area_fraction"},
          {.name = "sea_area_fraction", .units = "1", .standard_name = "sea_area_fraction"}};
}

std::vector<core::CouplingField> Ocean::imports() const {
  return {{.name = "surface_heat_flux", .units = "W m-2", .description = "heat into the ocean per unit ocean area"},
          {.name = "sea_ice_area_fraction", .units = "1", .standard_name = "sea_ice_area_fraction",
           .description = "part of the cell under sea ice, which takes the sunlight there (0 where uncoupled)",
           .optional = true}};
}

core::Field* Ocean::coupling_field(const std::string& name) {
  if (name == "sea_surface_temperature") return &*t_;
  if (name == "sea_area_fraction") return &*fraction_;
  if (name == "surface_heat_flux") return &*flux_;
  if (name == "sea_ice_area_fraction") return &*ice_;
  return nullptr;
}

void Ocean::set_time(double seconds) {
  steps_ = core::whole_steps(seconds, dt_, "ocean time", decomp_ ? decomp_->rank() : -1);
}

void Ocean::advance(double duration) {
  const long long steps = core::whole_steps(duration, dt_, "ocean advance", decomp_->rank());
  for (long long n = 0; n < steps; ++n) step();
}

void Ocean::restarted(double time) {
  set_time(time);
  core::plan_for(*decomp_, halo_width()).exchange({&*t_});
}

void Ocean::add_energy(core::ExactAccumulator& joules) const {
  earth::add_surface_energy(joules, *t_, *fraction_, *grid_, decomp_->y_range().begin, capacity_);
}

void Ocean::add_energy_input(core::ExactAccumulator& joules) const {
  earth::add_surface_input(joules, *input_, *fraction_, *grid_, decomp_->y_range().begin);
}

void Ocean::reset_energy_input() { input_->fill(0.0); }

void Ocean::add_diagnostics(std::vector<core::GlobalMean>& means) const {
  means.push_back(earth::surface_mean("ocean_mean_temperature", *t_, *fraction_, *grid_, decomp_->y_range().begin));
}

std::vector<double> Ocean::cell_costs(const core::Config& config, const core::SphereGrid& grid) const {
  // The whole grid as one block of this rank alone: the mask, cell by cell, as every block sees it.
  const core::Decomposition whole(MPI_COMM_SELF, {grid.nx(), grid.ny(), true, false}, {1, 1});
  std::vector<double> cost = earth::ocean_fraction(config, grid, whole);
  for (double& c : cost) c = c > 0.0 ? 1.0 : 0.0;
  return cost;
}

std::unique_ptr<core::Component> make_component() { return std::make_unique<Ocean>(); }

}  // namespace meridian::ocean
