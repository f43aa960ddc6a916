#include "meridian/core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "meridian/core/error.hpp"

namespace meridian::core {

void require_readable_file(const std::string& path, const std::string& what) {
  const auto fail = [&](const std::string& why) {
    throw ConfigError(-1, "", what + " '" + printable(path) + "' " + why);
  };
  if (path.empty()) fail("is empty");
  struct stat st {};
  // stat() follows symlinks and never blocks: a FIFO is only opened once we know it is not one.
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) fail("does not exist");
    fail("cannot be used: " + std::string(std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) fail("is a directory, not a file");
  if (S_ISFIFO(st.st_mode)) fail("is a FIFO (named pipe), not a regular file");
  if (!S_ISREG(st.st_mode)) fail("is not a regular file (a socket or device)");
  if (::access(path.c_str(), R_OK) != 0) fail("cannot be read: " + std::string(std::strerror(errno)));
}

namespace {
// Writes every byte of `text` to `fd` and closes it; returns 0 or the errno of the first failure.
int write_and_close(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::close(fd);
      return error;
    }
    done += std::size_t(n);
  }
  return ::close(fd) == 0 ? 0 : errno;  // NFS reports a full disk as late as close()
}
}  // namespace

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  const auto fail = [&](int error) {
    ::unlink(temporary.c_str());
    throw Error(-1, "writing '" + path + "'", std::strerror(error));
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(errno);
  if (const int error = write_and_close(fd, text)) fail(error);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail(errno);
}

void append_to_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  const int error = fd < 0 ? errno : write_and_close(fd, text);
  if (error) throw Error(-1, "appending to '" + path + "'", std::strerror(error));
}

}  // namespace meridian::core
