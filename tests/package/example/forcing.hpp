#pragma once
// The tracer's target: a field that varies in space and time, target = base + amplitude cos(lat)
// sin(2 pi t / period), exported as "target" (kg kg-1). A stand-in for whatever another model would
// compute; it knows nothing of the tracer.
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"

class Forcing final : public meridian::core::Component {
 public:
  std::string name() const override { return "forcing"; }
  // forcing.base, forcing.amplitude, forcing.period.
  void declare_options(meridian::core::OptionRegistry& options) const override;
  std::vector<meridian::core::CouplingField> exports() const override;
  std::vector<meridian::core::CouplingField> imports() const override { return {}; }
  void setup(const meridian::core::ComponentContext& context) override;
  std::vector<meridian::core::FieldEntry> fields() override { return {}; }  // nothing to write or restart
  meridian::core::Field* coupling_field(const std::string& name) override;
  int halo_width() const override { return 0; }
  double time_step() const override { return dt_; }
  double stable_time_step() const override;  // no limit: infinity
  std::string time_step_key() const override { return "run.dt"; }
  void advance(double duration) override;
  // Its state is its clock: set from the time of the restart.
  void restarted(double time) override;
  void add_energy(meridian::core::ExactAccumulator&) const override {}
  void add_diagnostics(std::vector<meridian::core::GlobalMean>&) const override {}

 private:
  void update();
  double dt_ = 0, base_ = 0, amplitude_ = 0, period_ = 0;
  long long steps_ = 0;  // time is steps_ * dt_, never a running sum: restarts keep the bits
  const meridian::core::Decomposition* decomp_ = nullptr;
  const meridian::core::SphereGrid* grid_ = nullptr;
  std::optional<meridian::core::Field> target_;
};
