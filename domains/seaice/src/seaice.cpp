// The sea ice's options, coupling fields, setup and field metadata; the step, the exported fraction
// and the bookkeeping are in thermodynamics.cpp.
#include "meridian/seaice/seaice.hpp"

#include "meridian/core/time_step.hpp"

namespace meridian::seaice {

void SeaIce::declare_options(core::OptionRegistry& o) const {
  o.add_real("seaice.dt", 0.0, "s", "time step; 0 means run.dt, otherwise a whole multiple of run.dt")
      .range(0, std::nullopt);
  o.add_real("seaice.density", 917.0, "kg m-3", "density of sea ice rho_i (917: pure ice near 0 degC)")
      .range(1.0, std::nullopt);
  o.add_real("seaice.latent_heat", 3.34e5, "J kg-1", "latent heat of fusion L_f of the ice").range(1.0, std::nullopt);
  // Below a millimetre the fraction would switch between 0 and f_s at round-off volumes.
  o.add_real("seaice.closing_thickness", 1.0, "m",
             "mean ice thickness h0 at which ice covers the whole sea part of a cell: fraction min(f_s, V / h0)")
      .range(1e-3, std::nullopt);
  o.add_real("seaice.initial_volume", 0.0, "m", "initial ice volume per unit cell area in every cell").range(0, 100);
}

void SeaIce::read_options(const core::Config& c, double base_dt, int rank) {
  dt_ = core::component_time_step(c.real("seaice.dt"), base_dt, "seaice.dt", rank);
  density_ = c.real("seaice.density");
  latent_heat_ = c.real("seaice.latent_heat");
  closing_thickness_ = c.real("seaice.closing_thickness");
  initial_volume_ = c.real("seaice.initial_volume");
}

std::vector<core::CouplingField> SeaIce::exports() const {
  return {
      {.name = "ice_volume", .units = "m", .standard_name = "",
       .description = "sea-ice volume per unit cell area"},
      {.name = "sea_ice_area_fraction", .units = "1", .standard_name = "sea_ice_area_fraction",
       .description = "part of the cell covered by sea ice, min(sea fraction, ice volume / closing thickness)"},
  };
}

std::vector<core::CouplingField> SeaIce::imports() const {
  return {
      {.name = "sea_area_fraction", .units = "1", .standard_name = "sea_area_fraction",
       .description = "sea part of the cell, where ice may form"},
      {.name = "heat_flux_into_ice", .units = "W m-2", .standard_name = "",
       .description = "heat into the ice per unit cell area, positive melts; at most what melts all the ice"},
      {.name = "sunlight_into_ice", .units = "W m-2", .standard_name = "",
       .description = "the sunlight part of heat_flux_into_ice, per unit cell area: counted as energy entering the "
                      "system (add_energy_input), not added again",
       .optional = true},
      {.name = "ice_surface_temperature", .units = "degC", .standard_name = "sea_ice_surface_temperature",
       .description = "the ice's upper-surface temperature, for output only", .optional = true},
  };
}

void SeaIce::setup(const core::ComponentContext& context) {
  const core::Decomposition& d = context.decomposition;
  read_options(context.config, context.base_dt, d.rank());
  decomp_ = &d;
  grid_ = &context.grid;
  volume_ = std::make_unique<core::Field>("ice_volume", d, halo_width());
  fraction_ = std::make_unique<core::Field>("sea_ice_area_fraction", d, halo_width());
  sea_fraction_ = std::make_unique<core::Field>("sea_area_fraction", d, halo_width());
  flux_ = std::make_unique<core::Field>("heat_flux_into_ice", d, halo_width());
  sunlight_ = std::make_unique<core::Field>("sunlight_into_ice", d, halo_width());
  input_ = std::make_unique<core::Field>("seaice_energy_input", d, halo_width());
  surface_t_ = std::make_unique<core::Field>("ice_surface_temperature", d, halo_width());
  volume_->fill(initial_volume_);
  // The sea fraction is zero until the coupler delivers it, so the fraction is 0 here; advance()
  // recomputes it from the delivered value before anyone reads it after a step.
  update_fraction();
}

std::vector<core::FieldEntry> SeaIce::fields() {
  // Everything is per unit CELL area (the ice volume carries its fraction in it), so no field names
  // a coverage: each means something in every cell, 0 where there is no sea.
  return {
      // No CF standard name fits: sea_ice_thickness is the mean over the ice-covered part (V / a
      // here), and a volume name would be a total in m3, not a volume per unit cell area.
      {{.name = "ice_volume", .units = "m", .long_name = "sea-ice volume per unit cell area",
        .standard_name = "", .restart = true, .output = true, .valid_min = 0, .valid_max = 100},
       volume_.get()},
      // No valid range on the fractions: they follow the coupled sea fraction, whose round-off the
      // coupler's partition check judges (core/include/meridian/core/mediator.hpp).
      {{.name = "sea_ice_area_fraction", .units = "1", .long_name = "part of the cell covered by sea ice",
        .standard_name = "sea_ice_area_fraction", .output = true},
       fraction_.get()},
      // Restart state although imported: the exported fraction depends on it, and a restarted run must
      // export the same fraction at its first coupling, before the coupler has delivered this import.
      {{.name = "sea_area_fraction", .units = "1", .long_name = "sea part of the cell (imported)",
        .standard_name = "sea_area_fraction", .restart = true, .output = false},
       sea_fraction_.get()},
      {{.name = "heat_flux_into_ice", .units = "W m-2",
        .long_name = "heat flux into the sea ice per unit cell area (imported, positive melts)",
        .standard_name = "", .output = true},
       flux_.get()},
      {{.name = "sunlight_into_ice", .units = "W m-2",
        .long_name = "sunlight absorbed by the sea ice per unit cell area (imported)", .standard_name = "",
        .output = true},
       sunlight_.get()},
      {{.name = "ice_surface_temperature", .units = "degC", .long_name = "ice upper-surface temperature (imported)",
        .standard_name = "sea_ice_surface_temperature", .output = true},
       surface_t_.get()},
      // Restart state so that a resumed run's energy budget is the straight run's.
      {{.name = "seaice_energy_input", .units = "J m-2",
        .long_name = "sunlight absorbed by the ice per unit cell area since the driver last reset it",
        .standard_name = "", .restart = true},
       input_.get()},
  };
}

core::Field* SeaIce::coupling_field(const std::string& name) {
  if (name == "ice_volume") return volume_.get();
  if (name == "sea_ice_area_fraction") return fraction_.get();
  if (name == "sea_area_fraction") return sea_fraction_.get();
  if (name == "heat_flux_into_ice") return flux_.get();
  if (name == "sunlight_into_ice") return sunlight_.get();
  if (name == "ice_surface_temperature") return surface_t_.get();
  return nullptr;
}

std::unique_ptr<core::Component> make_component() { return std::make_unique<SeaIce>(); }

}  // namespace meridian::seaice
