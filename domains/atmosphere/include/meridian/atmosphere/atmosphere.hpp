#pragma once
// The atmosphere: one well-mixed layer whose temperature t_atm (degC) obeys
//
//   C_a dT/dt = D Lap(T) - C_a u . grad(T) + F_surf + a S - (A + B T)
//
// on the longitude-latitude sphere: North's (1975) diffusive energy balance, solid-body zonal
// advection, the heat F_surf that the surfaces give it (W m-2 of total cell area, its import),
// the part a = sunlight.absorbed_by_air of the sunlight S it absorbs (0 by default) and longwave
// cooling to space. Numerics (finite-volume diffusion, flux-limited Lax-Wendroff advection; one
// explicit stage and one halo exchange per step within the explicit limit, beyond it the limited
// advection as its own substep and RKL2 super-time-stepping for the rest) are described in
// domains/README.md.
//
// Every cell's update reads only that cell and its neighbours, in a fixed order, with metrics taken
// from the global row index: the answer is bitwise the same on any decomposition.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/core/halo_plan.hpp"
#include "meridian/earth/insolation.hpp"
#include "meridian/earth/sphere_diffusion.hpp"
#include "meridian/earth/super_time_step.hpp"

namespace meridian::atmosphere {

class Atmosphere final : public core::Component {
 public:
  Atmosphere() = default;
  // Fields are referenced by the halo exchange and by the framework: the object never moves.
  Atmosphere(const Atmosphere&) = delete;
  Atmosphere& operator=(const Atmosphere&) = delete;

  std::string name() const override { return "atmosphere"; }
  // Declares atmosphere.* only.
  void declare_options(core::OptionRegistry& options) const override;
  // Collective over context.decomposition.comm(): plans the halo exchange. Throws ConfigError
  // naming atmosphere.dt if it is not a positive whole multiple of run.dt.
  void setup(const core::ComponentContext& context) override;
  // Export "air_temperature" (degC); import "surface_heat_flux" (W m-2 of cell area, into the air).
  std::vector<core::CouplingField> exports() const override;
  std::vector<core::CouplingField> imports() const override;
  // t_atm (restart, output), surface_heat_flux (output), atmosphere_energy_input (restart).
  std::vector<core::FieldEntry> fields() override;
  core::Field* coupling_field(const std::string& name) override;
  int halo_width() const override { return 2; }                  // the limiter reads i +- 2
  double time_step() const override { return dt_; }              // s
  // Largest stable dt, s; the same on every rank (all global rows are examined). Local. Beyond
  // explicit_time_step() the step is super-stepped: this is then the advection limit (Courant 1),
  // or max_stages RKL2 stages if that is shorter.
  double stable_time_step() const override;
  // Largest dt of the single explicit stage (every process at once), s; the same on every rank.
  double explicit_time_step() const;
  // RKL2 stages per step: 1 when dt <= explicit_time_step() (the explicit step, bits as ever).
  int stages() const { return stages_; }
  // Stages stable_time_step() allows at most: a gain (s^2 + s - 2) / 4 = 1039.5 over the forward-Euler
  // limit of diffusion and longwave, so that a windless atmosphere still reports a finite stable step.
  static constexpr int max_stages = 64;
  std::string time_step_key() const override { return "atmosphere.dt"; }
  // Collective. Throws core::Error if `duration` (s) is not a whole number of time_step().
  void advance(double duration) override;
  // Collective: refreshes the halo of t_atm after a restart overwrote it and sets the clock (the
  // absorbed sunlight may be seasonal). Throws core::Error if `time` is not a whole number of dt.
  void restarted(double time) override;
  // C_a T area per owned cell, J (relative to 0 degC).
  void add_energy(core::ExactAccumulator& joules) const override;
  // Sunlight absorbed minus longwave to space since the last call, J per owned cell; restarts the count.
  void add_energy_input(core::ExactAccumulator& joules) const override;
  void reset_energy_input() override;
  // atmosphere_mean_temperature, area-weighted, degC.
  void add_diagnostics(std::vector<core::GlobalMean>& means) const override;

  // What the step streams per owned cell (dynamics.cpp): 56 B explicit; super-stepped, the advection
  // substep and its copy (32 B, with wind), 40, 48, then 56 B per RKL2 stage and the final sum (24 B).
  double bytes_per_cell_step() const override;

  // Per-row constants of the update for one global row (see dynamics.cpp).
  using Row = earth::DiffusionRow;  // per owned row, from earth::diffusion_row

 private:
  void read_options(const core::Config& config, double base_dt, int rank);
  void set_initial_state(const core::Config& config);
  void step();
  // The explicit single stage: diffusion, sources and advection together (dt <= explicit_time_step()).
  void explicit_step();
  // Beyond the explicit limit: the limited advection alone, then s RKL2 stages of the rest.
  void super_step();
  void advect_cells(int i0, int i1, int j0, int j1);
  // One RKL2 stage (1-based) for owned cells [i0, i1) x [j0, j1); Kind: 1 first, 2 second, 0 later.
  template <int Kind>
  void stage_cells(int stage, int i0, int i1, int j0, int j1);
  // Forward-Euler limit of diffusion plus longwave (what RKL2 stretches), s.
  double parabolic_time_step() const;
  // The sharp forward-Euler rate of each process, s-1, from every global row.
  double diffusion_rate() const;
  double advection_rate() const;
  double longwave_rate() const;
  // Writes next_ for owned cells [i0, i1) x [j0, j1); reads t_ (halo included) and flux_.
  void update_cells(int i0, int i1, int j0, int j1);
  Row row_constants(int global_j) const;

  // Options (see declare_options for units).
  double dt_ = 0, capacity_ = 0, diffusivity_ = 0, olr_a_ = 0, olr_b_ = 0, wind_ = 0;
  double polar_latitude_ = 0, initial_temperature_ = 0;  // radians, degC
  bool longwave_ = true;
  std::string initial_;

  const core::Decomposition* decomp_ = nullptr;
  const core::SphereGrid* grid_ = nullptr;
  std::optional<earth::Insolation> sun_;  // only where sunlight.absorbed_by_air > 0
  std::optional<core::Field> t_, flux_, input_;  // input_: J m-2 crossed the top since last taken
  long long steps_ = 0;                          // time is steps_ * dt_: the seasonal sunlight
  std::vector<Row> rows_;     // one per owned row
  std::vector<double> next_;  // the new owned values, written before any is stored
  double courant_ = 0;        // u0 dt / (radius dlon): the same in every row
  // Super-stepping (stages_ > 1): coefficients, each stage's weight in the step's input count, and
  // the increments D_j = Y_j - Y_0 (halo 1), two fields in turn (see earth/super_time_step.hpp).
  int stages_ = 1;
  std::vector<earth::Rkl2Stage> rkl2_;
  std::vector<double> rkl2_weights_;
  std::optional<core::Field> d_a_, d_b_;
};

// A new atmosphere, not yet set up.
std::unique_ptr<core::Component> make_component();

}  // namespace meridian::atmosphere
