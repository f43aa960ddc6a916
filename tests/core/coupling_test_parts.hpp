#pragma once
// Components and a mediator with no physics, for testing the framework's coupling on its own: the
// values they exchange are known in closed form, so every delivery can be checked exactly.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/core/mediator.hpp"
#include "meridian/core/time_step.hpp"

namespace meridian::test {

// "source": exports ramp(i, j) = t + 1000 * (global j * nx + i) after each step (t its time, s), with
// coverage "cover" = ((i + j) % 4) / 4, and "half" = 0.5 and "part" = source.part everywhere.
class Source final : public core::Component {
 public:
  std::string name() const override { return "source"; }
  void declare_options(core::OptionRegistry& o) const override {
    o.add_real("source.dt", 0.0, "s", "time step (0 = run.dt)").range(0, std::nullopt);
    o.add_real("source.part", 0.5, "1", "the value of the export part").range(0, 1);
  }
  std::vector<core::CouplingField> exports() const override {
    return {{.name = "ramp", .units = "s", .coverage = "cover"},
            {.name = "cover", .units = "1"},
            {.name = "half", .units = "1"},
            {.name = "part", .units = "1"}};
  }
  std::vector<core::CouplingField> imports() const override { return {}; }
  void setup(const core::ComponentContext& c) override {
    d_ = &c.decomposition;
    dt_ = core::component_time_step(c.config.real("source.dt"), c.base_dt, "source.dt", d_->rank());
    for (const char* n : {"ramp", "cover", "half", "part"}) fields_.emplace_back(n, *d_, 0);
    for (int j = 0; j < d_->ny_local(); ++j)
      for (int i = 0; i < d_->nx_local(); ++i) {
        const int gi = d_->x_range().begin + i, gj = d_->y_range().begin + j;
        fields_[1](i, j) = double((gi + gj) % 4) / 4.0;
        fields_[2](i, j) = 0.5;
        fields_[3](i, j) = c.config.real("source.part");
      }
    set_ramp();
  }
  std::vector<core::FieldEntry> fields() override {
    return {{{.name = "ramp", .units = "s", .restart = true}, &fields_[0]}};
  }
  core::Field* coupling_field(const std::string& n) override {
    for (core::Field& f : fields_)
      if (f.name() == n) return &f;
    return nullptr;
  }
  int halo_width() const override { return 0; }
  double time_step() const override { return dt_; }
  double stable_time_step() const override { return 1e30; }
  std::string time_step_key() const override { return "source.dt"; }
  void advance(double duration) override {
    steps_ += core::whole_steps(duration, dt_, "source advance", d_->rank());
    set_ramp();
  }
  void restarted(double time) override {
    steps_ = core::whole_steps(time, dt_, "source time", d_->rank());
    set_ramp();
  }
  void add_energy(core::ExactAccumulator&) const override {}
  void add_diagnostics(std::vector<core::GlobalMean>&) const override {}
  // The value ramp has at time t in global cell (gi, gj).
  static double ramp(double t, int gi, int gj, int nx) { return t + 1000.0 * (double(gj) * nx + gi); }

 private:
  void set_ramp() {
    for (int j = 0; j < d_->ny_local(); ++j)
      for (int i = 0; i < d_->nx_local(); ++i)
        fields_[0](i, j) = ramp(double(steps_) * dt_, d_->x_range().begin + i, d_->y_range().begin + j, d_->grid().nx);
  }
  const core::Decomposition* d_ = nullptr;
  double dt_ = 0;
  long long steps_ = 0;
  std::vector<core::Field> fields_;
};

// "probe": imports "value" (units given at construction) and keeps what it received before each
// advance in `seen`.
class Probe final : public core::Component {
 public:
  explicit Probe(std::string units = "s") : units_(std::move(units)) {}
  std::string name() const override { return "probe"; }
  void declare_options(core::OptionRegistry&) const override {}
  std::vector<core::CouplingField> exports() const override { return {}; }
  std::vector<core::CouplingField> imports() const override { return {{.name = "value", .units = units_}}; }
  void setup(const core::ComponentContext& c) override {
    d_ = &c.decomposition;
    dt_ = c.base_dt;
    value_.emplace("value", *d_, 0);
    x0 = d_->x_range().begin;
    y0 = d_->y_range().begin;
  }
  std::vector<core::FieldEntry> fields() override { return {}; }
  core::Field* coupling_field(const std::string& n) override { return n == "value" ? &*value_ : nullptr; }
  int halo_width() const override { return 0; }
  double time_step() const override { return dt_; }
  double stable_time_step() const override { return 1e30; }
  std::string time_step_key() const override { return "run.dt"; }
  void advance(double) override { seen.push_back(*value_); }
  void restarted(double) override {}
  void add_energy(core::ExactAccumulator&) const override {}
  void add_diagnostics(std::vector<core::GlobalMean>&) const override {}
  std::vector<core::Field> seen;
  int x0 = 0, y0 = 0;  // its block's first global cell

 private:
  std::string units_;
  const core::Decomposition* d_ = nullptr;
  double dt_ = 0;
  std::optional<core::Field> value_;
};

// "sum": imports a and b (fractions that must partition each cell) and exports total = a + b.
class Sum : public core::Mediator {
 public:
  std::string name() const override { return "sum"; }
  void declare_options(core::OptionRegistry&) const override {}
  std::vector<core::CouplingField> imports() const override {
    return {{.name = "a", .units = "1"}, {.name = "b", .units = "1", .optional = true}};
  }
  std::vector<core::CouplingField> exports() const override { return {{.name = "total", .units = "1"}}; }
  std::vector<std::string> partition() const override { return {"a", "b"}; }
  void setup(const core::MediatorContext&) override {}
  void compute(const core::MediatorFields& f) override {
    core::Field& out = *f.exports[0];
    for (int j = 0; j < out.ny(); ++j)
      for (int i = 0; i < out.nx(); ++i) out(i, j) = (*f.imports[0])(i, j) + (f.imports[1] ? (*f.imports[1])(i, j) : 0.0);
  }
};

// A Sum under another name, to chain mediators.
class NamedSum : public Sum {
 public:
  explicit NamedSum(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }

 private:
  std::string name_;
};

}  // namespace meridian::test
