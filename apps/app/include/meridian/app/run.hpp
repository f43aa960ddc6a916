#pragma once
// A complete MPI program from a Registry: a user's main is
//
//   int main(int argc, char** argv) {
//     meridian::app::Registry registry("my_model");
//     registry.add_component("tracer", [] { return std::make_unique<MyTracer>(); });
//     return meridian::app::run(argc, argv, registry);
//   }
//
// Command line: [--config FILE] [--check] [--help] [--version] [--section.key=VALUE ...].
// Exit status: 0 success (also after a wall-time stop with a restart written), 2 invalid input (one
// line from rank 0, every rank exits 2), 1 a failure during the run (MPI_Abort with rank and context),
// 3 numerical blow-up (NaN/Inf/out of range; crash dump written), 4 a history/restart file could not be
// written (e.g. disk full; older restarts intact). 3 and 4: one line from rank 0, every rank exits alike.
// Every message starts with the registry's program name.
#include "meridian/app/registry.hpp"

namespace meridian::app {

// Installs the SIGUSR1/SIGTERM handlers (finish the step, write a restart, exit 0), selects Open MPI's
// ROMIO unless OMPI_MCA_io is set, calls MPI_Init, then: --help / --version, reads and validates the
// configuration, refuses a grid that cannot fit in memory, calibrates automatic rank splits, --check,
// claims output.dir, restores restart.from, runs, writes config.ini, status.txt and provenance, and
// calls MPI_Finalize. Call it once, from main, before anything else touches MPI. Returns the exit status.
int run(int argc, char** argv, const Registry& registry);

}  // namespace meridian::app
