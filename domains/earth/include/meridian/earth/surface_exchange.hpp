#pragma once
// The model's mediator: heat exchange between the air and every surface under it, computed cell by
// cell on the host's grid (the atmosphere's, as configs/default.ini couples it). For each surface s
// with fraction f_s of the cell and temperature T_s, the heat leaving it upward is
//
//   F_s = gamma_s (T_s - T_air) + [sigma T_s^4 - eps sigma T_air^4] + [beta_s k (q_sat(T_s) - RH q_sat(T_air))]
//
// [W m-2 of surface s]: sensible heat by a bulk formula, and, each where switched on, the surface's
// longwave emission less the air's back radiation and the latent heat of evaporation (which the air
// gains when the vapour condenses). With both off it is North's (1975) special case.
// The air gains sum_s f_s F_s per unit cell area (surfaces in a fixed order: ocean, land, ice), and
// each surface loses F_s per unit of its own area: what one side loses the other gains, cell by cell,
// so the closed system conserves energy to round-off. The ocean and land fractions partition each
// cell (the framework checks it at every coupling); sea ice, where coupled, covers part of the ocean:
// the open water is f_ocean - f_ice, the ice surface is at the freezing point, the ocean gives the ice
// gamma_io (T_ocean - T_freeze) per unit sea area where there is ice or the water is below freezing
// (frazil), and heat that would melt more ice than a coupling interval holds goes to the ocean.
// The equations and parameters are in domains/README.md.

#include <memory>
#include <optional>

#include "meridian/core/mediator.hpp"
#include "meridian/earth/insolation.hpp"

namespace meridian::earth {

class SurfaceExchange final : public core::Mediator {
 public:
  std::string name() const override { return "surface_exchange"; }
  void declare_options(core::OptionRegistry& options) const override;
  // air_temperature; ocean_temperature, ocean_fraction, land_temperature, land_fraction, ice_fraction
  // and ice_volume (each surface optional: leave it uncoupled when the run has no such surface).
  std::vector<core::CouplingField> imports() const override;
  // heat_into_air (W m-2 of cell), heat_into_ocean (W m-2 of ocean), heat_into_land (W m-2 of land),
  // heat_into_ice (W m-2 of cell), sunlight_into_ice (W m-2 of cell, the sunlight inside heat_into_ice),
// ice_surface_temperature (degC).
  std::vector<core::CouplingField> exports() const override;
  std::vector<std::string> partition() const override { return {"ocean_fraction", "land_fraction"}; }
  void setup(const core::MediatorContext& context) override;
  void compute(const core::MediatorFields& fields) override;
  // min over the ocean and land of 1 / (gamma (1/C_surface + 1/C_air)) from *.heat_capacity.
  double stable_interval(const core::Config& config) const override;
  std::string stable_interval_reason() const override { return "gammas and heat capacities of the surfaces"; }

 private:
  // What the air over a cell contributes to every surface's flux: its temperature, degC, back
  // radiation eps sigma T^4, W m-2, and humidity RH q_sat(T), kg/kg (0 where those terms are off).
  struct Air {
    double t, back_radiation, humidity;
  };
  Air air_terms(double t_air) const;
  // The heat leaving a surface at t_surface (degC) upward, W m-2 of that surface; wetness is beta.
  double upward(double gamma, double wetness, double t_surface, const Air& air) const;
  // The ice's upper-surface temperature, degC, for absorbed sunlight (W m-2 of ice) and thickness h (m).
  double ice_surface_temperature(double sunlight, double thickness, const Air& air) const;
  void compute_with_ice(const core::MediatorFields& fields);
  double ocean_gamma_ = 0, land_gamma_ = 0, ice_gamma_ = 0, ice_ocean_gamma_ = 0;
  double freezing_ = 0, ice_albedo_ = 0, latent_per_volume_ = 0, interval_ = 0;  // degC, 1, J m-3, s
  bool longwave_ = false, latent_ = false;
  double ice_conductivity_ = 0;  // W m-1 K-1
  double air_emissivity_ = 0, evaporation_ = 0, humidity_ = 0, land_wetness_ = 0;  // 1, W m-2, 1, 1
  std::optional<Insolation> sun_;
  const core::Decomposition* decomp_ = nullptr;
  const core::SphereGrid* grid_ = nullptr;
};

std::unique_ptr<core::Mediator> make_surface_exchange();

}  // namespace meridian::earth
