#pragma once
// The ocean: a slab mixed layer of temperature t_ocean (degC) on the ocean part f of each cell,
//
//   C_o f dT/dt = D_o div(min(f, f') grad T) + (f - a) S (1 - albedo) + f F
//
// with lateral diffusion through faces weighted by the smaller ocean fraction of the two cells (no
// heat crosses a coastline), sunlight S from earth::Insolation on the open water (a: the imported
// sea-ice fraction, 0 where uncoupled) and the heat F it imports (W
// m-2 of ocean). Cells with f == 0 keep their initial temperature and count for nothing. Numerics in
// domains/README.md; the update is bitwise the same on any decomposition.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/core/halo_plan.hpp"
#include "meridian/earth/insolation.hpp"
#include "meridian/earth/sphere_diffusion.hpp"

namespace meridian::ocean {

class Ocean final : public core::Component {
 public:
  Ocean() = default;
  // Fields are referenced by the halo exchange and by the framework: the object never moves.
  Ocean(const Ocean&) = delete;
  Ocean& operator=(const Ocean&) = delete;

  std::string name() const override { return "ocean"; }
  // Declares ocean.* only.
  void declare_options(core::OptionRegistry& options) const override;
  // Collective over context.decomposition.comm(): plans the halo exchange and fills the fraction's
  // halo. Throws ConfigError naming ocean.dt if it is not a positive whole multiple of run.dt.
  void setup(const core::ComponentContext& context) override;
  // t_ocean (restart, output), ocean_fraction (output), ocean_heat_flux (output),
  // ocean_energy_input (restart).
  std::vector<core::FieldEntry> fields() override;
  // Exports "sea_surface_temperature" (degC, coverage sea_area_fraction) and "sea_area_fraction"
  // (1); import "surface_heat_flux" (W m-2 of ocean, positive into the ocean) and, optionally,
  // "sea_ice_area_fraction" (1 of the cell): sunlight reaches only the open water f - a.
  std::vector<core::CouplingField> exports() const override;
  std::vector<core::CouplingField> imports() const override;
  core::Field* coupling_field(const std::string& name) override;
  int halo_width() const override { return 1; }
  double time_step() const override { return dt_; }  // s
  // Largest stable dt of the lateral diffusion, s (all global rows: the same on every rank). Local.
  double stable_time_step() const override;
  std::string time_step_key() const override { return "ocean.dt"; }
  // Collective. Throws core::Error if `duration` (s) is not a whole number of time_step().
  void advance(double duration) override;
  // Collective: refreshes the halo of t_ocean after a restart overwrote it.
  void restarted(double time) override;
  // C_o T f area per owned ocean cell, J (relative to 0 degC).
  void add_energy(core::ExactAccumulator& joules) const override;
  // The sunlight absorbed since the last call, J, per owned ocean cell (f area); restarts the count.
  void add_energy_input(core::ExactAccumulator& joules) const override;
  void reset_energy_input() override;
  // ocean_mean_temperature, weighted by f area, degC.
  void add_diagnostics(std::vector<core::GlobalMean>& means) const override;
  // 1 where the cell has ocean, 0 on land: the ocean does no work there and weights every land
  // value by a zero fraction, so with "ocean.drop_empty_blocks" its all-land blocks get no rank.
  std::vector<double> cell_costs(const core::Config& config, const core::SphereGrid& grid) const override;

  // Model time, s, which the seasonal sunlight depends on. advance() moves it; a driver that
  // restarts a run must set it (a whole number of time_step(), else throws core::Error). Local.
  // Proposed as a virtual of core::Component; see domains/README.md.
  void set_time(double seconds);
  double time() const noexcept { return double(steps_) * dt_; }

  using Row = earth::DiffusionRow;  // per owned row, from earth::diffusion_row

 private:
  void read_options(const core::Config& config, double base_dt, int rank);
  void step();
  Row row_constants(int global_j) const;

  double dt_ = 0, capacity_ = 0, diffusivity_ = 0, albedo_ = 0;
  double polar_latitude_ = 0, initial_temperature_ = 0;  // radians, degC

  const core::Decomposition* decomp_ = nullptr;
  const core::SphereGrid* grid_ = nullptr;
  std::optional<earth::Insolation> sun_;
  std::optional<core::Field> t_, fraction_, flux_, input_, ice_;  // input_: J m-2 of ocean; ice_: 1
  std::vector<Row> rows_;     // one per owned row
  std::vector<double> next_;  // new owned values
  long long steps_ = 0;       // time is steps_ * dt_, never a running sum: restarts keep the bits
};

// A new ocean, not yet set up.
std::unique_ptr<core::Component> make_component();

}  // namespace meridian::ocean
