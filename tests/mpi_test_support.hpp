#pragma once
// Helpers shared by MPI tests: agreement across ranks, so a failure on one rank fails all of them
// at the same REQUIRE instead of leaving the others waiting in a collective.
#include <mpi.h>

#include <cmath>
#include <vector>

namespace meridian::test {

inline MPI_Comm world() { return MPI_COMM_WORLD; }  // tests are apps: they may name the world

inline int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
inline int world_size() {
  int s = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}
// True on every rank iff `ok` is true on every rank.
inline bool all_ranks(bool ok) {
  int local = ok ? 1 : 0, global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return global == 1;
}
// Bit for bit: the same length and, element by element, equal with the same sign (so -0 is not 0);
// NaN is never identical. Local.
inline bool identical(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!(a[k] == b[k]) || std::signbit(a[k]) != std::signbit(b[k])) return false;
  return true;
}
// Sum of an integer count over ranks.
inline long long sum_over_ranks(long long n) {
  long long total = 0;
  MPI_Allreduce(&n, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  return total;
}

}  // namespace meridian::test
