#pragma once
// A passive tracer q (kg kg-1) with no transport, relaxing toward a target value:
//
//   dq/dt = (target - q) / timescale
//
// from an initial state above the target that varies with longitude and latitude. Each cell's update reads only
// itself, so the answer is bitwise the same on any decomposition. It takes the atmosphere's place
// in the coupler (the first component of a run); with no surfaces it exchanges nothing.
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"

class Tracer final : public meridian::core::Component {
 public:
  std::string name() const override { return "tracer"; }
  meridian::core::CouplingRole role() const override { return meridian::core::CouplingRole::atmosphere; }
  // tracer.dt, tracer.timescale, tracer.target, tracer.amplitude.
  void declare_options(meridian::core::OptionRegistry& options) const override;
  // Local: reads the options, allocates q and sets its initial state.
  void setup(const meridian::core::ComponentContext& context) override;
  // q: checkpointed (restart) and written to history files.
  std::vector<meridian::core::FieldEntry> fields() override;
  // The coupler's atmosphere contract: q stands for "air_temperature", and the flux it would hand
  // back ("surface_heat_flux") stays zero with no surfaces.
  meridian::core::Field* coupling_field(const std::string& name) override;
  double exchange_coefficient() const override { return 0.0; }
  double heat_capacity() const override { return 1.0; }
  int halo_width() const override { return 0; }
  double time_step() const override { return dt_; }  // s
  // Relaxing with dt > timescale would overshoot the target.
  double stable_time_step() const override { return timescale_; }
  std::string time_step_key() const override { return "tracer.dt"; }
  // Local.
  void advance(double duration) override;
  void restarted(double) override {}  // no halo, no derived state
  // The tracer mass, sum of q * area (kg kg-1 m2), stands in for the conserved total.
  void add_energy(meridian::core::ExactAccumulator& total) const override;
  // tracer_mean, weighted by cell area.
  void add_diagnostics(std::vector<meridian::core::GlobalMean>& means) const override;

 private:
  double dt_ = 0, timescale_ = 0, target_ = 0;
  const meridian::core::Decomposition* decomp_ = nullptr;
  const meridian::core::SphereGrid* grid_ = nullptr;
  std::optional<meridian::core::Field> q_, flux_;
};
