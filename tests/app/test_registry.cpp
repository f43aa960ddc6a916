// app::Registry on its own: what a program registers is what a run gets (issue 12 item 5).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "meridian/app/registry.hpp"
#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/core/error.hpp"
#include "meridian/earth/geography.hpp"
#include "meridian/earth/surface_exchange.hpp"
#include "meridian/land/land.hpp"
#include "meridian/version.hpp"

using meridian::app::Registry;

namespace {

std::vector<std::string> keys(const Registry& r) {
  const meridian::core::OptionRegistry options = r.declare_options();
  std::vector<std::string> out;
  for (const auto& s : options.specs()) out.push_back(s.key);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& key) { return std::find(v.begin(), v.end(), key) != v.end(); }

}  // namespace

TEST_CASE("a registry makes its components in registration order and declares their options") {
  Registry r("my_model");
  r.add_component("land", [] { return meridian::land::make_component(); });
  r.add_component("atmosphere", [] { return meridian::atmosphere::make_component(); });
  CHECK(r.component_names() == std::vector<std::string>{"land", "atmosphere"});
  const auto components = r.make_components();
  REQUIRE(components.size() == 2);
  CHECK(components[0]->name() == "land");
  CHECK(components[1]->name() == "atmosphere");
  const std::vector<std::string> k = keys(r);
  for (const char* key : {"grid.nx", "run.dt", "land.heat_capacity", "land.ranks", "land.refine", "atmosphere.ranks",
                          "atmosphere.refine", "land.surface_heat_flux.from", "atmosphere.surface_heat_flux.time"})
    CHECK(has(k, key));
  CHECK_FALSE(has(k, "ocean.ranks"));
  // A component's layout and coupling options follow its own options, so --help lists them in its section.
  const auto land_last = std::find(k.begin(), k.end(), "land.surface_heat_flux.time");
  CHECK(land_last + 1 != k.end());
  CHECK((land_last + 1)->rfind("atmosphere.", 0) == 0);
}

TEST_CASE("a registry refuses a repeated, empty or mismatched component name") {
  Registry r("my_model");
  r.add_component("land", [] { return meridian::land::make_component(); });
  CHECK_THROWS_AS(r.add_component("land", [] { return meridian::land::make_component(); }), meridian::core::Error);
  CHECK_THROWS_AS(r.add_component("", [] { return meridian::land::make_component(); }), meridian::core::Error);
  CHECK_THROWS_AS(r.add_component("a.b", [] { return meridian::land::make_component(); }), meridian::core::Error);
  CHECK_THROWS_AS(r.add_component("sea", nullptr), meridian::core::Error);
  Registry wrong("my_model");
  wrong.add_component("ocean", [] { return meridian::land::make_component(); });  // calls itself "land"
  CHECK_THROWS_WITH(wrong.make_components(), Catch::Contains("registered as 'ocean' calls itself 'land'"));
  Registry empty("my_model");
  empty.add_component("land", [] { return std::unique_ptr<meridian::core::Component>(); });
  CHECK_THROWS_WITH(empty.make_components(), Catch::Contains("returned nothing"));
  CHECK_THROWS_AS(Registry(""), meridian::core::Error);
}

TEST_CASE("a registry's version, description and defaults") {
  Registry r("my_model");
  r.add_component("land", [] { return meridian::land::make_component(); });
  CHECK(r.version() == MERIDIAN_VERSION);
  CHECK_FALSE(r.has_own_version());
  CHECK_FALSE(r.has_defaults());
  CHECK(r.description() == "Runs a coupled model of land.");
  r.add_component("atmosphere", [] { return meridian::atmosphere::make_component(); });
  CHECK(r.description() == "Runs a coupled model of land and atmosphere.");
  r.set_version("2.1");
  r.set_defaults("[grid]\nnx = 8\n", "mine.ini");
  r.set_description("Runs mine.");
  CHECK(r.version() == "2.1");
  CHECK(r.has_own_version());
  CHECK(r.has_defaults());
  CHECK(r.defaults_source() == "mine.ini");
  CHECK(r.defaults() == "[grid]\nnx = 8\n");
  CHECK(r.description() == "Runs mine.");
}

TEST_CASE("a registry's mediators and model options are declared; a run takes the components its config lists") {
  Registry r("my_model");
  r.add_component("atmosphere", [] { return meridian::atmosphere::make_component(); });
  r.add_component("land", [] { return meridian::land::make_component(); });
  r.add_mediator("surface_exchange", [] { return meridian::earth::make_surface_exchange(); });
  r.add_options(meridian::earth::declare_model_options);
  CHECK_THROWS_WITH(r.add_mediator("land", [] { return meridian::earth::make_surface_exchange(); }),
                    Catch::Contains("registered twice"));
  const meridian::core::OptionRegistry options = r.declare_options();
  const std::vector<std::string> k = keys(r);
  for (const char* key : {"grid.mask", "sunlight.enabled", "surface_exchange.host", "surface_exchange.ocean_gamma",
                          "surface_exchange.air_temperature.from", "surface_exchange.ice_volume.regrid"})
    CHECK(has(k, key));
  const auto config = [&](const std::string& components) {
    return meridian::core::Config::resolve(options, "", "test", {"--coupling.components=" + components});
  };
  const auto both = r.make_components(config(""));
  REQUIRE(both.size() == 2);
  CHECK(both[0]->name() == "atmosphere");
  const auto reordered = r.make_components(config("land atmosphere"));
  REQUIRE(reordered.size() == 2);
  CHECK(reordered[0]->name() == "land");
  CHECK(r.make_components(config("land")).size() == 1);
  CHECK(r.make_mediators(config("")).size() == 1);
  CHECK_THROWS_WITH(r.make_components(config("land ocean")),
                    Catch::Contains("coupling.components = 'land ocean': 'ocean' is not one of this program's: "
                                    "atmosphere, land"));
  CHECK_THROWS_WITH(r.make_components(config("land land")), Catch::Contains("'land' is listed twice"));
}
