#include "meridian/core/field.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

#include "meridian/core/error.hpp"

namespace meridian::core {

Field::Field(std::string name, int nx, int ny, int halo, int nz)
    : name_(std::move(name)), nx_(nx), ny_(ny), halo_(halo), nz_(nz) {
  if (nx < 0 || ny < 0 || halo < 0 || nz < 1)
    throw Error(-1, "field " + name_,
                "invalid shape nx=" + std::to_string(nx) + " ny=" + std::to_string(ny) + " halo=" +
                    std::to_string(halo) + " nz=" + std::to_string(nz));
  allocate(static_cast<std::size_t>(stride_k()) * nz_);
}

void Field::allocate(std::size_t n) {
  constexpr std::size_t huge_page = std::size_t{2} << 20, cache_line = 64;
  std::size_t bytes = std::max<std::size_t>(n, 1) * sizeof(double);
  const std::size_t alignment = bytes >= huge_page ? huge_page : cache_line;
  bytes = (bytes + alignment - 1) / alignment * alignment;
  auto* p = static_cast<double*>(std::aligned_alloc(alignment, bytes));
  if (!p) throw Error(-1, "field " + name_, "cannot allocate " + std::to_string(bytes) + " bytes");
#ifdef MADV_HUGEPAGE
  if (alignment == huge_page) madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure is harmless
#endif
  data_.reset(p);
  size_ = n;
  std::fill_n(p, bytes / sizeof(double), 0.0);  // first touch after the advice
}

Field::Field(const Field& o) : name_(o.name_), nx_(o.nx_), ny_(o.ny_), halo_(o.halo_), nz_(o.nz_) {
  allocate(o.size_);
  std::copy_n(o.data(), size_, data());
}

Field& Field::operator=(const Field& o) {
  if (this == &o) return *this;
  if (!data_ || size_ != o.size_) return *this = Field(o);
  // The same number of values: keep the storage (fresh pages cost more than the copy).
  name_ = o.name_, nx_ = o.nx_, ny_ = o.ny_, halo_ = o.halo_, nz_ = o.nz_;
  std::copy_n(o.data(), size_, data());
  return *this;
}

Field::Field(std::string name, const Decomposition& decomp, int halo, int nz)
    : Field(std::move(name), decomp.nx_local(), decomp.ny_local(), halo, nz) {}

void Field::fill(double value) { std::fill_n(data(), size_, value); }

std::vector<double> Field::owned_values() const {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(nx_) * ny_ * nz_);
  for (int k = 0; k < nz_; ++k)
    for (int j = 0; j < ny_; ++j) {
      const double* row = data() + offset(0, j, k);
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
    for (int j = 0; j < ny_; ++j, it += nx_) std::copy(it, it + nx_, data() + offset(0, j, k));
}

}  // namespace meridian::core
