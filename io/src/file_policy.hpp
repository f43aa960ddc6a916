#pragma once
// File naming and the write-then-rename policy shared by history and restart files, plus the
// "rank 0 does it, every rank learns the outcome" helper that keeps errors collective.
//
// Policy: a file is only ever written under `<final>.tmp`; once HDF5 has closed it (all data and
// metadata written), rank 0 renames it to `<final>`. rename() within one directory is atomic on
// POSIX file systems, so a run killed at any moment leaves every file with a final name complete,
// and at worst one stale `.tmp` that nothing reads. Restarts are also fsync'ed (file, then rename,
// then directory) so they survive a node crash, not only a killed process.

#include <mpi.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace meridian::io {

// "<dir>/<prefix>_<step, zero-padded to at least 6 digits><extension>"
std::string step_file_path(const std::string& dir, const std::string& prefix, long long step,
                           const std::string& extension = ".h5");
inline std::string temporary_path(const std::string& final_path) { return final_path + ".tmp"; }

// Files "<prefix>_<6 or more digits><extension>" in `dir` as (step, path), sorted by step. Local.
std::vector<std::pair<long long, std::string>> list_step_files(const std::string& dir, const std::string& prefix,
                                                               const std::string& extension = ".h5");

// Local (rank 0's job): fsync a file or directory by path; rename with optional fsyncs; create a
// directory and its parents. Each throws core::Error naming the path and the errno text.
void fsync_path(const std::string& path);
void rename_into_place(const std::string& from, const std::string& to, bool durable);
void create_directories(const std::string& dir);
// Local (rank 0's job): proves that `bytes` can be allocated next to `path` by reserving them in a
// scratch file `<path>.reserve` (posix_fallocate) and deleting it again. Throws core::Error naming
// `path` and the OS's reason ("No space left on device", "Disk quota exceeded") when they cannot;
// does nothing where the file system cannot preallocate. MPI-IO reports a full disk in the middle of a
// collective write only as "input/output error", and HDF5 cannot always close such a file cleanly.
void reserve_space(const std::string& path, unsigned long long bytes);

// Runs `job` on rank 0 of `comm` only, then tells every rank whether it failed: if it threw, every
// rank throws core::Error (or core::ConfigError if `job` threw one) with rank 0's message, so no
// rank is left waiting in a later collective. Collective over `comm`.
void on_rank0(MPI_Comm comm, const std::function<void()>& job);

}  // namespace meridian::io
