#pragma once
// A field on one rank's block: nz horizontal planes of (nx + 2h) x (ny + 2h) doubles, i fastest.
// The halo lives inside the array, so a stencil reads neighbours with plain indexing and the halo
// exchange never copies the owned block.

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "meridian/core/decomposition.hpp"

namespace meridian::core {

class Field {
 public:
  // `nx`, `ny`: owned cells on this rank; `halo`: ghost width on every side (>= 0); `nz` levels.
  Field(std::string name, int nx, int ny, int halo, int nz = 1);
  // The owned block of `decomp` on this rank.
  Field(std::string name, const Decomposition& decomp, int halo, int nz = 1);
  Field(const Field& other);
  Field& operator=(const Field& other);
  Field(Field&&) noexcept = default;
  Field& operator=(Field&&) noexcept = default;

  const std::string& name() const noexcept { return name_; }
  int nx() const noexcept { return nx_; }
  int ny() const noexcept { return ny_; }
  int nz() const noexcept { return nz_; }
  int halo() const noexcept { return halo_; }
  // Distance between (i, j) and (i, j + 1), and between levels.
  std::ptrdiff_t stride_j() const noexcept { return nx_ + 2 * halo_; }
  std::ptrdiff_t stride_k() const noexcept { return stride_j() * (ny_ + 2 * halo_); }

  // Local indices: owned cells are 0 <= i < nx, 0 <= j < ny; the halo extends to -h and nx + h - 1.
  double& operator()(int i, int j, int k = 0) noexcept { return data_[offset(i, j, k)]; }
  double operator()(int i, int j, int k = 0) const noexcept { return data_[offset(i, j, k)]; }
  std::ptrdiff_t offset(int i, int j, int k = 0) const noexcept {
    return k * stride_k() + (j + halo_) * stride_j() + (i + halo_);
  }

  // Owned index ranges, and the same ranges widened by the halo.
  IndexRange owned_x() const noexcept { return {0, nx_}; }
  IndexRange owned_y() const noexcept { return {0, ny_}; }
  IndexRange with_halo_x() const noexcept { return {-halo_, nx_ + halo_}; }
  IndexRange with_halo_y() const noexcept { return {-halo_, ny_ + halo_}; }

  double* data() noexcept { return data_.get(); }
  const double* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }

  void fill(double value);
  // The owned cells (halo excluded), level by level, row by row: what a writer or a sum needs.
  std::vector<double> owned_values() const;
  // Inverse of owned_values(); throws Error if the size does not match.
  void set_owned_values(const std::vector<double>& values);

 private:
  std::string name_;
  int nx_, ny_, halo_, nz_;
  struct Free {
    void operator()(double* p) const noexcept { std::free(p); }
  };
  // Large fields are 2 MiB-aligned and advised onto transparent huge pages: halo columns touch one
  // cache line per row, and with 4 KiB pages every row would also be a TLB miss.
  std::unique_ptr<double[], Free> data_;
  std::size_t size_ = 0;
  void allocate(std::size_t n);
};

}  // namespace meridian::core
