#pragma once
// One run owns its output folder. Two runs started into one folder would interleave their files,
// and a new run in an old run's folder would prune the old restarts and replace its diagnostics, so:
// - rank 0 holds an exclusive lock on `<dir>/.meridian.lock` for the whole run (fcntl F_SETLK: the
//   kernel releases it when the process dies, even on SIGKILL, and NFS and Lustre mounted with
//   `-o flock` carry it across nodes; where the file system cannot lock, a note says so and the run
//   goes on unprotected);
// - a folder already holding meridian output is refused unless the run continues it (restart.from
//   inside the folder, or output.existing = continue) or replaces it (output.existing = overwrite).
// The lock file is never deleted: deleting it would let two runs lock two different files.

#include <mpi.h>

#include <iosfwd>
#include <string>
#include <vector>

namespace meridian::io {

class OutputFolder {
 public:
  // Collective over `comm`. Rank 0 creates `dir`, takes the lock and inspects the folder and
  // `restart_from` (which must be a readable regular file when not empty). `existing` is the value of
  // output.existing: "refuse", "continue" or "overwrite". Throws core::ConfigError on every rank,
  // with one line naming the folder and what to do, when another run holds the lock, when the folder
  // holds another run's output and the options do not say to continue or overwrite it, for
  // "continue" without restart.from, and for "overwrite" with restart.from inside the folder.
  // Writes nothing but the (empty) lock file. `log` (rank 0, may be null) gets notes.
  OutputFolder(MPI_Comm comm, std::string dir, const std::string& existing, const std::string& restart_from,
               std::ostream* log);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  // This run continues the run whose output is in the folder: its restart files up to the restored
  // step count towards restart.keep and its diagnostics rows up to that step are kept.
  bool continues() const noexcept { return continues_; }

  // Collective; call after every check passed and just before the run's first write. With
  // "overwrite", rank 0 deletes the previous run's files (meridian's names only); in every case it
  // removes status.txt, which is written again when the run ends, so it never describes a run that
  // is no longer the folder's. Throws core::Error on every rank if a file cannot be deleted.
  void take_over();

  // Rank 0's names of meridian output in `dir` (config.ini, status.txt, diagnostics.csv, timing.csv,
  // *.xdmf, <name>_<step>.h5 and their .tmp). Local.
  static std::vector<std::string> meridian_files(const std::string& dir);

 private:
  MPI_Comm comm_;
  std::string dir_;
  bool overwrite_ = false, continues_ = false;
  std::vector<std::string> previous_;  // rank 0: the previous run's files (overwrite only)
  std::ostream* log_;
  int lock_fd_ = -1;  // rank 0
};

}  // namespace meridian::io
