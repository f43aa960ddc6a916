#pragma once
// Failures of a running model that every rank has already agreed on through a collective, so that
// main() can report them once (rank 0) and end every rank with the same exit status and a clean
// MPI_Finalize instead of an MPI_Abort. Exit statuses of the meridian app (docs/reliability.md):
//   0 success, 1 unexpected failure (MPI_Abort), 2 invalid input (ConfigError),
//   3 numerical blow-up (NumericalError), 4 output could not be written (OutputError).

#include <string>

#include "meridian/core/error.hpp"

namespace meridian::core {

// Thrown on every rank of the run with the same message, after a collective agreement.
class CollectiveError : public Error {
 public:
  CollectiveError(int rank, std::string context, const std::string& message, int exit_status)
      : Error(rank, std::move(context), message), exit_status_(exit_status) {}
  int exit_status() const noexcept { return exit_status_; }

 private:
  int exit_status_;
};

// A prognostic field holds NaN, Inf or a value outside its FieldMetadata valid range.
class NumericalError : public CollectiveError {
 public:
  static constexpr int status = 3;
  NumericalError(int rank, const std::string& message) : CollectiveError(rank, "", message, status) {}
};

// A history, restart or crash-dump file could not be written (full disk, quota, I/O error). The
// partial file was removed and no older restart file was touched.
class OutputError : public CollectiveError {
 public:
  static constexpr int status = 4;
  OutputError(int rank, const std::string& message) : CollectiveError(rank, "", message, status) {}
};

}  // namespace meridian::core
