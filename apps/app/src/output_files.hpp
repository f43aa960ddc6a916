#pragma once
// The small files a run writes around the model's own output: the output folder, config.ini and
// status.txt. Rank 0 writes; every rank learns the outcome and fails alike.
#include <mpi.h>

#include <string>

#include "meridian/core/driver.hpp"

namespace meridian::app {

// Collective: rank 0 creates output.dir and proves it writable; every rank throws the same ConfigError.
void prepare_output_dir(const std::string& dir, MPI_Comm comm);

// Collective: rank 0 writes a small text file atomically; a failure (a full disk) is core::OutputError
// (status 4) on every rank, and the old file stays as it was.
void write_on_rank0(const std::string& path, const std::string& text, MPI_Comm comm);

// Collective: status.txt tells batch scripts how the run ended: "complete STEP RESTART" or
// "stopped STEP RESTART".
void write_status(const std::string& dir, const core::RunSummary& summary, MPI_Comm comm);

}  // namespace meridian::app
