#pragma once
// Where the surface is ocean and where it is land, as the ocean fraction of each cell (land is the
// rest). Evaluated per block: no rank holds the global mask.

#include <string>
#include <vector>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/sphere_grid.hpp"

namespace meridian::earth {

using core::Decomposition;
using core::SphereGrid;

// The land-fraction raster shipped in the source tree, domains/earth/data/earth_land_fraction.pgm (an absolute
// path fixed at build time), which grid.mask = earth reads when grid.earth_file is empty.
std::string default_earth_file();

class SurfaceMask {
 public:
  // `kind`: "aquaplanet" (all ocean), "landplanet" (all land), "continents" (idealised Americas,
  // Eurasia-Africa, Australia and Antarctica), "earth" (real coastlines: the land-fraction PGM `path`,
  // empty = domains/earth/data/earth_land_fraction.pgm, averaged conservatively onto the grid at any
  // resolution), or "file" (text file `path`: ny lines, northernmost first, of nx ocean fractions in
  // [0, 1] separated by spaces). Throws ConfigError naming the file (and line) for a bad file.
  // With several grids (a surface on a grid refined `finest` times): the mask is evaluated on the
  // finest grid (analytic masks at its cell centres; a file's cell value on each of its sub-cells; the
  // earth raster's exact overlap average on each finest cell), and
  // this object serves the grid `refine` times `grid` (refine divides finest), whose cells get the
  // area-weighted mean of the finest cells they cover, summed in a fixed order.
  SurfaceMask(const std::string& kind, const std::string& path, const SphereGrid& grid, int refine = 1,
              int finest = 1);
  // Ocean fraction of every owned cell of `decomp` (a decomposition of the grid refine x `grid`), row
  // by row (i fastest).
  std::vector<double> ocean_fraction(const Decomposition& decomp) const;
  const std::string& kind() const noexcept { return kind_; }

 private:
  double analytic(int i, int j) const;  // on the finest grid
  // Rows [begin, end) of the file's grid, each nx values; every line of the file is checked.
  std::vector<std::vector<double>> file_rows(int begin, int end, int rank) const;
  std::string kind_, path_;
  SphereGrid grid_, finest_grid_;
  int refine_ = 1, finest_ = 1;
};

}  // namespace meridian::earth
