#include "meridian/earth/surface_mask.hpp"

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "earth_mask.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/input_file.hpp"

namespace meridian::earth {

using namespace meridian::core;

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

SurfaceMask::SurfaceMask(const std::string& kind, const std::string& path, const SphereGrid& grid, int refine,
                         int finest)
    : kind_(kind),
      path_(kind == "earth" && path.empty() ? default_earth_file() : path),
      grid_(grid),
      finest_grid_(grid.nx() * finest, grid.ny() * finest, grid.radius()),
      refine_(refine),
      finest_(finest) {
  if (kind != "aquaplanet" && kind != "landplanet" && kind != "continents" && kind != "file" && kind != "earth")
    throw ConfigError(-1, "surface mask",
                      "unknown mask '" + kind + "'; expected aquaplanet, landplanet, continents, earth or file");
  if (kind == "file" && path.empty()) throw ConfigError(-1, "surface mask", "mask 'file' needs grid.mask_file");
  if (refine < 1 || finest % refine != 0)
    throw ConfigError(-1, "surface mask", "grid refinement " + std::to_string(refine) + " does not divide " +
                                              std::to_string(finest));
  if (kind == "earth") static_cast<void>(LandRaster(path_, -1));  // a bad file fails here, on every rank, before any work
}

double SurfaceMask::analytic(int i, int j) const {
  if (kind_ == "aquaplanet") return 1.0;
  if (kind_ == "landplanet") return 0.0;
  const double lon = finest_grid_.lon_deg(i), lat = finest_grid_.lat_deg(j);
  for (const Box& b : continents)
    if (lon >= b.lon0 && lon < b.lon1 && lat >= b.lat0 && lat < b.lat1) return 0.0;
  return 1.0;
}

std::vector<std::vector<double>> SurfaceMask::file_rows(int begin, int end, int rank) const {
  require_readable_file(path_, "grid.mask_file");  // a FIFO would block every rank in open()
  std::ifstream in(path_);
  if (!in) throw ConfigError(rank, "grid.mask_file", "cannot open mask file '" + printable(path_) + "'");
  std::vector<std::vector<double>> rows(std::size_t(end - begin));
  std::string line;
  for (int line_no = 0; line_no < grid_.ny(); ++line_no) {
    const auto where = printable(path_) + " line " + std::to_string(line_no + 1);
    if (!std::getline(in, line))
      throw ConfigError(rank, "grid.mask_file", where + ": expected " + std::to_string(grid_.ny()) + " rows");
    // Every rank checks every line, so a bad file fails on all ranks alike, never on some.
    const int j = grid_.ny() - 1 - line_no;  // northernmost first
    std::istringstream values(line);
    std::vector<double> row;
    double v = 0;
    while (values >> v) {
      if (!(v >= 0.0 && v <= 1.0)) throw ConfigError(rank, "grid.mask_file", where + ": fraction outside [0, 1]");
      row.push_back(v);
    }
    if (!values.eof() || int(row.size()) != grid_.nx())
      throw ConfigError(rank, "grid.mask_file", where + ": expected " + std::to_string(grid_.nx()) + " numbers in [0, 1]");
    if (j >= begin && j < end) rows[std::size_t(j - begin)] = std::move(row);
  }
  // Rows past ny are a file made for another grid (or garbage), not something to ignore.
  for (int line_no = grid_.ny() + 1; std::getline(in, line); ++line_no)
    if (line.find_first_not_of(" \t\r") != std::string::npos)
      throw ConfigError(rank, "grid.mask_file", printable(path_) + " line " + std::to_string(line_no) +
                                                    ": more than the " + std::to_string(grid_.ny()) +
                                                    " rows of grid.ny; expected nothing after row " +
                                                    std::to_string(grid_.ny()));
  return rows;
}

std::vector<double> SurfaceMask::ocean_fraction(const Decomposition& d) const {
  const int m = finest_ / refine_;  // finest cells per cell, each way
  const IndexRange x = d.x_range(), y = d.y_range();
  std::vector<std::vector<double>> rows;
  const int row0 = y.begin * m / finest_;
  if (kind_ == "file") rows = file_rows(row0, (y.end * m - 1) / finest_ + 1, d.rank());
  std::optional<LandRaster> earth;
  if (kind_ == "earth") {
    earth.emplace(path_, d.rank());
    earth->load(finest_grid_, y.begin * m, y.end * m);
  }
  const auto finest_value = [&](int i, int j) {
    if (earth) return earth->ocean_fraction(finest_grid_, i, j);
    return kind_ == "file" ? rows[std::size_t(j / finest_ - row0)][std::size_t(i / finest_)] : analytic(i, j);
  };
  std::vector<double> out;
  out.reserve(std::size_t(x.size()) * y.size());
  for (int j = y.begin; j < y.end; ++j)
    for (int i = x.begin; i < x.end; ++i) {
      if (m == 1) {
        out.push_back(finest_value(i, j));
        continue;
      }
      double covered = 0.0, area = 0.0;
      for (int b = 0; b < m; ++b) {
        const double a = finest_grid_.unit_area(j * m + b);
        for (int c = 0; c < m; ++c) {
          covered += finest_value(i * m + c, j * m + b) * a;
          area += a;
        }
      }
      out.push_back(covered / area);
    }
  return out;
}

}  // namespace meridian::earth
