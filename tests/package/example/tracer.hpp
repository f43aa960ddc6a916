#pragma once
// A passive tracer q (kg kg-1) with no transport, relaxing toward a target that another component
// provides (its import "target", coupled in the run's config):
//
//   dq/dt = (target - q) / timescale
//
// from an initial state that varies with longitude and latitude. Each cell's update reads only
// itself, so the answer is bitwise the same on any decomposition.
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"

class Tracer final : public meridian::core::Component {
 public:
  std::string name() const override { return "tracer"; }
  // tracer.dt, tracer.timescale, tracer.initial, tracer.amplitude.
  void declare_options(meridian::core::OptionRegistry& options) const override;
  // It offers q to others and needs "target" (kg kg-1) from somewhere: the config says where.
  std::vector<meridian::core::CouplingField> exports() const override;
  std::vector<meridian::core::CouplingField> imports() const override;
  // Local: reads the options, allocates q and its import, sets the initial state.
  void setup(const meridian::core::ComponentContext& context) override;
  // q: checkpointed (restart) and written to history files; target: written.
  std::vector<meridian::core::FieldEntry> fields() override;
  // "q" and "target": the storage the coupler reads and writes between advances.
  meridian::core::Field* coupling_field(const std::string& name) override;
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
  double dt_ = 0, timescale_ = 0;
  const meridian::core::Decomposition* decomp_ = nullptr;
  const meridian::core::SphereGrid* grid_ = nullptr;
  std::optional<meridian::core::Field> q_, target_;
};
