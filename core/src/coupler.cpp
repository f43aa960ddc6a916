#include "meridian/core/coupler.hpp"

#include <algorithm>
#include <limits>

#include "meridian/core/error.hpp"
#include "meridian/core/sphere_grid.hpp"
#include "meridian/core/timers.hpp"

namespace meridian::core {

namespace {
Field* require(Component* c, const std::string& name) {
  if (!c) return nullptr;
  Field* f = c->coupling_field(name);
  if (!f) throw Error(-1, "coupler", "component '" + c->name() + "' has no coupling field '" + name + "'");
  return f;
}
}  // namespace

Redistribution plan_surface_route(MPI_Comm run, const Placement& surface, int refine, const Placement& atmosphere) {
  return Redistribution(run, surface, atmosphere, refine, 2);  // (T_s, f_s) per cell, as compute() reads them
}

Coupler::Coupler(MPI_Comm run, CouplingSide atmosphere, std::vector<CouplingSide> surfaces)
    : atmosphere_(std::move(atmosphere)),
      air_temperature_(require(atmosphere_.component, "air_temperature")),
      air_flux_(require(atmosphere_.component, "surface_heat_flux")) {
  int me = 0;
  MERIDIAN_MPI(MPI_Comm_rank(run, &me), run);
  const Placement& air = atmosphere_.placement;
  const SphereGrid air_grid(air.grid.nx, air.grid.ny);
  if (atmosphere_.component)
    for (int j = air.y_range(me).begin; j < air.y_range(me).end; ++j) air_area_.push_back(air_grid.area(j));
  for (CouplingSide& s : surfaces) {
    Surface out;
    out.temperature = require(s.component, "surface_temperature");
    out.fraction = require(s.component, "surface_fraction");
    out.flux = require(s.component, "surface_heat_flux");
    out.route.emplace(plan_surface_route(run, s.placement, s.refine, air));
    if (atmosphere_.component && s.refine > 1) {
      const SphereGrid fine(s.placement.grid.nx, s.placement.grid.ny);
      for (int j = air.y_range(me).begin * s.refine; j < air.y_range(me).end * s.refine; ++j)
        out.fine_area.push_back(fine.area(j));
    }
    out.side = std::move(s);
    surfaces_.push_back(std::move(out));
  }
  // A rank's waits are charged to the component it runs (all of them share one in sequential layout).
  const bool all = atmosphere_.component && std::all_of(surfaces_.begin(), surfaces_.end(),
                                                        [](const Surface& s) { return s.side.component; });
  wait_phase_ = all ? "coupler wait" : (atmosphere_.component ? atmosphere_.name : std::string()) + " wait";
  for (const Surface& s : surfaces_)
    if (!all && s.side.component) wait_phase_ = s.side.name + " wait";
}

void Coupler::exchange() {
  ScopedTimer timer("coupler");
  for (Surface& s : surfaces_) {
    std::vector<const Field*> state;
    if (s.side.component) state = {s.temperature, s.fraction};
    s.route->gather_start(state);
  }
  std::vector<const std::vector<double>*> gathered;
  {
    ScopedTimer wait(wait_phase_);
    for (Surface& s : surfaces_) gathered.push_back(&s.route->gather_finish());
  }
  if (atmosphere_.component) compute(gathered);
  for (Surface& s : surfaces_) s.route->scatter_start();
  ScopedTimer wait(wait_phase_);
  for (Surface& s : surfaces_) s.route->scatter_finish(s.flux);
}

// Per atmosphere cell, surfaces in a fixed order: the same bits on every layout and rank count.
void Coupler::compute(const std::vector<const std::vector<double>*>& gathered) {
  const int nx = air_temperature_->nx(), ny = air_temperature_->ny();
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const double t_air = (*air_temperature_)(i, j);
      double into_air = 0.0;
      for (std::size_t n = 0; n < surfaces_.size(); ++n) {
        Surface& s = surfaces_[n];
        const double gamma = s.side.exchange_coefficient;
        const double* state = gathered[n]->data();
        double* back = s.route->scatter_buffer().data();
        const int r = s.side.refine;
        if (r == 1) {
          const std::size_t k = std::size_t(j) * nx + i;
          const double upward = gamma * (state[2 * k] - t_air);
          back[k] = -upward;
          into_air += state[2 * k + 1] * upward;
          continue;
        }
        // r x r fine cells, rows then columns: area-weighted, first-order conservative.
        double joules_per_second = 0.0;
        for (int b = 0; b < r; ++b) {
          const int fj = j * r + b;
          const double area = s.fine_area[std::size_t(fj)];
          for (int a = 0; a < r; ++a) {
            const std::size_t k = std::size_t(fj) * (std::size_t(nx) * r) + std::size_t(i) * r + a;
            const double upward = gamma * (state[2 * k] - t_air);
            back[k] = -upward;
            joules_per_second += state[2 * k + 1] * area * upward;
          }
        }
        into_air += joules_per_second / air_area_[std::size_t(j)];
      }
      (*air_flux_)(i, j) = into_air;
    }
}

double Coupler::stable_interval() const {
  double limit = std::numeric_limits<double>::infinity();
  for (const Surface& s : surfaces_) {
    const double gamma = s.side.exchange_coefficient;
    if (gamma > 0)
      limit = std::min(limit, 1.0 / (gamma * (1.0 / s.side.heat_capacity + 1.0 / atmosphere_.heat_capacity)));
  }
  return limit;
}

}  // namespace meridian::core
