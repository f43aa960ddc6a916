// The atmosphere's options, setup and bookkeeping; the time step itself is in dynamics.cpp.
#include "meridian/atmosphere/atmosphere.hpp"

#include <cmath>
#include <numbers>

#include "initial_state.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/time_step.hpp"

namespace meridian::atmosphere {

namespace {
constexpr double degree = std::numbers::pi / 180.0;

}  // namespace

void Atmosphere::declare_options(core::OptionRegistry& o) const {
  o.add_real("atmosphere.dt", 0.0, "s", "time step; 0 means run.dt, otherwise a whole multiple of run.dt")
      .range(0, std::nullopt);
  o.add_real("atmosphere.heat_capacity", 1e7, "J m-2 K-1", "column heat capacity C_a").range(1.0, std::nullopt);
  o.add_real("atmosphere.diffusivity", 0.649, "W m-2 K-1",
             "meridional heat diffusion D on the unit sphere (North 1975)")
      .range(0, std::nullopt);
  o.add_boolean("atmosphere.longwave", true, "lose A + B T to space (false: no radiation to space)");
  o.add_real("atmosphere.olr_a", 203.3, "W m-2", "outgoing longwave at 0 degC, A").range(-1000, 1000);
  o.add_real("atmosphere.olr_b", 2.09, "W m-2 K-1", "outgoing longwave sensitivity B").range(0, 100);
  o.add_real("atmosphere.wind_speed", 0.0, "m s-1",
             "equatorial speed u0 of solid-body zonal rotation u = u0 cos(lat); negative is westward")
      .range(-1000, 1000);
  o.add_real("atmosphere.polar_latitude", 60.0, "degree",
             "zonal diffusion is reduced poleward of this latitude so its stable step does not shrink")
      .range(0, 90);
  o.add_choice("atmosphere.initial", "uniform", {"uniform", "north", "cosine_bell"},
               "initial state: uniform, North's analytic equilibrium, or the Williamson (1992) cosine bell");
  o.add_real("atmosphere.initial_temperature", 10.0, "degC", "temperature of the uniform initial state")
      .range(-273.15, 1e4)
      .applies_only_with("atmosphere.initial", "uniform");
}

void Atmosphere::read_options(const core::Config& c, double base_dt, int rank) {
  dt_ = core::component_time_step(c.real("atmosphere.dt"), base_dt, "atmosphere.dt", rank);
  capacity_ = c.real("atmosphere.heat_capacity");
  diffusivity_ = c.real("atmosphere.diffusivity");
  longwave_ = c.boolean("atmosphere.longwave");
  olr_a_ = c.real("atmosphere.olr_a");
  olr_b_ = c.real("atmosphere.olr_b");
  wind_ = c.real("atmosphere.wind_speed");
  polar_latitude_ = c.real("atmosphere.polar_latitude") * degree;
  initial_ = c.text("atmosphere.initial");
  initial_temperature_ = c.real("atmosphere.initial_temperature");
}

void Atmosphere::setup(const core::ComponentContext& context) {
  const core::Decomposition& d = context.decomposition;
  read_options(context.config, context.base_dt, d.rank());
  decomp_ = &d;
  grid_ = &context.grid;
  t_.emplace("t_atm", d, halo_width());
  flux_.emplace("surface_heat_flux", d, 0);
  input_.emplace("atmosphere_energy_input", d, 0);
  sun_.reset();
  const core::Config& c = context.config;
  if (c.has("sunlight.absorbed_by_air") && c.boolean("sunlight.enabled") && c.real("sunlight.absorbed_by_air") > 0)
    sun_.emplace(c);
  steps_ = 0;
  rows_.clear();
  for (int j = d.y_range().begin; j < d.y_range().end; ++j) rows_.push_back(row_constants(j));
  next_.assign(std::size_t(d.nx_local()) * d.ny_local(), 0.0);
  courant_ = wind_ * dt_ / (grid_->radius() * grid_->dlon());
  // Within the explicit limit the step is the single explicit stage, bit for bit as before super-
  // stepping existed; beyond it, as many RKL2 stages as the parabolic part needs. From global rows
  // only, so every rank takes the same number.
  stages_ = 1;
  rkl2_.clear();
  rkl2_weights_.clear();
  d_a_.reset();
  d_b_.reset();
  if (dt_ > explicit_time_step()) {
    stages_ = earth::rkl2_stages(dt_ / parabolic_time_step());
    rkl2_ = earth::rkl2_coefficients(stages_);
    rkl2_weights_ = earth::rkl2_weights(stages_);
    d_a_.emplace("t_atm_increment_a", d, 1);
    d_b_.emplace("t_atm_increment_b", d, 1);
  }
  set_initial_state(context.config);
}

void Atmosphere::set_initial_state(const core::Config& config) {
  const core::Decomposition& d = *decomp_;
  const NorthProfile north = north_profile(config, diffusivity_, olr_a_, olr_b_);
  for (int j = 0; j < d.ny_local(); ++j)
    for (int i = 0; i < d.nx_local(); ++i) {
      const int gi = d.x_range().begin + i, gj = d.y_range().begin + j;
      double value = initial_temperature_;
      if (initial_ == "north") value = north.at(grid_->lat(gj));
      if (initial_ == "cosine_bell") value = cosine_bell(*grid_, gi, gj);
      (*t_)(i, j) = value;
    }
  core::plan_for(d, halo_width()).exchange({&*t_});
}

std::vector<core::CouplingField> Atmosphere::exports() const {
  return {{.name = "air_temperature", .units = "degC", .standard_name = "air_temperature",
           .description = "column temperature t_atm"}};
}

std::vector<core::CouplingField> Atmosphere::imports() const {
  return {{.name = "surface_heat_flux", .units = "W m-2", .description = "heat into the air per unit cell area"}};
}

std::vector<core::FieldEntry> Atmosphere::fields() {
  return {
      {{.name = "t_atm", .units = "degC", .long_name = "atmosphere temperature", .standard_name = "air_temperature",
        .restart = true, .output = true, .valid_min = -150, .valid_max = 150},
       &*t_},
      {{.name = "surface_heat_flux", .units = "W m-2", .long_name = "heat flux from the surface into the atmosphere",
        .output = true},
       &*flux_},
      // Restart state so that a resumed run's energy budget is the straight run's.
      {{.name = "atmosphere_energy_input", .units = "J m-2",
        .long_name = "sunlight absorbed minus longwave to space since the driver last reset it", .restart = true},
       &*input_},
  };
}

core::Field* Atmosphere::coupling_field(const std::string& name) {
  if (name == "air_temperature") return &*t_;
  if (name == "surface_heat_flux") return &*flux_;
  return nullptr;
}

void Atmosphere::advance(double duration) {
  const long long steps = core::whole_steps(duration, dt_, "atmosphere advance", decomp_->rank());
  for (long long n = 0; n < steps; ++n) step();
}

void Atmosphere::restarted(double time) {
  steps_ = core::whole_steps(time, dt_, "atmosphere time", decomp_->rank());
  core::plan_for(*decomp_, halo_width()).exchange({&*t_});
}

void Atmosphere::add_energy(core::ExactAccumulator& joules) const {
  core::ExactAdder adder(joules);  // every cell: the fast path into the exact sum
  for (int j = 0; j < t_->ny(); ++j) {
    const double area = grid_->area(decomp_->y_range().begin + j);
    for (int i = 0; i < t_->nx(); ++i) adder.add(capacity_ * (*t_)(i, j) * area);
  }
}

void Atmosphere::add_energy_input(core::ExactAccumulator& joules) const {
  core::ExactAdder adder(joules);
  for (int j = 0; j < input_->ny(); ++j) {
    const double area = grid_->area(decomp_->y_range().begin + j);
    for (int i = 0; i < input_->nx(); ++i) adder.add((*input_)(i, j) * area);
  }
}

void Atmosphere::reset_energy_input() { input_->fill(0.0); }

void Atmosphere::add_diagnostics(std::vector<core::GlobalMean>& means) const {
  core::GlobalMean mean{"atmosphere_mean_temperature", {}, {}};
  {
    core::ExactAdder weighted(mean.weighted), weight(mean.weight);  // flushed at the brace
    for (int j = 0; j < t_->ny(); ++j) {
      const double area = grid_->area(decomp_->y_range().begin + j);
      for (int i = 0; i < t_->nx(); ++i) {
        weighted.add((*t_)(i, j) * area);
        weight.add(area);
      }
    }
  }
  means.push_back(std::move(mean));
}

std::unique_ptr<core::Component> make_component() { return std::make_unique<Atmosphere>(); }

}  // namespace meridian::atmosphere
