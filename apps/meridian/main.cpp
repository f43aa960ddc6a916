// meridian: config-driven coupled runs under mpirun or Slurm.
// Exit status: 0 success (also after a wall-time stop with a restart written), 2 invalid input (one
// line from rank 0, every rank exits 2), 1 a failure during the run (MPI_Abort with rank and context),
// 3 numerical blow-up (NaN/Inf/out of range; crash dump written), 4 a history/restart file could not be
// written (e.g. disk full; older restarts intact). 3 and 4: one line from rank 0, every rank exits alike.
#include <mpi.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "command_line.hpp"
#include "meridian/core/agreement.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/input_file.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "meridian/core/run_failure.hpp"
#include "meridian/io/hdf5_output.hpp"
#include "meridian/revision.hpp"
#include "meridian/io/output_folder.hpp"
#include "memory_check.hpp"
#include "model.hpp"
#include "reports.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void request_stop(int) { stop_requested = 1; }

// Installed first thing in main, so a wall-time signal during start-up, calibration or restore is
// remembered (the run then stops before its first step) instead of killing the rank.
void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // interrupted reads and writes resume by themselves
  sigaction(SIGUSR1, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// Collective: rank 0 creates output.dir and proves it writable; every rank throws the same error.
void prepare_output_dir(const std::string& dir, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string error;
  if (rank == 0) {
    std::error_code ec;
    const std::string shown = "output.dir = '" + meridian::core::printable(dir) + "'";
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      error = shown + " cannot be created: " + ec.message();
    } else if (!std::filesystem::is_directory(dir, ec)) {
      error = shown + " is not a folder";
    } else {
      const auto probe = std::filesystem::path(dir) / ".meridian-write-test";
      if (!std::ofstream(probe)) error = shown + " is not writable";
      std::filesystem::remove(probe, ec);
    }
  }
  meridian::core::throw_config_error_if_any(error, comm);
}

// Collective: rank 0 writes a small text file atomically; a failure (a full disk) is status 4 on
// every rank, and the old file stays as it was.
void write_on_rank0(const std::string& path, const std::string& text, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string error;
  if (rank == 0) {
    try {
      meridian::core::write_file_atomically(path, text);
    } catch (const meridian::core::Error& e) {
      error = e.context() + ": " + e.message();
    }
  }
  meridian::core::throw_if_any_failed(error, comm, [&](const meridian::core::Agreement& a) {
    return meridian::core::OutputError(rank, a.message + "; the older file is intact");
  });
}

// status.txt tells batch scripts how the run ended: "complete STEP RESTART" or "stopped STEP RESTART".
void write_status(const std::string& dir, const meridian::core::RunSummary& summary, MPI_Comm comm) {
  write_on_rank0(dir + "/status.txt",
                 std::string(summary.stopped_early ? "stopped " : "complete ") + std::to_string(summary.last_step) +
                     ' ' + summary.last_restart + '\n',
                 comm);
}

int run(int argc, char** argv, MPI_Comm world) {
  using namespace meridian;
  int rank = 0, size = 1;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &size);
  std::ostream* log = rank == 0 ? &std::cout : nullptr;

  const app::CommandLine cl = app::parse_command_line(argc, argv);
  core::OptionRegistry registry = app::declare_all_options();
  // configs/default.ini is the app's one set of defaults: --help lists its values, and an empty
  // config file runs exactly what `meridian` without --config runs.
  registry.set_defaults_from(app::default_config_text(), "configs/default.ini (built in)");
  if (cl.help || cl.version) {
    if (log && cl.help) app::print_help(*log, registry);
    if (log && cl.version) *log << "meridian " << MERIDIAN_VERSION << " (" << MERIDIAN_GIT_REVISION << ")\n";
    return 0;
  }
  const std::string text = app::read_config_text(cl.config_path, world);
  core::Config config = core::Config::resolve(registry, text, cl.config_path.empty() ? "default config" : cl.config_path,
                                              cl.overrides);
  app::check_memory_fits(config, world);  // before anything is allocated
  const std::vector<double> work = app::calibrate(config, world);
  core::Driver driver(world, config, app::make_components(config), app::make_mediators(config), log, work);
  driver.validate();
  const double sharing = work.empty() ? 1.0 : app::ranks_per_core(world);  // collective
  if (log && !work.empty()) {
    double predicted = 0;
    std::string split;
    for (std::size_t n = 0; n < work.size(); ++n) {
      predicted = std::max(predicted, work[n] / driver.ranks_of(n));
      if (n) split += " + ";
      split += std::to_string(driver.ranks_of(n));
    }
    *log << "meridian: automatic split " << split << " ranks from a calibration; predicted " << predicted * 1e3
         << " ms per coupling interval\n";
    if (sharing > 1.0)
      *log << "meridian: note: up to " << sharing << " ranks per core on a node; the prediction assumes a core "
           << "per rank, so the components time-slice and the measured interval will be longer\n";
  }
  if (cl.check) {
    app::print_check(log, driver, config, size);
    return 0;
  }
  const std::string dir = config.text("output.dir");
  prepare_output_dir(dir, world);
  // Claims the folder (lock, another run's output) before reading the restart: nothing is written.
  io::OutputFolder folder(world, dir, config.text("output.existing"), config.text("restart.from"), log);
  const core::Provenance provenance{MERIDIAN_VERSION, MERIDIAN_GIT_REVISION, config.to_ini(), config.digest(),
                                    size, driver.describe_layout()};
  io::Hdf5Output sink(world, io::OutputSettings{dir, int(config.integer("restart.keep"))}, provenance);
  driver.restore(sink);
  if (folder.continues()) sink.adopt_restarts(driver.clock().step());
  driver.open_diagnostics(folder.continues());  // a damaged diagnostics.csv is found here, before any write
  folder.take_over();
  write_on_rank0(dir + "/config.ini", config.to_ini(), world);
  if (log) *log << "meridian " << MERIDIAN_VERSION << ": " << size << " ranks, " << driver.describe_layout()
                << ", output in " << config.text("output.dir") << "\n";
  const core::RunSummary summary = driver.run(sink, &stop_requested);
  write_status(dir, summary, world);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  install_stop_handlers();
  // Open MPI 4.1's OMPIO can corrupt collective HDF5 writes (ompi#12718): use ROMIO unless told otherwise.
  setenv("OMPI_MCA_io", "romio321", 0);
  MPI_Init(&argc, &argv);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int status = 0;
  try {
    status = run(argc, argv, MPI_COMM_WORLD);
  } catch (const meridian::core::ConfigError& e) {
    // Input errors are found identically on every rank: one line from rank 0, status 2 everywhere.
    if (rank == 0) {
      const std::string& context = e.context();
      // printable(): whatever a message echoes (a path, a value) cannot break the line or drive the terminal.
      const std::string line = (context.empty() ? "" : context + ": ") + e.message();
      std::cerr << "meridian: error: " << meridian::core::printable(line, 4096) << std::endl;
    }
    status = 2;
  } catch (const meridian::core::CollectiveError& e) {
    // Agreed by every rank through a collective (blow-up, failed write): report once, exit alike.
    if (rank == 0) std::cerr << "meridian: error: " << meridian::core::printable(e.message(), 4096) << std::endl;
    status = e.exit_status();
  } catch (const meridian::core::Error& e) {
    // A failure on some ranks only; what() already names the rank and context ("rank 3: ocean: ...").
    std::cerr << "meridian: " << meridian::core::printable(e.what(), 4096) << std::endl;
    MPI_Abort(MPI_COMM_WORLD, 1);
  } catch (const std::exception& e) {
    std::cerr << "meridian: rank " << rank << ": " << meridian::core::printable(e.what(), 4096) << std::endl;
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return status;
}
