#include "output_files.hpp"

#include <filesystem>
#include <fstream>

#include "meridian/core/error.hpp"
#include "meridian/core/input_file.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "meridian/core/run_failure.hpp"

namespace meridian::app {

void prepare_output_dir(const std::string& dir, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string error;
  if (rank == 0) {
    std::error_code ec;
    const std::string shown = "output.dir = '" + core::printable(dir) + "'";
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
  core::broadcast_string(error, 0, comm);
  if (!error.empty()) throw core::ConfigError(-1, "", error);
}

void write_on_rank0(const std::string& path, const std::string& text, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string error;
  if (rank == 0) {
    try {
      core::write_file_atomically(path, text);
    } catch (const core::Error& e) {
      error = e.context() + ": " + e.message();
    }
  }
  core::broadcast_string(error, 0, comm);
  if (!error.empty()) throw core::OutputError(rank, error + "; the older file is intact");
}

void write_status(const std::string& dir, const core::RunSummary& summary, MPI_Comm comm) {
  write_on_rank0(dir + "/status.txt",
                 std::string(summary.stopped_early ? "stopped " : "complete ") + std::to_string(summary.last_step) +
                     ' ' + summary.last_restart + '\n',
                 comm);
}

}  // namespace meridian::app
