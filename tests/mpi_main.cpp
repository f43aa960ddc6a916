// The one Catch2 runner for MPI tests: every rank runs every case; only rank 0 prints (the others'
// stdout goes to /dev/null unless MERIDIAN_TEST_VERBOSE is set); the result is reduced with MAX so
// that every rank exits with the same code and mpiexec reports one verdict.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <mpi.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  int provided = MPI_THREAD_SINGLE;  // MULTIPLE, as meridian::app::run asks: io's background writer needs it
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0 && !std::getenv("MERIDIAN_TEST_VERBOSE")) {
    if (!std::freopen("/dev/null", "w", stdout)) return 1;
  }
  int result = Catch::Session().run(argc, argv);
  int worst = 0;
  MPI_Allreduce(&result, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst;
}
