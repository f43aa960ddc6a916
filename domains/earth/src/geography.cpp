#include "meridian/earth/geography.hpp"

#include <algorithm>

#include "meridian/earth/insolation.hpp"

namespace meridian::earth {

void declare_model_options(core::OptionRegistry& o) {
  o.add_choice("grid.mask", "continents", {"aquaplanet", "landplanet", "continents", "earth", "file"},
               "where the surface is ocean and where land: continents are idealised rectangles, earth the real "
               "coastlines (GSHHG) averaged onto the grid at any resolution, file a text file");
  o.add_text("grid.mask_file", "", "ocean-fraction text file for grid.mask = file (ny rows, north first)")
      .applies_only_with("grid.mask", "file");
  o.add_text("grid.earth_file", "",
             "land-fraction PGM for grid.mask = earth (empty = domains/earth/data/earth_land_fraction.pgm of the "
             "source tree; see domains/earth/data/README.md)")
      .applies_only_with("grid.mask", "earth");
  declare_sunlight_options(o);
}

std::vector<double> ocean_fraction(const core::Config& config, const core::SphereGrid& grid,
                                   const core::Decomposition& decomp) {
  const std::string kind = config.text("grid.mask");
  const std::string path = config.text(kind == "earth" ? "grid.earth_file" : "grid.mask_file");
  const core::SphereGrid base(int(config.integer("grid.nx")), int(config.integer("grid.ny")));
  int finest = 1;
  for (const char* name : {"atmosphere", "ocean", "land", "seaice"}) {
    const std::string key = std::string(name) + ".refine";
    if (config.has(key)) finest = std::max(finest, int(config.integer(key)));
  }
  const int refine = grid.nx() / base.nx();
  return SurfaceMask(kind, path, base, refine, finest).ocean_fraction(decomp);
}

}  // namespace meridian::earth
