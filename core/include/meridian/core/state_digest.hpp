#pragma once
// A 64-bit digest of a global array that does not depend on how it is split over ranks: the sum
// (mod 2^64) over every cell of a hash of (global cell index, the value's bits). Each rank sums
// its own cells, in any order, and an MPI_SUM over uint64 adds the parts; unsigned addition wraps
// and is associative, so any rank count and process grid give the same bits. Restart files store
// it per dataset (io/README.md), and the driver uses it to recognise a land-sea mask.
// Every bit of every value counts (-0.0 differs from 0.0, each NaN payload is its own).

#include <mpi.h>

#include <cstdint>
#include <string>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"

namespace meridian::core {

// The hash of one cell: `index` = (k * ny + j) * nx + i in the global array. Local, pure.
std::uint64_t cell_digest(std::uint64_t index, double value) noexcept;

// The sum of cell_digest over the owned cells of `field`, whose block sits at `decomp`'s ranges of
// the global nx x ny grid (decomp.grid()), and over the cells of the dropped blocks this rank writes
// to files (dropped_blocks_of in block_layout.hpp): their values are `dropped` (field.nz() levels of
// each block in turn, as read_block gives them) or, when null, 0, what files hold there. So the sum
// over ranks is the same whether blocks were dropped or not. Local: the caller adds the ranks' parts
// (digest_sum).
std::uint64_t owned_digest(const Field& field, const Decomposition& decomp, const double* dropped = nullptr) noexcept;
// The same for `values`, the owned cells of one level row by row (i fastest), as
// SurfaceMask::ocean_fraction returns them. Local.
std::uint64_t owned_digest(const double* values, const Decomposition& decomp) noexcept;

// The sum of every rank's `part` (mod 2^64). Collective over `comm`.
std::uint64_t digest_sum(std::uint64_t part, MPI_Comm comm);

// 16 lower-case hex digits, and back (false if `text` is not exactly that).
std::string digest_hex(std::uint64_t digest);
bool parse_digest_hex(const std::string& text, std::uint64_t& digest) noexcept;

}  // namespace meridian::core
