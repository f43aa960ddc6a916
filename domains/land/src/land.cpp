#include "meridian/land/land.hpp"

#include <cmath>
#include <limits>

#include "meridian/core/error.hpp"
#include "meridian/earth/geography.hpp"
#include "meridian/earth/surface_sums.hpp"
#include "meridian/core/time_step.hpp"

namespace meridian::land {

void Land::declare_options(core::OptionRegistry& o) const {
  o.add_real("land.dt", 0.0, "s", "time step; 0 means run.dt, otherwise a whole multiple of run.dt")
      .range(0, std::nullopt);
  o.add_real("land.heat_capacity", 2e6, "J m-2 K-1", "surface-layer heat capacity C_l").range(1.0, std::nullopt);
  o.add_real("land.albedo", 0.3, "1", "fraction of sunlight the land reflects").range(0, 1);
  o.add_boolean("land.snow", false,
                "snow-covered land where T_land < land.snow_temperature reflects land.snow_albedo instead of land.albedo");
  o.add_real("land.snow_albedo", 0.6, "1", "albedo of snow-covered land (with its clouds)")
      .range(0, 1)
      .applies_only_with("land.snow", "true");
  o.add_real("land.snow_temperature", -10.0, "degC",
             "below this land temperature the land is snow covered (North et al. 1981: -10 degC)")
      .range(-100, 10)
      .applies_only_with("land.snow", "true");
  o.add_real("land.initial_temperature", 10.0, "degC", "initial land temperature").range(-273.15, 1e4);
}

void Land::setup(const core::ComponentContext& context) {
  const core::Config& c = context.config;
  const core::Decomposition& d = context.decomposition;
  dt_ = core::component_time_step(c.real("land.dt"), context.base_dt, "land.dt", d.rank());
  capacity_ = c.real("land.heat_capacity");
  albedo_ = c.real("land.albedo");
  snow_ = c.boolean("land.snow");
  snow_albedo_ = c.real("land.snow_albedo");
  snow_temperature_ = c.real("land.snow_temperature");
  initial_temperature_ = c.real("land.initial_temperature");
  decomp_ = &d;
  grid_ = &context.grid;
  sun_.emplace(c);
  t_.emplace("t_land", d, 0);
  fraction_.emplace("land_fraction", d, 0);
  flux_.emplace("land_heat_flux", d, 0);
  input_.emplace("land_energy_input", d, 0);
  std::vector<double> land = earth::ocean_fraction(c, context.grid, d);
  for (double& f : land) f = 1.0 - f;
  fraction_->set_owned_values(land);
  t_->fill(initial_temperature_);
  steps_ = 0;
}

std::vector<core::FieldEntry> Land::fields() {
  // Temperature and flux mean nothing where there is no land: history files mask them there.
  return {
      {{.name = "t_land", .units = "degC", .long_name = "land surface temperature",
        .standard_name = "surface_temperature",
        .restart = true, .output = true, .valid_min = -150, .valid_max = 150, .coverage = "land_fraction"},
       &*t_},
      {{.name = "land_fraction", .units = "1", .long_name = "land fraction of the cell",
        .standard_name = "land_area_fraction", .output = true, .fixed_by = "grid.mask grid.mask_file grid.earth_file"},
       &*fraction_},
      {{.name = "land_heat_flux", .units = "W m-2", .long_name = "heat flux into the land per unit land area",
        .standard_name = "", .output = true, .coverage = "land_fraction"},
       &*flux_},
      // Restart state so that a resumed run's energy budget is the straight run's.
      {{.name = "land_energy_input", .units = "J m-2",
        .long_name = "sunlight absorbed per unit land area since the driver last reset it", .restart = true},
       &*input_},
  };
}

std::vector<core::CouplingField> Land::exports() const {
  return {{.name = "surface_temperature", .units = "degC", .standard_name = "surface_temperature",
           .description = "land surface temperature", .coverage = "land_area_fraction"},
          {.name = "land_area_fraction", .units = "1", .standard_name = "land_area_fraction"}};
}

std::vector<core::CouplingField> Land::imports() const {
  return {{.name = "surface_heat_flux", .units = "W m-2", .description = "heat into the land per unit land area"}};
}

core::Field* Land::coupling_field(const std::string& name) {
  if (name == "surface_temperature") return &*t_;
  if (name == "land_area_fraction") return &*fraction_;
  if (name == "surface_heat_flux") return &*flux_;
  return nullptr;
}

double Land::stable_time_step() const { return std::numeric_limits<double>::infinity(); }

void Land::set_time(double seconds) { steps_ = core::whole_steps(seconds, dt_, "land time", decomp_ ? decomp_->rank() : -1); }

void Land::advance(double duration) {
  const long long steps = core::whole_steps(duration, dt_, "land advance", decomp_->rank());
  for (long long n = 0; n < steps; ++n) step();
}

void Land::step() {
  core::Field& t = *t_;
  const double dt_over_c = dt_ / capacity_, now = time();
  for (int j = 0; j < t.ny(); ++j) {
    const double sunlight = sun_->at_surface(grid_->lat(decomp_->y_range().begin + j), now);
    const double bare = sunlight * (1.0 - albedo_), snowy = sunlight * (1.0 - snow_albedo_);
    for (int i = 0; i < t.nx(); ++i)
      if ((*fraction_)(i, j) > 0.0) {
        const double absorbed = snow_ && t(i, j) < snow_temperature_ ? snowy : bare;
        t(i, j) += dt_over_c * (absorbed + (*flux_)(i, j));
        (*input_)(i, j) += dt_ * absorbed;  // the sunlight this step adds, J m-2 of land
      }
  }
  ++steps_;
}

void Land::add_energy(core::ExactAccumulator& joules) const {
  earth::add_surface_energy(joules, *t_, *fraction_, *grid_, decomp_->y_range().begin, capacity_);
}

void Land::add_energy_input(core::ExactAccumulator& joules) const {
  earth::add_surface_input(joules, *input_, *fraction_, *grid_, decomp_->y_range().begin);
}

void Land::reset_energy_input() { input_->fill(0.0); }

void Land::add_diagnostics(std::vector<core::GlobalMean>& means) const {
  means.push_back(earth::surface_mean("land_mean_temperature", *t_, *fraction_, *grid_, decomp_->y_range().begin));
}

std::unique_ptr<core::Component> make_component() { return std::make_unique<Land>(); }

}  // namespace meridian::land
