#include "meridian/earth/surface_exchange.hpp"

#include <algorithm>
#include <limits>

namespace meridian::earth {

namespace {
enum Import { air_t, ocean_t, ocean_f, land_t, land_f, ice_f, ice_v };
enum Export { into_air, into_ocean, into_land, into_ice };
}  // namespace

void SurfaceExchange::declare_options(core::OptionRegistry& o) const {
  o.add_real("surface_exchange.ocean_gamma", 20.0, "W m-2 K-1", "air-sea exchange coefficient in F = gamma (T_ocean - T_air)")
      .range(0, std::nullopt);
  o.add_real("surface_exchange.land_gamma", 10.0, "W m-2 K-1", "air-land exchange coefficient in F = gamma (T_land - T_air)")
      .range(0, std::nullopt);
  o.add_real("surface_exchange.ice_gamma", 10.0, "W m-2 K-1", "air-ice exchange coefficient in F = gamma (T_freeze - T_air)")
      .range(0, std::nullopt);
  o.add_real("surface_exchange.ice_ocean_gamma", 20.0, "W m-2 K-1",
             "ocean-ice exchange coefficient in F = gamma (T_ocean - T_freeze), per unit sea area")
      .range(0, std::nullopt);
  o.add_real("surface_exchange.freezing_temperature", -1.8, "degC", "freezing point of sea water").range(-10, 0);
  o.add_real("surface_exchange.ice_albedo", 0.6, "1", "fraction of sunlight sea ice reflects").range(0, 1);
}

std::vector<core::CouplingField> SurfaceExchange::imports() const {
  return {
      {.name = "air_temperature", .units = "degC", .standard_name = "air_temperature", .description = "the air over the cell"},
      {.name = "ocean_temperature", .units = "degC", .standard_name = "sea_surface_temperature", .optional = true},
      {.name = "ocean_fraction", .units = "1", .standard_name = "sea_area_fraction", .optional = true},
      {.name = "land_temperature", .units = "degC", .standard_name = "surface_temperature", .optional = true},
      {.name = "land_fraction", .units = "1", .standard_name = "land_area_fraction", .optional = true},
      {.name = "ice_fraction", .units = "1", .standard_name = "sea_ice_area_fraction", .optional = true},
      {.name = "ice_volume", .units = "m", .description = "ice volume per unit cell area", .optional = true},
  };
}

std::vector<core::CouplingField> SurfaceExchange::exports() const {
  return {
      {.name = "heat_into_air", .units = "W m-2", .description = "per unit cell area"},
      {.name = "heat_into_ocean", .units = "W m-2", .description = "per unit ocean area"},
      {.name = "heat_into_land", .units = "W m-2", .description = "per unit land area"},
      {.name = "heat_into_ice", .units = "W m-2", .description = "per unit cell area; positive melts"},
  };
}

void SurfaceExchange::setup(const core::MediatorContext& context) {
  const core::Config& c = context.config;
  ocean_gamma_ = c.real("surface_exchange.ocean_gamma");
  land_gamma_ = c.real("surface_exchange.land_gamma");
  ice_gamma_ = c.real("surface_exchange.ice_gamma");
  ice_ocean_gamma_ = c.real("surface_exchange.ice_ocean_gamma");
  freezing_ = c.real("surface_exchange.freezing_temperature");
  ice_albedo_ = c.real("surface_exchange.ice_albedo");
  latent_per_volume_ = c.has("seaice.density") ? c.real("seaice.density") * c.real("seaice.latent_heat") : 0.0;
  interval_ = double(c.integer("coupling.every")) * c.real("run.dt");
  sun_.emplace(c);
  decomp_ = &context.decomposition;
  grid_ = &context.grid;
}

double SurfaceExchange::stable_interval(const core::Config& c) const {
  double limit = std::numeric_limits<double>::infinity();
  if (!c.has("atmosphere.heat_capacity")) return limit;
  const double air = c.real("atmosphere.heat_capacity");
  const std::pair<const char*, const char*> surfaces[] = {{"surface_exchange.ocean_gamma", "ocean.heat_capacity"},
                                                          {"surface_exchange.land_gamma", "land.heat_capacity"}};
  for (const auto& [gamma_key, capacity_key] : surfaces) {
    const double gamma = c.real(gamma_key);
    if (gamma > 0 && c.has(capacity_key)) limit = std::min(limit, 1.0 / (gamma * (1.0 / c.real(capacity_key) + 1.0 / air)));
  }
  return limit;
}

// Per cell, surfaces in a fixed order: the same bits on every layout and rank count.
void SurfaceExchange::compute(const core::MediatorFields& f) {
  if (f.imports[ice_f]) return compute_with_ice(f);
  const core::Field& t_air = *f.imports[air_t];
  core::Field& air = *f.exports[into_air];
  const int nx = air.nx(), ny = air.ny();
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const double t = t_air(i, j);
      double gain = 0.0;
      if (f.imports[ocean_t]) {
        const double upward = ocean_gamma_ * ((*f.imports[ocean_t])(i, j) - t);
        (*f.exports[into_ocean])(i, j) = -upward;
        gain += (*f.imports[ocean_f])(i, j) * upward;
      }
      if (f.imports[land_t]) {
        const double upward = land_gamma_ * ((*f.imports[land_t])(i, j) - t);
        (*f.exports[into_land])(i, j) = -upward;
        gain += (*f.imports[land_f])(i, j) * upward;
      }
      air(i, j) = gain;
    }
}

// With sea ice on part of the ocean (see the header): open water, land, then ice, into the air.
void SurfaceExchange::compute_with_ice(const core::MediatorFields& f) {
  const core::Field& t_air = *f.imports[air_t];
  const int nx = t_air.nx(), ny = t_air.ny();
  for (int j = 0; j < ny; ++j) {
    const double sunlight = sun_->at(grid_->lat(decomp_->y_range().begin + j), f.time) * (1.0 - ice_albedo_);
    for (int i = 0; i < nx; ++i) {
      const double t = t_air(i, j);
      const double sea = f.imports[ocean_f] ? (*f.imports[ocean_f])(i, j) : 0.0;
      const double t_sea = f.imports[ocean_t] ? (*f.imports[ocean_t])(i, j) : freezing_;
      const double ice = std::clamp((*f.imports[ice_f])(i, j), 0.0, sea);
      const double volume = f.imports[ice_v] ? (*f.imports[ice_v])(i, j) : 0.0;
      const double open = sea - ice;
      const double up_ocean = ocean_gamma_ * (t_sea - t);
      const double up_ice = ice_gamma_ * (freezing_ - t);
      // Ocean to ice, per unit sea area: under the ice, and wherever the water is below freezing.
      const double to_ice = (ice > 0 || t_sea < freezing_) ? ice_ocean_gamma_ * (t_sea - freezing_) : 0.0;
      double ice_gain = ice * (sunlight - up_ice) + sea * to_ice;
      double spill = 0.0;  // heat that would melt more ice than there is: to the ocean
      const double most = latent_per_volume_ * volume / interval_;
      if (ice_gain > most) spill = ice_gain - most, ice_gain = most;
      double gain = open * up_ocean;
      if (f.imports[land_t]) {
        const double upward = land_gamma_ * ((*f.imports[land_t])(i, j) - t);
        (*f.exports[into_land])(i, j) = -upward;
        gain += (*f.imports[land_f])(i, j) * upward;
      }
      gain += ice * up_ice;
      (*f.exports[into_air])(i, j) = gain;
      (*f.exports[into_ice])(i, j) = ice_gain;
      (*f.exports[into_ocean])(i, j) = sea > 0 ? (-open * up_ocean - sea * to_ice + spill) / sea : 0.0;
    }
  }
}

std::unique_ptr<core::Mediator> make_surface_exchange() { return std::make_unique<SurfaceExchange>(); }

}  // namespace meridian::earth
