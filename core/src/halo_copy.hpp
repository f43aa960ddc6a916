#pragma once
// Copy kernels of the halo exchange (internal to core): rectangles of cells between a field plane
// and a contiguous buffer, or between two places of one plane (a periodic neighbour that is this
// rank). Halo columns are `width` cells of thousands of rows: the cost is per row, so the kernels
// are templated on the width (W > 0 copies W cells with no call and no length loop; W == 0 takes
// any length) and the west and east columns go in one pass (copy_pair), because the east end of
// row j and the west end of row j + 1 are neighbours in memory and share cache lines.

#include <cstddef>
#include <cstring>

namespace meridian::core::halo_copy {

// `rows` rows of `len` cells in a plane whose rows are `pitch` apart; `first` is the offset of the
// first cell in the plane.
struct Rect {
  std::ptrdiff_t first = 0;
  int rows = 0;
  int len = 0;
};

template <int W>
inline void copy_cells(const double* from, double* to, int len) noexcept {
  if constexpr (W > 0) {
    if (len == W) {
      for (int i = 0; i < W; ++i) to[i] = from[i];
      return;
    }
  }
  std::memcpy(to, from, std::size_t(len) * sizeof(double));
}

// Plane -> buffer (pack) or buffer -> plane (unpack). Returns the buffer position after the rect.
template <int W, bool to_buffer>
inline double* copy_rect(double* plane, std::ptrdiff_t pitch, const Rect& r, double* buffer) noexcept {
  double* cells = plane + r.first;
  for (int row = 0; row < r.rows; ++row, cells += pitch, buffer += r.len) {
    if constexpr (to_buffer)
      copy_cells<W>(cells, buffer, r.len);
    else
      copy_cells<W>(buffer, cells, r.len);
  }
  return buffer;
}

// Two rects of the same height (west and east columns) row by row, each with its own buffer.
template <int W, bool to_buffer>
inline void copy_pair(double* plane, std::ptrdiff_t pitch, const Rect& a, const Rect& b, double*& buffer_a,
                      double*& buffer_b) noexcept {
  double* cells_a = plane + a.first;
  double* cells_b = plane + b.first;
  for (int row = 0; row < a.rows; ++row, cells_a += pitch, cells_b += pitch) {
    if constexpr (to_buffer) {
      copy_cells<W>(cells_a, buffer_a, a.len);
      copy_cells<W>(cells_b, buffer_b, b.len);
    } else {
      copy_cells<W>(buffer_a, cells_a, a.len);
      copy_cells<W>(buffer_b, cells_b, b.len);
    }
    buffer_a += a.len;
    buffer_b += b.len;
  }
}

// Within one plane: the cells of `from` into `to` (same shape, disjoint).
template <int W>
inline void copy_within(double* plane, std::ptrdiff_t pitch, const Rect& from, const Rect& to) noexcept {
  const double* src = plane + from.first;
  double* dst = plane + to.first;
  for (int row = 0; row < from.rows; ++row, src += pitch, dst += pitch) copy_cells<W>(src, dst, from.len);
}

// Two such copies of the same height in one pass (a periodic wrap onto this rank: both ends of a row).
template <int W>
inline void copy_within_pair(double* plane, std::ptrdiff_t pitch, const Rect& from_a, const Rect& to_a,
                             const Rect& from_b, const Rect& to_b) noexcept {
  const double *src_a = plane + from_a.first, *src_b = plane + from_b.first;
  double *dst_a = plane + to_a.first, *dst_b = plane + to_b.first;
  for (int row = 0; row < from_a.rows; ++row) {
    copy_cells<W>(src_a, dst_a, from_a.len);
    copy_cells<W>(src_b, dst_b, from_b.len);
    src_a += pitch, dst_a += pitch, src_b += pitch, dst_b += pitch;
  }
}

// Calls f.template operator()<W>() with W = width for the common widths 1 to 4, else W = 0.
template <class F>
inline void with_width(int width, F&& f) {
  switch (width) {
    case 1: f.template operator()<1>(); break;
    case 2: f.template operator()<2>(); break;
    case 3: f.template operator()<3>(); break;
    case 4: f.template operator()<4>(); break;
    default: f.template operator()<0>(); break;
  }
}

}  // namespace meridian::core::halo_copy
