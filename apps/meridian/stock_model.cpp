#include "stock_model.hpp"

#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/land/land.hpp"
#include "meridian/ocean/ocean.hpp"

namespace meridian::stock {

app::Registry stock_registry() {
  app::Registry registry("meridian");
  registry.set_description("Runs the coupled atmosphere-ocean-land model.");
  registry.add_component("atmosphere", [] { return atmosphere::make_component(); });
  registry.add_component("ocean", [] { return ocean::make_component(); });
  registry.add_component("land", [] { return land::make_component(); });
  registry.set_defaults(default_config_text(), "configs/default.ini");
  return registry;
}

}  // namespace meridian::stock
