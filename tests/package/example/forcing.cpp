#include "forcing.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include "meridian/core/time_step.hpp"

namespace core = meridian::core;

void Forcing::declare_options(core::OptionRegistry& o) const {
  o.add_real("forcing.base", 1.0, "kg kg-1", "mean target").range(0, std::nullopt);
  o.add_real("forcing.amplitude", 0.5, "kg kg-1", "target's departure at the equator").range(0, std::nullopt);
  o.add_real("forcing.period", 86400.0, "s", "period of the target's cycle").range(1.0, std::nullopt);
}

std::vector<core::CouplingField> Forcing::exports() const {
  return {{.name = "target", .units = "kg kg-1", .description = "the value a tracer should relax toward"}};
}

void Forcing::setup(const core::ComponentContext& context) {
  decomp_ = &context.decomposition;
  grid_ = &context.grid;
  dt_ = context.base_dt;
  base_ = context.config.real("forcing.base");
  amplitude_ = context.config.real("forcing.amplitude");
  period_ = context.config.real("forcing.period");
  target_.emplace("target", *decomp_, 0);
  steps_ = 0;
  update();
}

core::Field* Forcing::coupling_field(const std::string& name) { return name == "target" ? &*target_ : nullptr; }

double Forcing::stable_time_step() const { return std::numeric_limits<double>::infinity(); }

void Forcing::advance(double duration) {
  steps_ += core::whole_steps(duration, dt_, "forcing advance", decomp_->rank());
  update();
}

void Forcing::restarted(double time) {
  steps_ = core::whole_steps(time, dt_, "forcing time", decomp_->rank());
  update();
}

void Forcing::update() {
  const double phase = std::sin(2 * std::numbers::pi * double(steps_) * dt_ / period_);
  for (int j = 0; j < target_->ny(); ++j) {
    const double lat = grid_->lat(decomp_->y_range().begin + j);  // global row: the same on any rank
    for (int i = 0; i < target_->nx(); ++i) (*target_)(i, j) = base_ + amplitude_ * std::cos(lat) * phase;
  }
}
