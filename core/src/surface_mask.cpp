#include "meridian/core/surface_mask.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {
struct Box {
  double lon0, lon1, lat0, lat1;  // degrees east, degrees north
};
// Idealised continents: crude, but with the right places and sizes for a climate that looks familiar.
constexpr Box continents[] = {
    {235, 300, 15, 70},    // North America
    {280, 325, -55, 12},   // South America
    {345, 360, -35, 37},   // Africa, west of Greenwich
    {0, 50, -35, 37},      // Africa
    {0, 140, 37, 72},      // Eurasia
    {60, 120, 10, 37},     // South Asia
    {115, 153, -38, -12},  // Australia
    {0, 360, -90, -70},    // Antarctica
};
}  // namespace

SurfaceMask::SurfaceMask(const std::string& kind, const std::string& path, const SphereGrid& grid)
    : kind_(kind), path_(path), grid_(grid) {
  if (kind != "aquaplanet" && kind != "landplanet" && kind != "continents" && kind != "file")
    throw ConfigError(-1, "surface mask", "unknown mask '" + kind + "'; expected aquaplanet, landplanet, continents or file");
  if (kind == "file" && path.empty()) throw ConfigError(-1, "surface mask", "mask 'file' needs grid.mask_file");
}

double SurfaceMask::analytic(int i, int j) const {
  if (kind_ == "aquaplanet") return 1.0;
  if (kind_ == "landplanet") return 0.0;
  const double lon = grid_.lon_deg(i), lat = grid_.lat_deg(j);
  for (const Box& b : continents)
    if (lon >= b.lon0 && lon < b.lon1 && lat >= b.lat0 && lat < b.lat1) return 0.0;
  return 1.0;
}

std::vector<double> SurfaceMask::ocean_fraction(const Decomposition& d) const {
  std::vector<double> out;
  out.reserve(std::size_t(d.nx_local()) * d.ny_local());
  if (kind_ != "file") {
    for (int j = d.y_range().begin; j < d.y_range().end; ++j)
      for (int i = d.x_range().begin; i < d.x_range().end; ++i) out.push_back(analytic(i, j));
    return out;
  }
  std::ifstream in(path_);
  if (!in) throw ConfigError(d.rank(), "grid.mask_file", "cannot open mask file '" + path_ + "'");
  std::vector<std::vector<double>> rows(d.ny_local());
  std::string line;
  for (int line_no = 0; line_no < grid_.ny(); ++line_no) {
    const auto where = path_ + " line " + std::to_string(line_no + 1);
    if (!std::getline(in, line))
      throw ConfigError(d.rank(), "grid.mask_file", where + ": expected " + std::to_string(grid_.ny()) + " rows");
    // Every rank checks every line, so a bad file fails on all ranks alike, never on some.
    const int j = grid_.ny() - 1 - line_no;  // northernmost first
    std::istringstream values(line);
    std::vector<double> row;
    double v = 0;
    while (values >> v) {
      if (!(v >= 0.0 && v <= 1.0)) throw ConfigError(d.rank(), "grid.mask_file", where + ": fraction outside [0, 1]");
      row.push_back(v);
    }
    if (!values.eof() || int(row.size()) != grid_.nx())
      throw ConfigError(d.rank(), "grid.mask_file",
                        where + ": expected " + std::to_string(grid_.nx()) + " numbers in [0, 1]");
    if (j >= d.y_range().begin && j < d.y_range().end) rows[j - d.y_range().begin] = std::move(row);
  }
  for (const auto& row : rows) out.insert(out.end(), row.begin() + d.x_range().begin, row.begin() + d.x_range().end);
  return out;
}

}  // namespace meridian::core
