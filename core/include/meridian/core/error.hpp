#pragma once
// Errors in meridian are exceptions that say which rank failed and what it was doing.
// Library code throws; only main() catches, reports and ends the run.

#include <mpi.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace meridian::core {

// An error raised by meridian code. `rank` is the rank in the communicator the failing code was
// given (-1 where none applies); `context` says what was being done.
class Error : public std::runtime_error {
 public:
  Error(int rank, std::string context, const std::string& message);
  int rank() const noexcept { return rank_; }
  const std::string& context() const noexcept { return context_; }
  // The message alone, without the "rank N: context:" prefix that what() carries.
  const std::string& message() const noexcept { return message_; }

 private:
  int rank_;
  std::string context_;
  std::string message_;
};

// A user mistake found before any work was done (bad config value, impossible process grid...).
// main() reports it as one line and exits with status 2 on every rank.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// `text` made safe to echo in a one-line message: control characters (and C1 controls) become
// escapes such as \n or \x1b, so a value can neither break the line nor drive the terminal, and
// text longer than `max_bytes` is cut (never inside a UTF-8 character) and ends in "... (N bytes)".
std::string printable(std::string_view text, std::size_t max_bytes = 80);

// This process's rank in `comm`, or -1 if MPI is not running or comm is null. Never throws.
int rank_or_unknown(MPI_Comm comm) noexcept;

// Throws Error if an MPI call returned anything but MPI_SUCCESS. Never compiled out.
void check_mpi(int return_code, const char* call, MPI_Comm comm = MPI_COMM_NULL);

}  // namespace meridian::core

// Checks an MPI call and names it in the error: MERIDIAN_MPI(MPI_Isend(...), comm).
#define MERIDIAN_MPI(call, comm) ::meridian::core::check_mpi((call), #call, (comm))
