#include "meridian/core/error.hpp"

namespace meridian::core {

namespace {
std::string format(int rank, const std::string& context, const std::string& message) {
  std::string out = rank >= 0 ? "rank " + std::to_string(rank) + ": " : std::string{};
  if (!context.empty()) out += context + ": ";
  return out + message;
}
}  // namespace

Error::Error(int rank, std::string context, const std::string& message)
    : std::runtime_error(format(rank, context, message)),
      rank_(rank),
      context_(std::move(context)),
      message_(message) {}

int rank_or_unknown(MPI_Comm comm) noexcept {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized || comm == MPI_COMM_NULL) return -1;
  int rank = -1;
  if (MPI_Comm_rank(comm, &rank) != MPI_SUCCESS) return -1;
  return rank;
}

void check_mpi(int return_code, const char* call, MPI_Comm comm) {
  if (return_code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(return_code, text, &length);
  throw Error(rank_or_unknown(comm), call, std::string("MPI error: ") + std::string(text, length));
}

}  // namespace meridian::core
