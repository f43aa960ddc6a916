#include "file_policy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "meridian/core/agreement.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace meridian::io {

namespace fs = std::filesystem;

std::string step_file_path(const std::string& dir, const std::string& prefix, long long step,
                           const std::string& extension) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%06lld", step);
  return (fs::path(dir) / (prefix + "_" + digits + extension)).string();
}

std::vector<std::pair<long long, std::string>> list_step_files(const std::string& dir, const std::string& prefix,
                                                               const std::string& extension) {
  std::vector<std::pair<long long, std::string>> found;
  std::error_code ec;
  const std::string head = prefix + "_";
  const std::size_t tail = extension.size();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= head.size() + tail || name.compare(0, head.size(), head) != 0) continue;
    if (name.compare(name.size() - tail, tail, extension) != 0) continue;
    const std::string digits = name.substr(head.size(), name.size() - head.size() - tail);
    if (digits.size() < 6 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    found.emplace_back(std::stoll(digits), entry.path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

namespace {
[[noreturn]] void throw_errno(const std::string& what, const std::string& path) {
  throw core::Error(-1, what + " '" + path + "'", std::strerror(errno));
}
}  // namespace

void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("opening for fsync", path);
  int status = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  errno = saved;
  if (status != 0) throw_errno("fsync of", path);
}

void rename_into_place(const std::string& from, const std::string& to, bool durable) {
  if (durable) fsync_path(from);
  if (std::rename(from.c_str(), to.c_str()) != 0) throw_errno("renaming '" + from + "' to", to);
  if (durable) {
    // The rename itself is a change to the directory: without this a crash may forget it.
    std::string dir = fs::path(to).parent_path().string();
    fsync_path(dir.empty() ? "." : dir);
  }
}

void reserve_space(const std::string& path, unsigned long long bytes) {
  const std::string scratch = path + ".reserve";
  int fd = ::open(scratch.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw_errno("creating", path);
  const int status = ::posix_fallocate(fd, 0, off_t(bytes));
  ::close(fd);
  ::unlink(scratch.c_str());
  if (status == 0 || status == EOPNOTSUPP || status == EINVAL) return;
  errno = status;
  throw core::Error(-1, "", std::string(std::strerror(status)) + " (" +
                                                      std::to_string(bytes >> 10) + " KiB needed)");
}

void create_directories(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw core::Error(-1, "creating output directory '" + dir + "'", ec.message());
}

void on_rank0(MPI_Comm comm, const std::function<void()>& job) {
  int rank = 0;
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank), comm);
  std::string message;
  int kind = 0;  // 0 ok, 1 Error, 2 ConfigError
  if (rank == 0) {
    try {
      job();
    } catch (const core::ConfigError& e) {
      kind = 2;
      message = e.message();
    } catch (const core::Error& e) {
      kind = 1;
      message = e.context().empty() ? e.message() : e.context() + ": " + e.message();
    } catch (const std::exception& e) {
      kind = 1;
      message = e.what();
    }
  }
  const core::Agreement agreed = core::agree_on_failure(message, comm, kind);
  if (!agreed.failed()) return;
  if (agreed.code == 2) throw core::ConfigError(rank, "", agreed.message);
  throw core::Error(rank, "rank 0", agreed.message);
}

}  // namespace meridian::io
