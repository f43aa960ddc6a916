// The sea ice's step, its exported fraction and its energy and diagnostics. Every cell reads only
// itself, in no particular order, so the bits do not depend on the decomposition.
#include <limits>
#include <utility>

#include "meridian/core/time_step.hpp"
#include "meridian/seaice/seaice.hpp"

namespace meridian::seaice {

double SeaIce::stable_time_step() const { return std::numeric_limits<double>::infinity(); }

void SeaIce::step() {
  core::Field& v = *volume_;
  const core::Field& flux = *flux_;
  core::Field& input = *input_;
  const core::Field& sunlight = *sunlight_;
  // m of ice per J m-2: one product per cell, so a step is V - F * (dt / (rho_i L_f)) everywhere.
  const double melt_per_flux = dt_ / (density_ * latent_heat_);
  for (int j = 0; j < v.ny(); ++j)
    for (int i = 0; i < v.nx(); ++i) {
      const double next = v(i, j) - flux(i, j) * melt_per_flux;
      // The mediator caps F so that an interval melts at most the ice there is, so this clamp only
      // removes round-off below zero (and any excess of a flux that broke that contract, which then
      // leaves the energy budget). Written as a comparison so a NaN stays for the health check.
      v(i, j) = next < 0.0 ? 0.0 : next;
      input(i, j) += dt_ * sunlight(i, j);  // J m-2; zero where the sunlight is not coupled
    }
}

void SeaIce::update_fraction() {
  const core::Field& v = *volume_;
  const core::Field& sea = *sea_fraction_;
  core::Field& a = *fraction_;
  for (int j = 0; j < a.ny(); ++j)
    for (int i = 0; i < a.nx(); ++i) {
      // min(f_s, V / h0): ice covers the sea part once its mean thickness reaches h0; no sea (f_s =
      // 0), no cover, since V >= 0.
      const double cover = v(i, j) / closing_thickness_;
      a(i, j) = cover < sea(i, j) ? cover : sea(i, j);
    }
}

void SeaIce::advance(double duration) {
  const long long steps = core::whole_steps(duration, dt_, "seaice advance", decomp_->rank());
  // The sea fraction may have arrived since the last update (after setup or a restart).
  update_fraction();
  for (long long n = 0; n < steps; ++n) step();
  update_fraction();  // exports are read between advances
}

void SeaIce::restarted(double /*time*/) { update_fraction(); }

void SeaIce::add_energy(core::ExactAccumulator& joules) const {
  // E = -rho_i L_f V per unit cell area: the latent heat the ice lacks relative to water at freezing.
  const double per_volume = density_ * latent_heat_;
  const core::Field& v = *volume_;
  core::ExactAdder adder(joules);  // every cell: the fast path into the exact sum
  for (int j = 0; j < v.ny(); ++j) {
    const double area = grid_->area(decomp_->y_range().begin + j);
    for (int i = 0; i < v.nx(); ++i) adder.add(-per_volume * v(i, j) * area);
  }
}

void SeaIce::add_energy_input(core::ExactAccumulator& joules) const {
  const core::Field& input = *input_;
  core::ExactAdder adder(joules);
  for (int j = 0; j < input.ny(); ++j) {
    const double area = grid_->area(decomp_->y_range().begin + j);
    for (int i = 0; i < input.nx(); ++i) adder.add(input(i, j) * area);
  }
}

void SeaIce::reset_energy_input() { input_->fill(0.0); }

void SeaIce::add_diagnostics(std::vector<core::GlobalMean>& means) const {
  core::GlobalMean cover{.name = "seaice_area_fraction_mean", .weighted = {}, .weight = {}};
  core::GlobalMean volume{.name = "seaice_volume_mean", .weighted = {}, .weight = {}};
  const core::Field& v = *volume_;
  const core::Field& a = *fraction_;
  {
    // Both means weigh by the cell area: one sum, copied below.
    core::ExactAdder cover_weighted(cover.weighted), volume_weighted(volume.weighted),
        weight(cover.weight);  // flushed at the brace
    for (int j = 0; j < v.ny(); ++j) {
      const double area = grid_->area(decomp_->y_range().begin + j);
      for (int i = 0; i < v.nx(); ++i) {
        cover_weighted.add(a(i, j) * area);
        volume_weighted.add(v(i, j) * area);
        weight.add(area);
      }
    }
  }
  volume.weight = cover.weight;
  means.push_back(std::move(cover));
  means.push_back(std::move(volume));
}

}  // namespace meridian::seaice
