#include "meridian/land/land.hpp"

#include <cmath>
#include <limits>

#include "meridian/core/error.hpp"

namespace meridian::land {

namespace {
// 0 means run.dt; anything else must be a whole multiple of it (the driver moves in base steps).
double resolve_time_step(double dt, double base_dt, int rank) {
  if (dt == 0.0) return base_dt;
  const double ratio = dt / base_dt;
  const double whole = std::round(ratio);
  if (!(dt > 0.0) || whole < 1.0 || std::abs(ratio - whole) > 1e-9 * whole)
    throw core::ConfigError(rank, "land.dt",
                            "land.dt = " + std::to_string(dt) + " s is not a positive whole multiple of run.dt = " +
                                std::to_string(base_dt) + " s (use 0 for run.dt)");
  return whole * base_dt;
}

// The number of steps of `dt` in `duration`; throws if it is not whole.
long long whole_steps(double duration, double dt, int rank, const char* what) {
  const double steps = std::round(duration / dt);
  if (!(steps >= 0) || std::abs(duration - steps * dt) > 1e-9 * dt)
    throw core::Error(rank, what, std::to_string(duration) + " s is not a whole number of land.dt = " +
                                      std::to_string(dt) + " s");
  return static_cast<long long>(steps);
}
}  // namespace

void Land::declare_options(core::OptionRegistry& o) const {
  o.add_real("land.dt", 0.0, "s", "time step; 0 means run.dt, otherwise a whole multiple of run.dt")
      .range(0, std::nullopt);
  o.add_real("land.heat_capacity", 2e6, "J m-2 K-1", "surface-layer heat capacity C_l").range(1.0, std::nullopt);
  o.add_real("land.albedo", 0.3, "1", "fraction of sunlight the land reflects").range(0, 1);
  o.add_real("land.gamma", 10.0, "W m-2 K-1", "air-land exchange coefficient in F = gamma (T_air - T_land)")
      .range(0, std::nullopt);
  o.add_real("land.initial_temperature", 10.0, "degC", "initial land temperature").range(-273.15, 1e4);
}

void Land::setup(const core::ComponentContext& context) {
  const core::Config& c = context.config;
  const core::Decomposition& d = context.decomposition;
  dt_ = resolve_time_step(c.real("land.dt"), context.base_dt, d.rank());
  capacity_ = c.real("land.heat_capacity");
  albedo_ = c.real("land.albedo");
  gamma_ = c.real("land.gamma");
  initial_temperature_ = c.real("land.initial_temperature");
  decomp_ = &d;
  grid_ = &context.grid;
  sun_.emplace(c);
  t_.emplace("t_land", d, 0);
  fraction_.emplace("land_fraction", d, 0);
  flux_.emplace("land_heat_flux", d, 0);
  std::vector<double> land = context.mask.ocean_fraction(d);
  for (double& f : land) f = 1.0 - f;
  fraction_->set_owned_values(land);
  t_->fill(initial_temperature_);
  steps_ = 0;
}

std::vector<core::FieldEntry> Land::fields() {
  return {
      {{"t_land", "degC", "land surface temperature", "surface_temperature", true, true}, &*t_},
      {{"land_fraction", "1", "land fraction of the cell", "land_area_fraction", false, true}, &*fraction_},
      {{"land_heat_flux", "W m-2", "heat flux into the land per unit land area", "", false, true}, &*flux_},
  };
}

core::Field* Land::coupling_field(const std::string& name) {
  if (name == "surface_temperature") return &*t_;
  if (name == "surface_fraction") return &*fraction_;
  if (name == "surface_heat_flux") return &*flux_;
  return nullptr;
}

double Land::stable_time_step() const { return std::numeric_limits<double>::infinity(); }

void Land::set_time(double seconds) { steps_ = whole_steps(seconds, dt_, decomp_ ? decomp_->rank() : -1, "land time"); }

void Land::advance(double duration) {
  const long long steps = whole_steps(duration, dt_, decomp_->rank(), "land advance");
  for (long long n = 0; n < steps; ++n) step();
}

void Land::step() {
  core::Field& t = *t_;
  const double dt_over_c = dt_ / capacity_, now = time();
  for (int j = 0; j < t.ny(); ++j) {
    const double absorbed = sun_->at(grid_->lat(decomp_->y_range().begin + j), now) * (1.0 - albedo_);
    for (int i = 0; i < t.nx(); ++i)
      if ((*fraction_)(i, j) > 0.0) t(i, j) += dt_over_c * (absorbed + (*flux_)(i, j));
  }
  ++steps_;
}

void Land::add_energy(core::ExactAccumulator& joules) const {
  for (int j = 0; j < t_->ny(); ++j) {
    const double area = grid_->area(decomp_->y_range().begin + j);
    for (int i = 0; i < t_->nx(); ++i) {
      const double f = (*fraction_)(i, j);
      if (f > 0.0) joules.add(capacity_ * (*t_)(i, j) * f * area);
    }
  }
}

void Land::add_diagnostics(std::vector<core::GlobalMean>& means) const {
  core::GlobalMean mean{"land_mean_temperature", {}, {}};
  for (int j = 0; j < t_->ny(); ++j) {
    const double area = grid_->area(decomp_->y_range().begin + j);
    for (int i = 0; i < t_->nx(); ++i) {
      const double f = (*fraction_)(i, j);
      if (f <= 0.0) continue;
      mean.weighted.add((*t_)(i, j) * f * area);
      mean.weight.add(f * area);
    }
  }
  means.push_back(std::move(mean));
}

std::unique_ptr<core::Component> make_component() { return std::make_unique<Land>(); }

}  // namespace meridian::land
