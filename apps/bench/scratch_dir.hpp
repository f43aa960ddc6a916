#pragma once
// A fresh folder for benchmark files, on the file system the caller names (so that the bytes go
// where real output would), removed with everything in it when the benchmark ends.

#include <mpi.h>

#include <string>

namespace meridian::bench {

class ScratchDir {
 public:
  // Collective over `comm`: rank 0 makes <parent>/meridian-bench-XXXXXX (mkdtemp) and every rank
  // learns its path. Throws core::ConfigError on every rank if it cannot be made.
  ScratchDir(MPI_Comm comm, const std::string& parent);
  // Rank 0 removes the folder and its files. Call when no rank uses it any more (after a barrier).
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  bool owner_ = false;
};

}  // namespace meridian::bench
