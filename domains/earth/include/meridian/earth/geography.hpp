#pragma once
// The model's geography and shared options: where the surface is ocean or land (grid.mask), and the
// model-wide options the earth components read (grid.mask*, sunlight.*).

#include <vector>

#include "meridian/core/config.hpp"
#include "meridian/core/decomposition.hpp"
#include "meridian/core/sphere_grid.hpp"
#include "meridian/earth/surface_mask.hpp"

namespace meridian::earth {

// Declares grid.mask, grid.mask_file, grid.earth_file and sunlight.*: call once when the model's
// components are registered.
void declare_model_options(core::OptionRegistry& options);

// The ocean fraction of every owned cell of `decomp`, a decomposition of `grid` (the run's grid
// times a component's refinement), row by row. The mask is evaluated on the finest grid any of the
// model's components runs on, so the fractions of every grid average each other exactly (the land
// is 1 - the ocean's fraction on every grid). Throws ConfigError for a bad mask file. Local.
std::vector<double> ocean_fraction(const core::Config& config, const core::SphereGrid& grid,
                                   const core::Decomposition& decomp);

}  // namespace meridian::earth
