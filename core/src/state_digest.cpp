#include "meridian/core/state_digest.hpp"

#include <cstdio>
#include <cstring>

#include "meridian/core/block_layout.hpp"
#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {
// splitmix64's finaliser: every input bit changes about half the output bits, so a flipped bit
// anywhere, or two values swapped between cells, changes the sum.
std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
}  // namespace

std::uint64_t cell_digest(std::uint64_t index, double value) noexcept {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return mix(mix(index + 0x9e3779b97f4a7c15ull) ^ bits);
}

// The dropped blocks this rank answers for, `nz` levels each, values from `dropped` or 0.
std::uint64_t dropped_digest(const Decomposition& decomp, int nz, const double* dropped) noexcept {
  const BlockLayout& layout = decomp.layout();
  if (layout.dropped() == 0) return 0;
  const std::uint64_t nx = std::uint64_t(decomp.grid().nx), ny = std::uint64_t(decomp.grid().ny);
  std::uint64_t sum = 0;
  for (const BlockIndex& b : dropped_blocks_of(layout, decomp.rank())) {
    const IndexRange x = layout.x_range(b.bx), y = layout.y_range(b.by);
    for (int k = 0; k < nz; ++k)
      for (int j = y.begin; j < y.end; ++j)
        for (int i = x.begin; i < x.end; ++i)
          sum += cell_digest((std::uint64_t(k) * ny + std::uint64_t(j)) * nx + std::uint64_t(i), dropped ? *dropped++ : 0.0);
  }
  return sum;
}

std::uint64_t owned_digest(const Field& field, const Decomposition& decomp, const double* dropped) noexcept {
  const std::uint64_t nx = std::uint64_t(decomp.grid().nx), ny = std::uint64_t(decomp.grid().ny);
  const int i0 = decomp.x_range().begin, j0 = decomp.y_range().begin;
  std::uint64_t sum = dropped_digest(decomp, field.nz(), dropped);
  for (int k = 0; k < field.nz(); ++k)
    for (int j = 0; j < field.ny(); ++j)
      for (int i = 0; i < field.nx(); ++i)
        sum +=
            cell_digest((std::uint64_t(k) * ny + std::uint64_t(j0 + j)) * nx + std::uint64_t(i0 + i), field(i, j, k));
  return sum;
}

std::uint64_t owned_digest(const double* values, const Decomposition& decomp) noexcept {
  const std::uint64_t nx = std::uint64_t(decomp.grid().nx);
  const int i0 = decomp.x_range().begin, j0 = decomp.y_range().begin;
  std::uint64_t sum = dropped_digest(decomp, 1, nullptr);
  for (int j = 0; j < decomp.ny_local(); ++j)
    for (int i = 0; i < decomp.nx_local(); ++i)
      sum += cell_digest(std::uint64_t(j0 + j) * nx + std::uint64_t(i0 + i), *values++);
  return sum;
}

std::uint64_t digest_sum(std::uint64_t part, MPI_Comm comm) {
  std::uint64_t total = 0;
  MERIDIAN_MPI(MPI_Allreduce(&part, &total, 1, MPI_UINT64_T, MPI_SUM, comm), comm);
  return total;
}

std::string digest_hex(std::uint64_t digest) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(digest));
  return buf;
}

bool parse_digest_hex(const std::string& text, std::uint64_t& digest) noexcept {
  if (text.size() != 16) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | std::uint64_t(d);
  }
  digest = v;
  return true;
}

}  // namespace meridian::core
