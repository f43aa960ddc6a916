#include "tracer.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include "meridian/core/time_step.hpp"

namespace core = meridian::core;

void Tracer::declare_options(core::OptionRegistry& o) const {
  o.add_real("tracer.dt", 0.0, "s", "time step; 0 means run.dt, otherwise a whole multiple of run.dt").range(0, std::nullopt);
  o.add_real("tracer.timescale", 86400.0, "s", "relaxation time toward the imported target").range(1.0, std::nullopt);
  o.add_real("tracer.initial", 1.0, "kg kg-1", "mean initial value").range(0, std::nullopt);
  o.add_real("tracer.amplitude", 0.5, "kg kg-1", "initial departure from tracer.initial, varying with position")
      .range(0, std::nullopt);
}

std::vector<core::CouplingField> Tracer::exports() const {
  return {{.name = "q", .units = "kg kg-1", .description = "the tracer"}};
}

std::vector<core::CouplingField> Tracer::imports() const {
  return {{.name = "target", .units = "kg kg-1", .description = "the value q relaxes toward"}};
}

void Tracer::setup(const core::ComponentContext& context) {
  const core::Config& c = context.config;
  decomp_ = &context.decomposition;
  grid_ = &context.grid;
  dt_ = core::component_time_step(c.real("tracer.dt"), context.base_dt, "tracer.dt", decomp_->rank());
  timescale_ = c.real("tracer.timescale");
  const double initial = c.real("tracer.initial"), amplitude = c.real("tracer.amplitude");
  q_.emplace("q", *decomp_, 0);
  target_.emplace("target", *decomp_, 0);  // set by the coupler before every advance
  // Highest at the equator and at 90 degrees east; computed from global
  // indices only, so a cell's value does not depend on which rank owns it.
  for (int j = 0; j < q_->ny(); ++j)
    for (int i = 0; i < q_->nx(); ++i) {
      const double lon = grid_->lon_deg(decomp_->x_range().begin + i) * std::numbers::pi / 180.0;
      const double lat = grid_->lat(decomp_->y_range().begin + j);
      (*q_)(i, j) = initial + amplitude * std::cos(lat) * (1.0 + 0.5 * std::sin(lon));
    }
}

std::vector<core::FieldEntry> Tracer::fields() {
  return {{{.name = "q", .units = "kg kg-1", .long_name = "passive tracer", .restart = true, .output = true,
            .valid_min = 0, .valid_max = 10},
           &*q_},
          {{.name = "target", .units = "kg kg-1", .long_name = "the imported target", .output = true}, &*target_}};
}

core::Field* Tracer::coupling_field(const std::string& name) {
  if (name == "q") return &*q_;
  if (name == "target") return &*target_;
  return nullptr;
}

void Tracer::advance(double duration) {
  const long long steps = core::whole_steps(duration, dt_, "tracer advance", decomp_->rank());
  const double rate = dt_ / timescale_;
  for (long long n = 0; n < steps; ++n)
    for (int j = 0; j < q_->ny(); ++j)
      for (int i = 0; i < q_->nx(); ++i) (*q_)(i, j) += rate * ((*target_)(i, j) - (*q_)(i, j));
}

void Tracer::add_energy(core::ExactAccumulator& total) const {
  for (int j = 0; j < q_->ny(); ++j)
    for (int i = 0; i < q_->nx(); ++i) total.add((*q_)(i, j) * grid_->area(decomp_->y_range().begin + j));
}

void Tracer::add_diagnostics(std::vector<core::GlobalMean>& means) const {
  core::GlobalMean mean{"tracer_mean", {}, {}};
  for (int j = 0; j < q_->ny(); ++j) {
    const double area = grid_->area(decomp_->y_range().begin + j);
    for (int i = 0; i < q_->nx(); ++i) {
      mean.weighted.add((*q_)(i, j) * area);
      mean.weight.add(area);
    }
  }
  means.push_back(std::move(mean));
}
