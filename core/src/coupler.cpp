#include "meridian/core/coupler.hpp"

#include <algorithm>
#include <limits>

#include "meridian/core/error.hpp"
#include "meridian/core/timers.hpp"

namespace meridian::core {

namespace {
Field* require(Component& c, const std::string& name) {
  Field* f = c.coupling_field(name);
  if (!f) throw Error(-1, "coupler", "component '" + c.name() + "' has no coupling field '" + name + "'");
  return f;
}
}  // namespace

Coupler::Coupler(Component& atmosphere, std::vector<Component*> surfaces)
    : atmosphere_(atmosphere),
      air_temperature_(require(atmosphere, "air_temperature")),
      air_flux_(require(atmosphere, "surface_heat_flux")) {
  for (Component* s : surfaces)
    surfaces_.push_back({s, require(*s, "surface_temperature"), require(*s, "surface_fraction"),
                         require(*s, "surface_heat_flux")});
}

void Coupler::exchange() {
  ScopedTimer timer("coupler");
  const int nx = air_temperature_->nx(), ny = air_temperature_->ny();
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const double t_air = (*air_temperature_)(i, j);
      double into_air = 0.0;
      for (const Surface& s : surfaces_) {  // fixed order: the same bits on every layout
        const double upward = s.component->exchange_coefficient() * ((*s.temperature)(i, j) - t_air);
        (*s.flux)(i, j) = -upward;
        into_air += (*s.fraction)(i, j) * upward;
      }
      (*air_flux_)(i, j) = into_air;
    }
}

double Coupler::stable_interval() const {
  double limit = std::numeric_limits<double>::infinity();
  for (const Surface& s : surfaces_) {
    const double gamma = s.component->exchange_coefficient();
    if (gamma > 0)
      limit = std::min(limit, 1.0 / (gamma * (1.0 / s.component->heat_capacity() + 1.0 / atmosphere_.heat_capacity())));
  }
  return limit;
}

}  // namespace meridian::core
