#include "meridian/core/driver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>

#include "meridian/core/error.hpp"
#include "meridian/core/time_step.hpp"
#include "meridian/core/timers.hpp"

namespace meridian::core {

namespace {

int widest_halo(const std::vector<std::unique_ptr<Component>>& components) {
  int w = 1;
  for (const auto& c : components) w = std::max(w, c->halo_width());
  return w;
}

std::vector<Component*> surfaces_of(const std::vector<std::unique_ptr<Component>>& components) {
  std::vector<Component*> out;
  for (const auto& c : components)
    if (c->role() == CouplingRole::surface) out.push_back(c.get());
  return out;
}

std::string diagnostics_path(const Config& c) { return c.text("output.dir") + "/diagnostics.csv"; }

}  // namespace

Driver::Driver(MPI_Comm comm, const Config& config, std::vector<std::unique_ptr<Component>> components,
               std::ostream* log)
    : comm_(comm),
      config_(config),
      components_(std::move(components)),
      log_(log),
      grid_(int(config.integer("grid.nx")), int(config.integer("grid.ny"))),
      mask_(config.text("grid.mask"), config.text("grid.mask_file"), grid_),
      decomp_(comm, {grid_.nx(), grid_.ny(), true, false},
              {int(config.integer("decomp.px")), int(config.integer("decomp.py"))}, widest_halo(components_)),
      clock_(config.real("run.dt"), config.integer("run.steps")),
      coupling_steps_(config.integer("coupling.every")) {
  if (components_.empty() || components_.front()->role() != CouplingRole::atmosphere)
    throw Error(decomp_.rank(), "driver", "the first component must be the atmosphere");
  const ComponentContext context{config_, decomp_, grid_, mask_, clock_.dt()};
  for (auto& c : components_) c->setup(context);
  coupler_.emplace(*components_.front(), surfaces_of(components_));
}

void Driver::validate() const {
  const double dt = clock_.dt();
  const double interval = double(coupling_steps_) * dt;
  const auto fail = [&](const std::string& m) { throw ConfigError(decomp_.rank(), "", m); };
  const auto seconds = format_seconds;
  for (const auto& c : components_) {
    const double step = c->time_step();
    const double ratio = step / dt;
    if (!(ratio >= 1) || ratio != std::round(ratio))
      fail(c->time_step_key() + " = " + seconds(step) + " is not a whole multiple of run.dt = " + seconds(dt));
    const double per_interval = interval / step;
    if (per_interval != std::round(per_interval))
      fail("coupling.every = " + std::to_string(coupling_steps_) + " steps (" + seconds(interval) +
           ") is not a whole multiple of " + c->time_step_key() + " = " + seconds(step));
    const double stable = c->stable_time_step();
    if (step > stable)
      fail(c->time_step_key() + " = " + seconds(step) + " is unstable for this grid; the largest stable step is " +
           seconds(stable) + " (reduce it, or run.dt)");
  }
  if (interval > coupler_->stable_interval())
    fail("coupling.every = " + std::to_string(coupling_steps_) + " steps (" + seconds(interval) +
         ") is longer than the stable coupling interval " + seconds(coupler_->stable_interval()) +
         " (gamma and heat capacities of the surfaces)");
  for (const char* key : {"run.steps", "output.every", "restart.every", "diagnostics.every", "run.progress_every"}) {
    const long long v = config_.integer(key);
    if (v % coupling_steps_ != 0)
      fail(std::string(key) + " = " + std::to_string(v) + " is not a multiple of coupling.every = " +
           std::to_string(coupling_steps_) + " (output happens between coupling intervals)");
  }
}

std::vector<ComponentOutput> Driver::outputs() {
  std::vector<ComponentOutput> out;
  for (auto& c : components_) out.push_back({c->name(), &decomp_, &grid_, c->fields()});
  return out;
}

double Driver::total_energy() const {
  ExactAccumulator joules;
  for (const auto& c : components_) c->add_energy(joules);
  return reproducible_sums({joules}, comm_)[0];
}

std::size_t Driver::field_bytes_per_rank() {
  std::size_t bytes = 0;
  for (auto& c : components_)
    for (const FieldEntry& f : c->fields()) bytes += f.field->size() * sizeof(double);
  return bytes;
}

std::size_t Driver::history_bytes_per_output() {
  std::size_t bytes = 0;
  for (auto& c : components_)
    for (const FieldEntry& f : c->fields())
      if (f.meta.output) bytes += std::size_t(grid_.nx()) * grid_.ny() * f.field->nz() * sizeof(double);
  return bytes;
}

void Driver::write_diagnostics(bool header) {
  std::vector<GlobalMean> means;
  for (const auto& c : components_) c->add_diagnostics(means);
  std::vector<ExactAccumulator> sums;
  ExactAccumulator joules;
  for (const auto& c : components_) c->add_energy(joules);
  sums.push_back(joules);
  for (const GlobalMean& m : means) sums.push_back(m.weighted), sums.push_back(m.weight);
  const std::vector<double> total = reproducible_sums(std::move(sums), comm_);
  if (decomp_.rank() != 0) return;
  std::ofstream out(diagnostics_path(config_), header ? std::ios::trunc : std::ios::app);
  if (!out) throw Error(0, "diagnostics", "cannot write " + diagnostics_path(config_));
  if (header) {
    out << "step,time,total_energy";
    for (const GlobalMean& m : means) out << ',' << m.name;
    out << '\n';
  }
  char buf[64];
  out << clock_.step();
  std::snprintf(buf, sizeof buf, ",%.17g,%.17g", clock_.time(), total[0]);
  out << buf;
  for (std::size_t m = 0; m < means.size(); ++m) {
    std::snprintf(buf, sizeof buf, ",%.17g", total[2 * m + 2] > 0 ? total[2 * m + 1] / total[2 * m + 2] : 0.0);
    out << buf;
  }
  out << '\n';
}

}  // namespace meridian::core
