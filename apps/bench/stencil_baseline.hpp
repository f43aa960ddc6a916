#pragma once
// The yardstick for MeridianStencil: the same problem hand-written with plain MPI, as a careful
// user would without a framework. Two arrays with one ghost layer; ghost rows are sent and received
// in place, ghost columns are packed; receives are posted first and the interior is computed while
// the messages travel. Uses no meridian class (only the shared kernel and the checksum).

#include <mpi.h>

#include <vector>

namespace meridian::bench {

class BaselineStencil {
 public:
  // Collective over `comm` (duplicates it): an nx x ny grid over a px x py process grid,
  // rank = cx + px * cy, periodic in x, closed in y.
  BaselineStencil(MPI_Comm comm, int nx, int ny, int px, int py);
  ~BaselineStencil();
  BaselineStencil(const BaselineStencil&) = delete;
  BaselineStencil& operator=(const BaselineStencil&) = delete;

  void reset();
  // Collective: `steps` time steps.
  void run(int steps);
  // Collective: reproducible sum of the owned cells of u.
  double checksum() const;

 private:
  void step(double* u, double* out);
  double* at(std::vector<double>& a, int i, int j) { return a.data() + (j + 1) * stride_ + (i + 1); }
  void update_block(const double* u, double* out, int i0, int i1, int j0, int j1) const;

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, gnx_ = 0, gny_ = 0, nx_ = 0, ny_ = 0, x0_ = 0, y0_ = 0, stride_ = 0;
  int west_ = MPI_PROC_NULL, east_ = MPI_PROC_NULL, south_ = MPI_PROC_NULL, north_ = MPI_PROC_NULL;
  std::vector<double> a_, b_;
  std::vector<double> send_west_, send_east_, recv_west_, recv_east_;
  MPI_Request requests_[8];
  bool a_is_current_ = true;
};

}  // namespace meridian::bench
