// output.background needs MPI_THREAD_MULTIPLE: a program that initialises MPI with plain MPI_Init
// gets a core::ConfigError naming it from io::Hdf5Output, on every rank, while foreground output
// works on the same MPI. Its own main (not tests/mpi_main.cpp, which asks for MPI_THREAD_MULTIPLE).
// usage: io_background_needs_threads DIR
#include <mpi.h>

#include <cstdio>
#include <string>

#include "meridian/core/error.hpp"
#include "meridian/io/hdf5_output.hpp"

using namespace meridian;

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, bad = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const std::string dir = argc > 1 ? argv[1] : "background_needs_threads";
  int provided = MPI_THREAD_MULTIPLE;
  MPI_Query_thread(&provided);
  if (provided == MPI_THREAD_MULTIPLE) {
    if (rank == 0) std::printf("MPI_Init gave MPI_THREAD_MULTIPLE: nothing to refuse here\n");
  } else {
    io::OutputSettings settings{dir};
    settings.background = true;
    try {
      io::Hdf5Output refused(MPI_COMM_WORLD, settings, core::Provenance{});
      std::printf("rank %d: background = true was accepted without MPI_THREAD_MULTIPLE\n", rank);
      bad = 1;
    } catch (const core::ConfigError& e) {
      const std::string what = e.what();
      if (what.find("MPI_THREAD_MULTIPLE") == std::string::npos || what.find("background") == std::string::npos) {
        std::printf("rank %d: the refusal does not name background and MPI_THREAD_MULTIPLE: %s\n", rank, what.c_str());
        bad = 1;
      }
    }
    settings.background = false;
    try {
      io::Hdf5Output accepted(MPI_COMM_WORLD, settings, core::Provenance{});
    } catch (const std::exception& e) {
      std::printf("rank %d: foreground output failed: %s\n", rank, e.what());
      bad = 1;
    }
  }
  int worst = 0;
  MPI_Allreduce(&bad, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0 && worst == 0) std::printf("io_background_needs_threads: refused with one clear error\n");
  MPI_Finalize();
  return worst;
}
