#include "meridian/io/output_folder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <regex>

#include "file_policy.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/input_file.hpp"

namespace meridian::io {

namespace fs = std::filesystem;

namespace {

// Takes the run's lock on rank 0; returns the descriptor, or -1 where the file system cannot lock.
int lock_folder(const std::string& dir, std::ostream* log) {
  const std::string path = (fs::path(dir) / ".meridian.lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    throw core::ConfigError(-1, "", "output.dir = '" + core::printable(dir) + "' cannot be locked: " + path + ": " +
                                        std::strerror(errno));
  struct flock whole {};
  whole.l_type = F_WRLCK;
  whole.l_whence = SEEK_SET;
  if (::fcntl(fd, F_SETLK, &whole) == 0) return fd;
  const int error = errno;
  if (error == EACCES || error == EAGAIN) {
    struct flock holder {};
    holder.l_type = F_WRLCK;
    holder.l_whence = SEEK_SET;
    const bool known = ::fcntl(fd, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK && holder.l_pid > 0;
    ::close(fd);
    throw core::ConfigError(-1, "", "output.dir = '" + core::printable(dir) + "' is in use by another meridian run (" +
                                        (known ? "process " + std::to_string(holder.l_pid) + " holds " : "a lock on ") +
                                        path + "); wait for it to end or choose another output.dir");
  }
  ::close(fd);
  if (log)
    *log << "meridian: note: cannot lock " << path << " (" << std::strerror(error)
         << "); this file system does not support locks, so a second run started into this folder would not be "
            "refused\n";
  return -1;
}

bool inside(const std::string& file, const std::string& dir) {
  std::error_code ec;
  const fs::path parent = fs::path(file).parent_path();
  return fs::equivalent(parent.empty() ? fs::path(".") : parent, dir, ec) && !ec;
}

}  // namespace

std::vector<std::string> OutputFolder::meridian_files(const std::string& dir) {
  static const std::regex names(
      R"((config\.ini|status\.txt|diagnostics\.csv|timing\.csv|[A-Za-z0-9_]+\.xdmf|[A-Za-z0-9_]+_[0-9]{6,}\.h5|[A-Za-z0-9_]+\.fixed\.h5)(\.tmp)?)");
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, names) && !entry.is_directory(ec)) found.push_back(name);
  }
  std::sort(found.begin(), found.end());
  return found;
}

OutputFolder::OutputFolder(MPI_Comm comm, std::string dir, const std::string& existing,
                           const std::string& restart_from, std::ostream* log)
    : comm_(comm), dir_(std::move(dir)), log_(log) {
  int rank = 0;
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank), comm);
  if (dir_.empty()) dir_ = ".";
  int continues = 0;
  on_rank0(comm, [&] {
    if (!restart_from.empty()) core::require_readable_file(restart_from, "restart.from =");
    const bool from_inside = !restart_from.empty() && inside(restart_from, dir_);
    const std::string folder = "output.dir = '" + core::printable(dir_) + "'";
    if (existing == "continue" && restart_from.empty())
      throw core::ConfigError(-1, "", "output.existing = continue needs restart.from, the restart file to continue "
                                      "from (status.txt in " + core::printable(dir_) + " names the newest)");
    if (existing == "overwrite" && from_inside)
      throw core::ConfigError(-1, "", "output.existing = overwrite would delete restart.from = '" +
                                          core::printable(restart_from) + "' with the rest of " + folder +
                                          "; use output.existing = continue, or copy the file elsewhere first");
    create_directories(dir_);
    lock_fd_ = lock_folder(dir_, log);
    const std::vector<std::string> files = meridian_files(dir_);
    continues = from_inside || existing == "continue";
    if (!files.empty() && !continues && existing != "overwrite") {
      ::close(lock_fd_);
      lock_fd_ = -1;
      throw core::ConfigError(-1, "", folder + " holds another run's output (" + core::printable(files.front()) +
                                          (files.size() > 1 ? " and " + std::to_string(files.size() - 1) + " more" : "") +
                                          "); choose another output.dir, or set output.existing = continue (with "
                                          "restart.from) or overwrite");
    }
    if (existing == "overwrite") previous_ = files;
  });
  MERIDIAN_MPI(MPI_Bcast(&continues, 1, MPI_INT, 0, comm), comm);
  continues_ = continues != 0;
  overwrite_ = existing == "overwrite";
}

OutputFolder::~OutputFolder() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock; the file stays
}

void OutputFolder::take_over() {
  on_rank0(comm_, [&] {
    const fs::path dir(dir_);
    if (overwrite_ && !previous_.empty()) {
      for (const std::string& name : previous_)
        if (std::remove((dir / name).c_str()) != 0 && errno != ENOENT)
          throw core::Error(-1, "output.existing = overwrite", "cannot delete '" + (dir / name).string() + "': " +
                                                                    std::strerror(errno));
      if (log_)
        *log_ << "meridian: output.existing = overwrite: deleted " << previous_.size() << " files of the previous run in "
              << dir_ << "\n";
    }
    std::remove((dir / "status.txt").c_str());
  });
}

}  // namespace meridian::io
