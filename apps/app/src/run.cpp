// meridian::app::run: a config-driven coupled run under mpirun or Slurm, for any Registry. The exit
// status contract is in include/meridian/app/run.hpp.
#include "meridian/app/run.hpp"

#include <mpi.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "command_line.hpp"
#include "memory_check.hpp"
#include "meridian/app/calibration.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/run_failure.hpp"
#include "meridian/io/hdf5_output.hpp"
#include "meridian/io/output_folder.hpp"
#include "meridian/revision.hpp"
#include "meridian/version.hpp"
#include "output_files.hpp"
#include "reports.hpp"

namespace meridian::app {

namespace {

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void request_stop(int) { stop_requested = 1; }

// Installed first thing in run(), so a wall-time signal during start-up, calibration or restore is
// remembered (the run then stops before its first step) instead of killing the rank.
void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // interrupted reads and writes resume by themselves
  sigaction(SIGUSR1, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// "meridian 0.1.0 (1a2b3c4d5e6f)", or with the program's own version "my_model 2.0 (meridian 0.1.0,
// 1a2b3c4d5e6f)": the revision is meridian's, the one its library was compiled from.
std::string version_line(const Registry& registry) {
  if (!registry.has_own_version())
    return registry.program() + " " + MERIDIAN_VERSION + " (" + MERIDIAN_GIT_REVISION + ")";
  return registry.program() + " " + registry.version() + " (meridian " + MERIDIAN_VERSION + ", " +
         MERIDIAN_GIT_REVISION + ")";
}

int run_program(int argc, char** argv, const Registry& registry, MPI_Comm world) {
  int rank = 0, size = 1;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &size);
  std::ostream* log = rank == 0 ? &std::cout : nullptr;
  const std::string& program = registry.program();

  const CommandLine cl = parse_command_line(argc, argv);
  core::OptionRegistry options = registry.declare_options();
  // The built-in configuration is the program's one set of defaults: --help lists its values, and an
  // empty config file runs exactly what the program without --config runs.
  if (registry.has_defaults()) options.set_defaults_from(registry.defaults(), registry.defaults_source() + " (built in)");
  if (cl.help || cl.version) {
    if (log && cl.help) print_help(*log, registry, options);
    if (log && cl.version) *log << version_line(registry) << "\n";
    return 0;
  }
  const std::string text = read_config_text(cl.config_path, registry.defaults(), world);
  core::Config config = core::Config::resolve(options, text, cl.config_path.empty() ? "default config" : cl.config_path,
                                              cl.overrides);
  check_memory_fits(config, registry.component_names(), world);  // before anything is allocated
  const std::vector<double> work = calibrate(config, world, registry);
  core::Driver driver(world, config, registry.make_components(config), registry.make_mediators(config), log, work);
  driver.validate();
  const double sharing = work.empty() ? 1.0 : ranks_per_core(world);  // collective
  if (log && !work.empty()) {
    double predicted = 0;
    std::string split;
    for (std::size_t n = 0; n < work.size(); ++n) {
      predicted = std::max(predicted, work[n] / driver.ranks_of(n));
      if (n) split += " + ";
      split += std::to_string(driver.ranks_of(n));
    }
    *log << program << ": automatic split " << split << " ranks from a calibration; predicted " << predicted * 1e3
         << " ms per coupling interval\n";
    if (sharing > 1.0)
      *log << program << ": note: up to " << sharing << " ranks per core on a node; the prediction assumes a core "
           << "per rank, so the components time-slice and the measured interval will be longer\n";
  }
  if (cl.check) {
    print_check(log, driver, config, size);
    return 0;
  }
  const std::string dir = config.text("output.dir");
  prepare_output_dir(dir, world);
  // Claims the folder (lock, another run's output) before reading the restart: nothing is written.
  io::OutputFolder folder(world, dir, config.text("output.existing"), config.text("restart.from"), log);
  const core::Provenance provenance{MERIDIAN_VERSION, MERIDIAN_GIT_REVISION, config.to_ini(), config.digest(),
                                    size, driver.describe_layout()};
  const io::HistoryPrecision precision = config.text("output.precision") == "single"
                                             ? io::HistoryPrecision::single_precision
                                             : io::HistoryPrecision::double_precision;
  const bool background = config.boolean("output.background");
  io::Hdf5Output sink(
      world,
      io::OutputSettings{
          dir, int(config.integer("restart.keep")), true, precision, int(config.integer("output.writers_per_node")),
          config.text("output.fixed_fields") == "own_file" ? io::FixedFields::own_file : io::FixedFields::every_file,
          background},
      provenance);
  if (background) {
    // The writer thread needs a hardware thread of its own; where each rank has one, it takes turns
    // with the model and the run is slower than with foreground writes (docs/performance.md).
    const double sharing_writes = ranks_per_core(world);  // collective
    if (log && sharing_writes > 0.5)
      *log << program << ": note: output.background = true, but a rank has fewer than 2 hardware threads of its own ("
           << sharing_writes << " ranks per hardware thread on a node): the history writer takes turns with the model, "
           << "which is slower than output.background = false; give each rank two (Slurm --cpus-per-task=2, mpirun "
           << "--map-by slot:PE=2)\n";
  }
  driver.restore(sink);
  if (folder.continues()) sink.adopt_restarts(driver.clock().step());
  driver.open_diagnostics(folder.continues());  // a damaged diagnostics.csv is found here, before any write
  folder.take_over();
  write_on_rank0(dir + "/config.ini", config.to_ini(), world);
  if (log) *log << program << " " << registry.version() << ": " << size << " ranks, " << driver.describe_layout()
                << ", output in " << config.text("output.dir") << "\n";
  const core::RunSummary summary = driver.run(sink, &stop_requested);
  write_status(dir, summary, world);
  return 0;
}

}  // namespace

int run(int argc, char** argv, const Registry& registry) {
  install_stop_handlers();
  // Open MPI 4.1's OMPIO can corrupt collective HDF5 writes (ompi#12718): use ROMIO unless told otherwise.
  setenv("OMPI_MCA_io", "romio321", 0);
  // MPI_THREAD_MULTIPLE for output.background's writer thread; io::Hdf5Output says so if it is missing.
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  // The one place that names MPI_COMM_WORLD: everything below takes the communicator it is given.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const std::string& program = registry.program();
  int status = 0;
  try {
    status = run_program(argc, argv, registry, MPI_COMM_WORLD);
  } catch (const core::ConfigError& e) {
    // Input errors are found identically on every rank: one line from rank 0, status 2 everywhere.
    if (rank == 0) {
      const std::string& context = e.context();
      // printable(): whatever a message echoes (a path, a value) cannot break the line or drive the terminal.
      const std::string line = (context.empty() ? "" : context + ": ") + e.message();
      std::cerr << program << ": error: " << core::printable(line, 4096) << std::endl;
    }
    status = 2;
  } catch (const core::CollectiveError& e) {
    // Agreed by every rank through a collective (blow-up, failed write): report once, exit alike.
    if (rank == 0) std::cerr << program << ": error: " << core::printable(e.message(), 4096) << std::endl;
    status = e.exit_status();
  } catch (const core::Error& e) {
    // A failure on some ranks only; what() already names the rank and context ("rank 3: ocean: ...").
    std::cerr << program << ": " << core::printable(e.what(), 4096) << std::endl;
    MPI_Abort(MPI_COMM_WORLD, 1);
  } catch (const std::exception& e) {
    std::cerr << program << ": rank " << rank << ": " << core::printable(e.what(), 4096) << std::endl;
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return status;
}

}  // namespace meridian::app
