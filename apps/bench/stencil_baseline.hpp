#pragma once
// The yardstick for MeridianStencil: the same problem hand-written as the best plain MPI code for
// it. Two arrays with one ghost layer; rows are sent from and received into the arrays in place
// (no packing), nonblocking, receives posted first; when x is not split the periodic wrap is a local
// copy made while the rows travel, else the ghost columns are packed; every cell is computed once,
// those that need no message while the messages travel (whole rows, one sweep, when x is not split). Uses no meridian class (only the shared kernel and the checksum).

#include <mpi.h>

#include <cstddef>
#include <cstdlib>
#include <memory>
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
  // A 2 MiB-aligned array advised onto transparent huge pages (as core::Field's), zeroed: with 4 KiB
  // pages a 4096-wide sweep takes a TLB miss per row and runs about half as fast, which would
  // measure the page size and not the code.
  struct Array {
    struct Free {
      void operator()(double* p) const noexcept { std::free(p); }
    };
    std::unique_ptr<double[], Free> values;
    std::size_t size = 0;
    double* data() const noexcept { return values.get(); }
  };
  static Array make_array(std::size_t n);
  double* at(const Array& a, int i, int j) const { return a.data() + (j + 1) * stride_ + (i + 1); }

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, gnx_ = 0, gny_ = 0, nx_ = 0, ny_ = 0, x0_ = 0, y0_ = 0, stride_ = 0;
  int west_ = MPI_PROC_NULL, east_ = MPI_PROC_NULL, south_ = MPI_PROC_NULL, north_ = MPI_PROC_NULL;
  Array a_, b_;
  std::vector<double> send_west_, send_east_, recv_west_, recv_east_;
  MPI_Request requests_[8];
  bool a_is_current_ = true;
};

}  // namespace meridian::bench
