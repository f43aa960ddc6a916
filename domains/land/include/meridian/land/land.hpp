#pragma once
// The land: a thin surface layer of temperature t_land (degC) on the land part f_l = 1 - f_ocean of
// each cell, with no lateral transport:
//
//   C_l dT/dt = S (1 - albedo) + F
//
// sunlight S from earth::Insolation (the part reaching the surface) and the heat F it imports (W m-2
// of land); with land.snow the albedo is land.snow_albedo where T < land.snow_temperature. Cells with
// f_l == 0 keep their initial temperature and count for nothing. Each cell's update reads only
// itself, so the answer is bitwise the same on any decomposition.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/earth/insolation.hpp"

namespace meridian::land {

class Land final : public core::Component {
 public:
  Land() = default;
  Land(const Land&) = delete;  // the framework keeps pointers to the fields
  Land& operator=(const Land&) = delete;

  std::string name() const override { return "land"; }
  // Declares land.* only.
  void declare_options(core::OptionRegistry& options) const override;
  // Local (no messages). Throws ConfigError naming land.dt if it is not a positive whole multiple
  // of run.dt.
  void setup(const core::ComponentContext& context) override;
  // t_land (restart, output), land_fraction (output), land_heat_flux (output).
  std::vector<core::FieldEntry> fields() override;
  // Exports "surface_temperature" (degC, coverage land_area_fraction) and "land_area_fraction" (1);
  // import "surface_heat_flux" (W m-2 of land, positive into the land).
  std::vector<core::CouplingField> exports() const override;
  std::vector<core::CouplingField> imports() const override;
  core::Field* coupling_field(const std::string& name) override;
  int halo_width() const override { return 0; }
  double time_step() const override { return dt_; }  // s
  // Infinity: with F held fixed the update has no stiffness of its own (the coupling interval is
  // bounded by the exchange with the air, which is the mediator's business: surface_exchange.hpp).
  double stable_time_step() const override;
  std::string time_step_key() const override { return "land.dt"; }
  // Local. Throws core::Error if `duration` (s) is not a whole number of time_step().
  void advance(double duration) override;
  void restarted(double time) override { set_time(time); }  // no halo, no derived state
  // C_l T f_l area per owned land cell, J (relative to 0 degC).
  void add_energy(core::ExactAccumulator& joules) const override;
  // The sunlight absorbed since the last call, J, per owned land cell (f_l area); restarts the count.
  void add_energy_input(core::ExactAccumulator& joules) const override;
  void reset_energy_input() override;
  // land_mean_temperature, weighted by f_l area, degC.
  void add_diagnostics(std::vector<core::GlobalMean>& means) const override;

  // Model time, s (seasonal sunlight); see meridian::ocean::Ocean::set_time. Local.
  void set_time(double seconds);
  double time() const noexcept { return double(steps_) * dt_; }

 private:
  void step();

  double dt_ = 0, capacity_ = 0, albedo_ = 0, initial_temperature_ = 0;
  bool snow_ = false;
  double snow_albedo_ = 0, snow_temperature_ = 0;  // 1, degC
  const core::Decomposition* decomp_ = nullptr;
  const core::SphereGrid* grid_ = nullptr;
  std::optional<earth::Insolation> sun_;
  std::optional<core::Field> t_, fraction_, flux_, input_;  // input_: J m-2 of land
  long long steps_ = 0;  // time is steps_ * dt_, never a running sum
};

// A new land component, not yet set up.
std::unique_ptr<core::Component> make_component();

}  // namespace meridian::land
