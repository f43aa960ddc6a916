#include "earth_mask.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "meridian/core/error.hpp"
#include "meridian/core/input_file.hpp"

namespace meridian::earth {

using namespace meridian::core;

std::string default_earth_file() {
  std::error_code ec;
  return std::filesystem::exists(MERIDIAN_EARTH_FILE, ec) ? MERIDIAN_EARTH_FILE : MERIDIAN_INSTALLED_EARTH_FILE;
}

namespace {

// The next header token of a PGM file: skips whitespace and '#' comments to the end of their line.
std::string token(std::istream& in) {
  std::string out;
  for (int c = in.get(); c != EOF; c = in.get()) {
    if (c == '#' && out.empty()) {
      while (c != EOF && c != '\n') c = in.get();
    } else if (std::isspace(c)) {
      if (!out.empty()) return out;
    } else {
      out.push_back(char(c));
    }
  }
  return out;
}

int positive(const std::string& s) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
    return 0;
  return std::stoi(s);
}

}  // namespace

LandRaster::LandRaster(const std::string& path, int rank) : path_(path), rank_(rank) {
  const auto fail = [&](const std::string& what) {
    throw ConfigError(rank, "grid.earth_file", "'" + path + "' " + what);
  };
  require_readable_file(path, "grid.earth_file");  // a FIFO would block every rank in open()
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot be opened (grid.mask = earth reads a land-fraction PGM; see domains/earth/data/README.md)");
  const std::string magic = token(in);
  width_ = positive(token(in));
  height_ = positive(token(in));
  const std::string maxval = token(in);  // token() consumed the one whitespace byte after it
  if (magic != "P5" || width_ == 0 || height_ == 0 || maxval != "255")
    fail("is not an 8-bit binary PGM (P5, width, height, maxval 255)");
  data_offset_ = static_cast<long long>(in.tellg());
  in.seekg(0, std::ios::end);
  const long long size = static_cast<long long>(in.tellg());
  if (size != data_offset_ + static_cast<long long>(width_) * height_)
    fail("has " + std::to_string(size - data_offset_) + " bytes of pixels; " + std::to_string(width_) + " x " +
         std::to_string(height_) + " need " + std::to_string(static_cast<long long>(width_) * height_));
}

void LandRaster::load(const SphereGrid& target, int j_begin, int j_end) {
  const long long h = height_, ny = target.ny();
  first_row_ = int(j_begin * h / ny);
  const int last = int((j_end * h + ny - 1) / ny);  // one past the last overlapping raster row
  rows_.assign(std::size_t(last - first_row_) * std::size_t(width_), 0);
  std::ifstream in(path_, std::ios::binary);
  // The file is stored north first: raster rows [first_row_, last) are file rows [height - last, ...).
  in.seekg(data_offset_ + static_cast<long long>(height_ - last) * width_);
  std::vector<unsigned char> north_first(rows_.size());
  in.read(reinterpret_cast<char*>(north_first.data()), std::streamsize(north_first.size()));
  if (!in) throw ConfigError(rank_, "grid.earth_file", "'" + path_ + "' could not be read");
  const std::size_t w = std::size_t(width_), n = std::size_t(last - first_row_);
  for (std::size_t r = 0; r < n; ++r)
    std::copy_n(north_first.begin() + std::ptrdiff_t((n - 1 - r) * w), w, rows_.begin() + std::ptrdiff_t(r * w));
}

double LandRaster::ocean_fraction(const SphereGrid& target, int i, int j) const {
  // Integer edges: in longitude, cell i spans [i w, (i+1) w] and raster column c spans [c nx, (c+1) nx]
  // in units of 360 / (nx w) degrees; in latitude likewise with ny and h. Overlaps are then exact.
  const long long w = width_, h = height_, nx = target.nx(), ny = target.ny();
  const long long c0 = i * w / nx, c1 = ((i + 1) * w + nx - 1) / nx;
  const long long r0 = j * h / ny, r1 = ((j + 1) * h + ny - 1) / ny;
  const auto sin_lat = [&](long long u) {
    if (u == 0) return -1.0;
    if (u == ny * h) return 1.0;
    return std::sin(-std::numbers::pi / 2 + double(u) * std::numbers::pi / double(ny * h));
  };
  double wet_area = 0, area = 0;
  for (long long r = r0; r < r1; ++r) {
    const double weight = sin_lat(std::min((j + 1) * h, (r + 1) * ny)) - sin_lat(std::max(j * h, r * ny));
    const unsigned char* row = rows_.data() + (r - first_row_) * w;
    long long wet = 0;  // sum of overlap x (255 - pixel): exact in integers
    for (long long c = c0; c < c1; ++c)
      wet += (std::min((i + 1) * w, (c + 1) * nx) - std::max(i * w, c * nx)) * (255 - row[c]);
    wet_area += weight * (double(wet) / double(255 * w));
    area += weight;
  }
  return std::clamp(wet_area / area, 0.0, 1.0);
}

}  // namespace meridian::earth
