#include "stock_model.hpp"

#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/earth/geography.hpp"
#include "meridian/earth/surface_exchange.hpp"
#include "meridian/land/land.hpp"
#include "meridian/ocean/ocean.hpp"
#include "meridian/seaice/seaice.hpp"

namespace meridian::stock {

app::Registry stock_registry() {
  app::Registry registry("meridian");
  registry.set_description("Runs the coupled atmosphere-ocean-land model.");
  registry.add_component("atmosphere", [] { return atmosphere::make_component(); });
  registry.add_component("ocean", [] { return ocean::make_component(); });
  registry.add_component("land", [] { return land::make_component(); });
  registry.add_component("seaice", [] { return seaice::make_component(); });
  registry.add_mediator("surface_exchange", [] { return earth::make_surface_exchange(); });
  registry.add_options(earth::declare_model_options);
  registry.set_defaults(default_config_text(), "configs/default.ini");
  return registry;
}

}  // namespace meridian::stock
