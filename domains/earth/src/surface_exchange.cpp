#include "meridian/earth/surface_exchange.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meridian::earth {

namespace {
enum Import { air_t, ocean_t, ocean_f, land_t, land_f, ice_f, ice_v };
enum Export { into_air, into_ocean, into_land, into_ice, sun_into_ice, ice_surface_t };

constexpr double stefan_boltzmann = 5.670374419e-8;  // W m-2 K-4 (CODATA 2018)
constexpr double kelvin = 273.15;
constexpr double pressure = 1000.0;  // hPa, the surface pressure the humidities assume

// Saturation specific humidity over water, kg/kg, at `t` degC: Bolton (1980, Mon. Wea. Rev. 108,
// 1046-1053, eq. 10) for the vapour pressure, q = 0.622 e / p.
inline double saturation_humidity(double t) { return 0.622 * 6.112 * std::exp(17.67 * t / (t + 243.5)) / pressure; }

// d/dT of saturation_humidity at `t`, kg/kg K-1 (for the stable interval only).
inline double saturation_slope(double t) { return saturation_humidity(t) * 17.67 * 243.5 / ((t + 243.5) * (t + 243.5)); }

// The temperature, degC, at which the stable interval takes the radiative and latent slopes: above
// any surface temperature of an Earth-like run, so the bound holds there.
constexpr double slope_temperature = 40.0;
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
  o.add_real("surface_exchange.ice_conductivity", 0.0, "W m-1 K-1",
             "k_i of the zero-layer ice (Semtner 1976: 2.03): the surface temperature balances sunlight, conduction "
             "k_i (T_f - T_s) / h and the flux to the air, at most 0 degC; 0 keeps the surface at the freezing point")
      .range(0, 100);
  o.add_boolean("surface_exchange.longwave", false,
                "surfaces emit sigma T_s^4 into the air and receive eps sigma T_air^4 back from it (false: no "
                "surface longwave, North's special case)");
  o.add_real("surface_exchange.air_emissivity", 0.8, "1", "emissivity eps of the air in the back radiation eps sigma T_air^4")
      .range(0, 1)
      .applies_only_with("surface_exchange.longwave", "true");
  o.add_boolean("surface_exchange.latent", false,
                "evaporation carries latent heat k beta (q_sat(T_s) - RH q_sat(T_air)) from ocean and land into the air");
  o.add_real("surface_exchange.evaporation_coefficient", 19500.0, "W m-2",
             "k = rho_air L_v C_E |U| (1.2 kg m-3, 2.5e6 J kg-1, 1.3e-3, 5 m s-1), per unit specific humidity")
      .range(0, std::nullopt)
      .applies_only_with("surface_exchange.latent", "true");
  o.add_real("surface_exchange.relative_humidity", 0.8, "1", "relative humidity RH of the air over the surfaces")
      .range(0, 1)
      .applies_only_with("surface_exchange.latent", "true");
  o.add_real("surface_exchange.land_wetness", 0.3, "1",
             "beta of land, evaporation as a fraction of a wet surface's (the ocean's beta is 1)")
      .range(0, 1)
      .applies_only_with("surface_exchange.latent", "true");
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
      {.name = "sunlight_into_ice", .units = "W m-2",
       .description = "the absorbed sunlight inside heat_into_ice, per unit cell area: for the ice's energy budget"},
      {.name = "ice_surface_temperature", .units = "degC", .standard_name = "sea_ice_surface_temperature",
       .description = "temperature of the ice's upper surface (the freezing point without conduction)"},
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
  ice_conductivity_ = c.real("surface_exchange.ice_conductivity");
  longwave_ = c.boolean("surface_exchange.longwave");
  air_emissivity_ = c.real("surface_exchange.air_emissivity");
  latent_ = c.boolean("surface_exchange.latent");
  evaporation_ = c.real("surface_exchange.evaporation_coefficient");
  humidity_ = c.real("surface_exchange.relative_humidity");
  land_wetness_ = c.real("surface_exchange.land_wetness");
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
  // The longwave and latent terms add their slopes d(upward)/dT_s at slope_temperature to gamma.
  const bool longwave = c.boolean("surface_exchange.longwave"), latent = c.boolean("surface_exchange.latent");
  const double t = slope_temperature + kelvin;
  const double radiative = longwave ? 4 * stefan_boltzmann * t * t * t : 0.0;
  const double evaporative = latent ? c.real("surface_exchange.evaporation_coefficient") * saturation_slope(slope_temperature) : 0.0;
  const struct {
    const char *gamma_key, *capacity_key;
    double wetness;
  } surfaces[] = {{"surface_exchange.ocean_gamma", "ocean.heat_capacity", 1.0},
                  {"surface_exchange.land_gamma", "land.heat_capacity", c.real("surface_exchange.land_wetness")}};
  for (const auto& [gamma_key, capacity_key, wetness] : surfaces) {
    const double gamma = c.real(gamma_key) + radiative + wetness * evaporative;
    if (gamma > 0 && c.has(capacity_key)) limit = std::min(limit, 1.0 / (gamma * (1.0 / c.real(capacity_key) + 1.0 / air)));
  }
  return limit;
}

SurfaceExchange::Air SurfaceExchange::air_terms(double t_air) const {
  Air a{t_air, 0.0, 0.0};
  if (longwave_) {
    const double k = t_air + kelvin;
    a.back_radiation = air_emissivity_ * stefan_boltzmann * (k * k) * (k * k);
  }
  if (latent_) a.humidity = humidity_ * saturation_humidity(t_air);
  return a;
}

// gamma (T_s - T_air), plus sigma T_s^4 - eps sigma T_air^4 and beta k (q_sat(T_s) - RH q_sat(T_air))
// where those terms are on: with both off, exactly the old gamma (T_s - T_air).
double SurfaceExchange::upward(double gamma, double wetness, double t_surface, const Air& air) const {
  double up = gamma * (t_surface - air.t);
  if (longwave_) {
    const double k = t_surface + kelvin;
    up += stefan_boltzmann * (k * k) * (k * k) - air.back_radiation;
  }
  if (latent_ && wetness > 0.0) up += wetness * evaporation_ * (saturation_humidity(t_surface) - air.humidity);
  return up;
}

// Semtner's (1976) zero-layer ice: the surface temperature T where sunlight plus conduction from the
// freezing base, k (T_f - T) / h, equals the flux to the air, by a fixed number of Newton steps from
// T_f (the same bits everywhere), capped at 0 degC where the balance would melt the top. Without
// conduction, or without ice, the surface is at the freezing point.
double SurfaceExchange::ice_surface_temperature(double sunlight, double thickness, const Air& air) const {
  if (ice_conductivity_ <= 0.0 || thickness <= 0.0) return freezing_;
  const double conduction = ice_conductivity_ / thickness;  // W m-2 K-1
  double t = freezing_;
  for (int n = 0; n < 6; ++n) {
    const double k = t + kelvin;
    const double slope = ice_gamma_ + (longwave_ ? 4 * stefan_boltzmann * k * k * k : 0.0) + conduction;
    const double imbalance = sunlight + conduction * (freezing_ - t) - upward(ice_gamma_, 0.0, t, air);
    t += imbalance / slope;
  }
  return std::min(t, 0.0);
}

// Per cell, surfaces in a fixed order: the same bits on every layout and rank count.
void SurfaceExchange::compute(const core::MediatorFields& f) {
  if (f.imports[ice_f]) return compute_with_ice(f);
  const core::Field& t_air = *f.imports[air_t];
  core::Field& air = *f.exports[into_air];
  const int nx = air.nx(), ny = air.ny();
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const Air a = air_terms(t_air(i, j));
      double gain = 0.0;
      if (f.imports[ocean_t]) {
        const double upward = this->upward(ocean_gamma_, 1.0, (*f.imports[ocean_t])(i, j), a);
        (*f.exports[into_ocean])(i, j) = -upward;
        gain += (*f.imports[ocean_f])(i, j) * upward;
      }
      if (f.imports[land_t]) {
        const double upward = this->upward(land_gamma_, land_wetness_, (*f.imports[land_t])(i, j), a);
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
    const double sunlight = sun_->at_surface(grid_->lat(decomp_->y_range().begin + j), f.time) * (1.0 - ice_albedo_);
    for (int i = 0; i < nx; ++i) {
      const Air a = air_terms(t_air(i, j));
      const double sea = f.imports[ocean_f] ? (*f.imports[ocean_f])(i, j) : 0.0;
      const double t_sea = f.imports[ocean_t] ? (*f.imports[ocean_t])(i, j) : freezing_;
      const double ice = std::clamp((*f.imports[ice_f])(i, j), 0.0, sea);
      const double volume = f.imports[ice_v] ? (*f.imports[ice_v])(i, j) : 0.0;
      const double open = sea - ice;
      const double up_ocean = upward(ocean_gamma_, 1.0, t_sea, a);
      const double t_ice = ice_surface_temperature(sunlight, ice > 0 ? volume / ice : 0.0, a);
      const double up_ice = upward(ice_gamma_, 0.0, t_ice, a);  // no sublimation
      // Ocean to ice, per unit sea area: under the ice, and wherever the water is below freezing.
      const double to_ice = (ice > 0 || t_sea < freezing_) ? ice_ocean_gamma_ * (t_sea - freezing_) : 0.0;
      double ice_gain = ice * (sunlight - up_ice) + sea * to_ice;
      double spill = 0.0;  // heat that would melt more ice than there is: to the ocean
      const double most = latent_per_volume_ * volume / interval_;
      if (ice_gain > most) spill = ice_gain - most, ice_gain = most;
      double gain = open * up_ocean;
      if (f.imports[land_t]) {
        const double up_land = upward(land_gamma_, land_wetness_, (*f.imports[land_t])(i, j), a);
        (*f.exports[into_land])(i, j) = -up_land;
        gain += (*f.imports[land_f])(i, j) * up_land;
      }
      gain += ice * up_ice;
      (*f.exports[into_air])(i, j) = gain;
      (*f.exports[into_ice])(i, j) = ice_gain;
      (*f.exports[sun_into_ice])(i, j) = ice * sunlight;
      (*f.exports[ice_surface_t])(i, j) = t_ice;
      (*f.exports[into_ocean])(i, j) = sea > 0 ? (-open * up_ocean - sea * to_ice + spill) / sea : 0.0;
    }
  }
}

std::unique_ptr<core::Mediator> make_surface_exchange() { return std::make_unique<SurfaceExchange>(); }

}  // namespace meridian::earth
