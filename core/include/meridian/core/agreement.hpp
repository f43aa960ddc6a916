#pragma once
// Agreeing on a failure across ranks: some ranks have an error message, and every rank must throw
// the same one, so that no rank is left waiting in a later collective and the run reports one line.
// The message chosen is the lowest failing rank's, so the verdict does not depend on timing.
//
//   std::string failure;                      // "" where this rank is fine
//   try { ...; } catch (const Error& e) { failure = e.message(); }
//   throw_if_any_failed(failure, comm, [](const Agreement& a) { return ConfigError(-1, "", a.message); });

#include <mpi.h>

#include <string>

namespace meridian::core {

// The outcome every rank agrees on: rank is the lowest failing rank (-1 if none failed), message
// and code are that rank's.
struct Agreement {
  int rank = -1;
  std::string message;
  int code = 0;  // the failing rank's own classification of its failure (0 to 255), if it gave one
  bool failed() const noexcept { return rank >= 0; }
};

// Collective over `comm`: one MPI_Allreduce while no rank failed, and a broadcast of the chosen
// message otherwise. A rank has failed if its `message` is non-empty or its `code` (0 to 255, which
// travels with the message) is not 0. Throws Error on an MPI error or a code outside 0 to 255.
Agreement agree_on_failure(const std::string& message, MPI_Comm comm, int code = 0);

// Collective over `comm`: if any rank failed (as above), every rank throws make(agreement)
// (an exception object, e.g. ConfigError(-1, "", a.message)); otherwise returns.
template <class MakeError>
void throw_if_any_failed(const std::string& message, MPI_Comm comm, MakeError&& make, int code = 0) {
  const Agreement agreed = agree_on_failure(message, comm, code);
  if (agreed.failed()) throw make(agreed);
}

// Collective over `comm`: the common case, ConfigError(-1, context, the lowest failing rank's
// message) on every rank if any message is non-empty (main reports it once and exits 2).
void throw_config_error_if_any(const std::string& message, MPI_Comm comm, const std::string& context = "");

}  // namespace meridian::core
