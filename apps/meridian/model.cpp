#include "model.hpp"

#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/land/land.hpp"
#include "meridian/ocean/ocean.hpp"

namespace meridian::app {

std::vector<std::unique_ptr<core::Component>> make_components() {
  std::vector<std::unique_ptr<core::Component>> c;
  c.push_back(atmosphere::make_component());
  c.push_back(ocean::make_component());
  c.push_back(land::make_component());
  return c;
}

core::OptionRegistry declare_all_options() {
  core::OptionRegistry registry;
  core::declare_driver_options(registry);
  for (const auto& c : make_components()) {
    c->declare_options(registry);
    core::declare_ranks_option(registry, c->name());
    if (c->name() == "ocean") core::declare_refine_option(registry, c->name());
  }
  return registry;
}

}  // namespace meridian::app
