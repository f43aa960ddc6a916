#include "scratch_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "meridian/core/error.hpp"

namespace meridian::bench {

ScratchDir::ScratchDir(MPI_Comm comm, const std::string& parent) {
  int rank = 0;
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank), comm);
  std::string made, why;
  if (rank == 0) {
    std::string pattern = (std::filesystem::path(parent) / "meridian-bench-XXXXXX").string();
    std::vector<char> text(pattern.begin(), pattern.end());
    text.push_back('\0');
    if (mkdtemp(text.data()))
      made = text.data();
    else
      why = "cannot make a scratch folder in '" + parent + "': " + std::strerror(errno);
  }
  // Rank 0's outcome to everyone: the path, or an empty path and the reason.
  std::string message = made.empty() ? why : made;
  int length = static_cast<int>(message.size()), ok = made.empty() ? 0 : 1;
  MERIDIAN_MPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm), comm);
  MERIDIAN_MPI(MPI_Bcast(&length, 1, MPI_INT, 0, comm), comm);
  message.resize(static_cast<std::size_t>(length));
  MERIDIAN_MPI(MPI_Bcast(message.data(), length, MPI_CHAR, 0, comm), comm);
  if (!ok) throw core::ConfigError(-1, "meridian-bench", message);
  path_ = message;
  owner_ = rank == 0;
}

ScratchDir::~ScratchDir() {
  if (!owner_) return;
  std::error_code ignored;  // a destructor must not throw; a leftover folder is named in no error
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace meridian::bench
