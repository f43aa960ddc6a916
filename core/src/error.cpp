#include "meridian/core/error.hpp"

#include <algorithm>
#include <cstdio>

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

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::size_t end = std::min(text.size(), max_bytes);
  while (end < text.size() && end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  std::string out;
  char escape[8];
  for (std::size_t k = 0; k < end; ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    const bool c1 = c == 0xC2 && k + 1 < text.size() && static_cast<unsigned char>(text[k + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[k + 1]) <= 0x9F;
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) std::snprintf(escape, sizeof escape, "\\x%02x", c), out += escape;
    else if (c1) std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned char>(text[++k])), out += escape;
    else out += char(c);
  }
  if (end < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

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
