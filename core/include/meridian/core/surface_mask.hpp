#pragma once
// Where the surface is ocean and where it is land, as the ocean fraction of each cell (land is the
// rest). Evaluated per block: no rank holds the global mask.

#include <string>
#include <vector>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/sphere_grid.hpp"

namespace meridian::core {

class SurfaceMask {
 public:
  // `kind`: "aquaplanet" (all ocean), "landplanet" (all land), "continents" (idealised Americas,
  // Eurasia-Africa, Australia and Antarctica), or "file" (text file `path`: ny lines, northernmost
  // first, of nx ocean fractions in [0, 1] separated by spaces). Throws ConfigError naming the file
  // and line for a bad file.
  SurfaceMask(const std::string& kind, const std::string& path, const SphereGrid& grid);
  // Ocean fraction of every owned cell of `decomp`, row by row (i fastest).
  std::vector<double> ocean_fraction(const Decomposition& decomp) const;
  const std::string& kind() const noexcept { return kind_; }

 private:
  double analytic(int i, int j) const;
  std::string kind_, path_;
  SphereGrid grid_;
};

}  // namespace meridian::core
