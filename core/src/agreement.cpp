#include "meridian/core/agreement.hpp"

#include "meridian/core/error.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace meridian::core {

Agreement agree_on_failure(const std::string& message, MPI_Comm comm, int code) {
  int rank = 0, size = 1;
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank), comm);
  MERIDIAN_MPI(MPI_Comm_size(comm, &size), comm);
  if (code < 0 || code > 255)
    throw Error(rank, "agreeing on a failure", "code " + std::to_string(code) + " is not 0 to 255");
  int first = message.empty() && code == 0 ? size : rank;
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm), comm);
  if (first == size) return {};
  // The code rides in front of the message: one broadcast, from the rank whose message wins.
  std::string carried;
  if (rank == first) carried = static_cast<char>(static_cast<unsigned char>(code)) + message;
  broadcast_string(carried, first, comm);
  return {first, carried.substr(1), static_cast<unsigned char>(carried[0])};
}

void throw_config_error_if_any(const std::string& message, MPI_Comm comm, const std::string& context) {
  throw_if_any_failed(message, comm, [&](const Agreement& a) { return ConfigError(-1, context, a.message); });
}

}  // namespace meridian::core
