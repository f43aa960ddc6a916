#pragma once
// Real geography for grid.mask = earth: the land-fraction raster of domains/earth/data/README.md (binary 8-bit
// PGM, rows north first from 90N, columns east from 0E, value 255 x land fraction), averaged
// conservatively onto any lon-lat grid. A rank reads only the raster rows its block covers.

#include <string>
#include <vector>

#include "meridian/core/sphere_grid.hpp"
#include "meridian/earth/surface_mask.hpp"

namespace meridian::earth {

using core::SphereGrid;

class LandRaster {
 public:
  // Opens `path` and checks its header and size: every rank checks alike, so a bad or truncated file
  // fails on all ranks with the same ConfigError naming the file. `rank` goes into the error. Not
  // collective. Reads no data yet.
  LandRaster(const std::string& path, int rank);
  int width() const noexcept { return width_; }
  int height() const noexcept { return height_; }

  // Reads the raster rows that overlap rows [j_begin, j_end) of `target`. Not collective.
  void load(const SphereGrid& target, int j_begin, int j_end);
  // Ocean fraction of cell (i, j) of `target` (a row loaded by `load`): the mean of the raster over the
  // cell weighted by the exact overlap areas, in longitude and in sin(latitude). A pure function of the
  // global indices and the file, summed in a fixed order, so every decomposition gets the same bits;
  // exactly 1 (0) where every overlapped raster cell is all ocean (all land).
  double ocean_fraction(const SphereGrid& target, int i, int j) const;

 private:
  std::string path_;
  int rank_ = -1, width_ = 0, height_ = 0;
  long long data_offset_ = 0;         // bytes before the first pixel
  int first_row_ = 0;                 // south-first raster row of rows_[0]
  std::vector<unsigned char> rows_;   // loaded rows, south first, width_ bytes each
};

}  // namespace meridian::earth
