#include "meridian/core/field.hpp"

#include <algorithm>

#include "meridian/core/error.hpp"

namespace meridian::core {

Field::Field(std::string name, int nx, int ny, int halo, int nz)
    : name_(std::move(name)), nx_(nx), ny_(ny), halo_(halo), nz_(nz) {
  if (nx < 0 || ny < 0 || halo < 0 || nz < 1)
    throw Error(-1, "field " + name_,
                "invalid shape nx=" + std::to_string(nx) + " ny=" + std::to_string(ny) + " halo=" +
                    std::to_string(halo) + " nz=" + std::to_string(nz));
  data_.assign(static_cast<std::size_t>(stride_k()) * nz_, 0.0);
}

Field::Field(std::string name, const Decomposition& decomp, int halo, int nz)
    : Field(std::move(name), decomp.nx_local(), decomp.ny_local(), halo, nz) {}

void Field::fill(double value) { std::fill(data_.begin(), data_.end(), value); }

std::vector<double> Field::owned_values() const {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(nx_) * ny_ * nz_);
  for (int k = 0; k < nz_; ++k)
    for (int j = 0; j < ny_; ++j) {
      const double* row = data_.data() + offset(0, j, k);
      out.insert(out.end(), row, row + nx_);
    }
  return out;
}

void Field::set_owned_values(const std::vector<double>& values) {
  if (values.size() != static_cast<std::size_t>(nx_) * ny_ * nz_)
    throw Error(-1, "field " + name_,
                "expected " + std::to_string(std::size_t(nx_) * ny_ * nz_) + " owned values, got " +
                    std::to_string(values.size()));
  auto it = values.begin();
  for (int k = 0; k < nz_; ++k)
    for (int j = 0; j < ny_; ++j, it += nx_) std::copy(it, it + nx_, data_.data() + offset(0, j, k));
}

}  // namespace meridian::core
