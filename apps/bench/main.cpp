// meridian-bench: benchmarks of meridian's core against plain-MPI baselines, in one run each.
//   mpirun -n 2 meridian-bench halo --nx 4096 --width 2 --fields 4 --json
//   mpirun -n 2 meridian-bench stencil --nx 4096 --steps 50
//   mpirun -n 2 meridian-bench stream
//   mpirun -n 2 meridian-bench io --nx 8192 --ny 8192 --fields 4
//   mpirun -n 2 meridian-bench coupled --nx 144 --ny 72 --steps 96
//   mpirun -n 16 --oversubscribe meridian-bench setup --nx 32 --ny 16
// Errors print one line to stderr and end every rank with a non-zero status.

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "coupled_bench.hpp"
#include "halo_bench.hpp"
#include "io_bench.hpp"
#include "meridian/core/error.hpp"
#include "options.hpp"
#include "report.hpp"
#include "setup_bench.hpp"
#include "stencil_bench.hpp"
#include "stream_bench.hpp"

namespace meridian::bench {
namespace {

int run(int argc, char** argv, MPI_Comm world) {
  int rank = 0;
  MPI_Comm_rank(world, &rank);
  const Options options = parse_options(argc, argv);
  if (options.help) {
    if (rank == 0) std::fputs(usage(), stdout);
    return 0;
  }
  std::vector<Result> results;
  if (options.command == "halo")
    results = run_halo(options, world);
  else if (options.command == "stencil")
    results = run_stencil(options, world);
  else if (options.command == "io")
    results = run_io(options, world);
  else if (options.command == "coupled")
    results = run_coupled(options, world);
  else if (options.command == "setup")
    results = run_setup(options, world);
  else
    results = run_stream(options, world);
  print_results(results, options.json, rank);
  if (!options.json && options.command == "stencil" && rank == 0)
    std::printf("# yardstick from docs/platform-notes.md, not measured here: N=4096, 50 steps, 2 ranks: "
                "careful hand-written MPI ~7.1 ms/step, PETSc DMDA ~13.1 ms/step, miniGhost ~13.8 ms/step\n");
  if (!options.json && options.command == "coupled" && rank == 0)
    std::printf("# phase times are means over ranks; halo exchanges are inside each component's time. "
                "ratio: cell updates/s per rank over STREAM triad per rank / 16 B (a memory-bound sweep)\n"
                "# redistribution: the most bytes a rank sends to other ranks per gather+scatter round (local "
                "copies excluded: 0 where every route is local) over the slowest rank's round time, vs raw MPI\n");
  return 0;
}

}  // namespace
}  // namespace meridian::bench

int main(int argc, char** argv) {
  // Open MPI 4.1's OMPIO can corrupt collective HDF5 writes (ompi#12718): use ROMIO unless told otherwise.
  setenv("OMPI_MCA_io", "romio321", 0);
  MPI_Init(&argc, &argv);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);  // MPI errors become exceptions
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  try {
    const int status = meridian::bench::run(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
  } catch (const meridian::core::ConfigError& e) {
    // Every rank parsed the same arguments and failed alike: rank 0 speaks, all exit 2.
    if (rank == 0) std::fprintf(stderr, "error: %s (see meridian-bench --help)\n", e.what());
    MPI_Finalize();
    return 2;
  } catch (const std::exception& e) {
    // A failure on some ranks only: the others may be waiting in a collective, so abort them all.
    std::fprintf(stderr, "meridian-bench: error on world rank %d: %s\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
    return 1;
  }
}
