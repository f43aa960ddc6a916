#pragma once
// The model's mediator: heat exchange between the air and every surface under it, computed cell by
// cell on the host's grid (the atmosphere's, as configs/default.ini couples it). For each surface s
// with fraction f_s of the cell and temperature T_s, the heat leaving it upward is
//
//   F_s = gamma_s (T_s - T_air)   [W m-2 of surface s]
//
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
  // heat_into_ice (W m-2 of cell).
  std::vector<core::CouplingField> exports() const override;
  std::vector<std::string> partition() const override { return {"ocean_fraction", "land_fraction"}; }
  void setup(const core::MediatorContext& context) override;
  void compute(const core::MediatorFields& fields) override;
  // min over the ocean and land of 1 / (gamma (1/C_surface + 1/C_air)) from *.heat_capacity.
  double stable_interval(const core::Config& config) const override;
  std::string stable_interval_reason() const override { return "gammas and heat capacities of the surfaces"; }

 private:
  void compute_with_ice(const core::MediatorFields& fields);
  double ocean_gamma_ = 0, land_gamma_ = 0, ice_gamma_ = 0, ice_ocean_gamma_ = 0;
  double freezing_ = 0, ice_albedo_ = 0, latent_per_volume_ = 0, interval_ = 0;  // degC, 1, J m-3, s
  std::optional<Insolation> sun_;
  const core::Decomposition* decomp_ = nullptr;
  const core::SphereGrid* grid_ = nullptr;
};

std::unique_ptr<core::Mediator> make_surface_exchange();

}  // namespace meridian::earth
