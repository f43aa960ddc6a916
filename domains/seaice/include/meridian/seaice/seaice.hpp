#pragma once
// Sea ice: a zero-layer thermodynamic ice (Semtner's zero-layer model) of volume V per unit CELL
// area, m, whose energy relative to water at freezing is E = -rho_i L_f V per unit cell area. Each
// step melts or grows it by the heat flux F into the ice that it imports (W m-2 of cell, held fixed
// over the interval):
//
//   V <- max(0, V - F dt / (rho_i L_f))
//
// and it exports V and the ice-covered part of the cell a = min(f_s, V / h0), f_s being the sea
// part it imports. No lateral transport: every cell reads only itself, so the answer is bitwise the
// same on any decomposition. Equations, energy bookkeeping and coupling contract in domains/README.md.

#include <memory>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"

namespace meridian::seaice {

class SeaIce final : public core::Component {
 public:
  SeaIce() = default;
  // The framework keeps pointers to the fields: the object never moves.
  SeaIce(const SeaIce&) = delete;
  SeaIce& operator=(const SeaIce&) = delete;

  std::string name() const override { return "seaice"; }
  // Declares seaice.* only.
  void declare_options(core::OptionRegistry& options) const override;
  // "ice_volume" (m) and "sea_ice_area_fraction" (1).
  std::vector<core::CouplingField> exports() const override;
  // "sea_area_fraction" (1) and "heat_flux_into_ice" (W m-2 of cell, positive melts), both required;
  // "sunlight_into_ice" (W m-2 of cell, optional), the part of that flux that is absorbed sunlight:
  // only counted as the energy entering the system (add_energy_input), never added to the ice.
  // Couple it wherever the mediator gives the ice sunlight, or the run's energy budget misses it.
  // "ice_surface_temperature" (degC, optional): written to history only.
  std::vector<core::CouplingField> imports() const override;
  // Local (no messages: there is no halo). Throws ConfigError naming seaice.dt if it is not a
  // positive whole multiple of run.dt; the other options are checked by their declared ranges.
  void setup(const core::ComponentContext& context) override;
  // ice_volume (restart, output), sea_ice_area_fraction (output), sea_area_fraction (import, not
  // written), heat_flux_into_ice (import, output), sunlight_into_ice (import, output),
  // ice_surface_temperature (import, output), seaice_energy_input (restart).
  std::vector<core::FieldEntry> fields() override;
  // The four fields above by the names of exports() and imports(); nullptr for any other name.
  core::Field* coupling_field(const std::string& name) override;
  int halo_width() const override { return 0; }      // no lateral transport
  double time_step() const override { return dt_; }  // s
  // Infinity: F is held fixed over a step and does not depend on V inside the component, so the
  // update is a plain sum that no step length makes unstable. The feedback of V on F goes through the
  // coupling, whose limit is the mediator's (core::Mediator::stable_interval).
  double stable_time_step() const override;
  std::string time_step_key() const override { return "seaice.dt"; }
  // Local. Throws core::Error if `duration` (s) is not a whole number of time_step().
  void advance(double duration) override;
  // Local: recomputes the exported fraction from the restored V (there is no clock to set: nothing
  // in the ice depends on the time).
  void restarted(double time) override;
  // -rho_i L_f V area per owned cell, J (relative to water at freezing).
  void add_energy(core::ExactAccumulator& joules) const override;
  // The imported sunlight since the last call, J per owned cell; restarts the count.
  void add_energy_input(core::ExactAccumulator& joules) const override;
  void reset_energy_input() override;
  // seaice_area_fraction_mean (global ice cover) and seaice_volume_mean (m), both weighted by cell area.
  void add_diagnostics(std::vector<core::GlobalMean>& means) const override;

 private:
  void read_options(const core::Config& config, double base_dt, int rank);
  void step();
  void update_fraction();

  double dt_ = 0, density_ = 0, latent_heat_ = 0, closing_thickness_ = 0, initial_volume_ = 0;

  const core::Decomposition* decomp_ = nullptr;
  const core::SphereGrid* grid_ = nullptr;
  // Set up once in setup(); the framework keeps pointers to them.
  std::unique_ptr<core::Field> volume_, fraction_, sea_fraction_, flux_, sunlight_, input_, surface_t_;
};

// A new sea ice, not yet set up.
std::unique_ptr<core::Component> make_component();

}  // namespace meridian::seaice
