#pragma once
// Paths a user gives (a config file, a mask file, a restart file): checked before anything opens
// them, so a FIFO, a device, a symlink loop or a name the system refuses is one clear ConfigError
// within milliseconds instead of a hang in open() or a raw std::filesystem exception.
// And small text files (config.ini, status.txt, timing.csv) written the safe way.

#include <string>

namespace meridian::core {

// Local. Throws ConfigError(-1, "", "<what> '<path>' ...") unless `path` names a regular file (after
// following symlinks) that this process may read: missing, a directory, a FIFO, a socket or device,
// a symlink loop, a too-long name and "permission denied" each say so. `what` is e.g. "config file".
void require_readable_file(const std::string& path, const std::string& what);

// Local. Writes `text` to `<path>.tmp`, closes it, checks every byte arrived and renames it over
// `path`, so `path` holds either its old content or the new one, never a part. Throws Error naming
// `path` and the reason (e.g. "No space left on device"); the `.tmp` is removed on failure.
void write_file_atomically(const std::string& path, const std::string& text);
// Local. Appends `text` to `path` (which must exist); throws Error naming `path` and the reason.
void append_to_file(const std::string& path, const std::string& text);

}  // namespace meridian::core
