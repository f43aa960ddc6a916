#pragma once
// Fake components for I/O tests: a decomposition, a grid and fields whose owned cells hold a code
// of (field, level, global i, global j, salt), wrapped as core::ComponentOutput.
#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "meridian/core/output_sink.hpp"
#include "meridian/io/hdf5_output.hpp"

namespace meridian::test {

// Exactly representable, different for every cell, level, field and salt.
inline double cell_code(int field, int k, int gi, int gj, int salt) {
  return 1.0e6 * field + 1.0e4 * k + 100.0 * gj + gi + 0.125 * salt;
}

struct FakeFieldSpec {
  std::string name;
  int nz = 1;
  bool restart = true;
  bool output = true;
  std::string coverage{};  // FieldMetadata::coverage
  std::string fixed_by{};  // FieldMetadata::fixed_by
};

class FakeComponent {
 public:
  FakeComponent(MPI_Comm comm, std::string name, int nx, int ny, std::vector<FakeFieldSpec> specs, int halo,
                core::ProcessGrid pgrid = {})
      : name_(std::move(name)), decomp_(comm, core::GlobalGrid{nx, ny}, pgrid), grid_(nx, ny) {
    for (const auto& s : specs) {
      fields_.push_back(std::make_unique<core::Field>(s.name, decomp_, halo, s.nz));
      meta_.push_back({.name = s.name,
                       .units = "K",
                       .long_name = "test field " + s.name,
                       .standard_name = s.name == "t" ? "air_temperature" : "",
                       .restart = s.restart,
                       .output = s.output,
                       .coverage = s.coverage,
                       .fixed_by = s.fixed_by});
    }
  }
  // Owned cells get cell_code(..., salt); the halo gets `halo_value`.
  void fill(int salt, double halo_value = -7.0) {
    for (std::size_t f = 0; f < fields_.size(); ++f) {
      core::Field& u = *fields_[f];
      u.fill(halo_value);
      for (int k = 0; k < u.nz(); ++k)
        for (int j = 0; j < u.ny(); ++j)
          for (int i = 0; i < u.nx(); ++i)
            u(i, j, k) = cell_code(int(f), k, decomp_.x_range().begin + i, decomp_.y_range().begin + j, salt);
    }
  }
  // Number of cells (owned and halo) that differ from fill(salt, halo_value); 0 means bitwise equal.
  long long mismatches(int salt, double halo_value, bool only_restart = true) const {
    long long bad = 0;
    for (std::size_t f = 0; f < fields_.size(); ++f) {
      if (only_restart && !meta_[f].restart) continue;
      const core::Field& u = *fields_[f];
      for (int k = 0; k < u.nz(); ++k)
        for (int j = -u.halo(); j < u.ny() + u.halo(); ++j)
          for (int i = -u.halo(); i < u.nx() + u.halo(); ++i) {
            const bool owned = i >= 0 && j >= 0 && i < u.nx() && j < u.ny();
            const double want = owned ? cell_code(int(f), k, decomp_.x_range().begin + i,
                                                  decomp_.y_range().begin + j, salt)
                                      : halo_value;
            bad += u(i, j, k) != want;
          }
    }
    return bad;
  }
  core::ComponentOutput output() {
    core::ComponentOutput out{name_, &decomp_, &grid_, {}};
    for (std::size_t f = 0; f < fields_.size(); ++f) out.fields.push_back({meta_[f], fields_[f].get()});
    return out;
  }
  const core::Decomposition& decomposition() const { return decomp_; }
  core::Field& field(std::size_t f) { return *fields_[f]; }

 private:
  std::string name_;
  core::Decomposition decomp_;
  core::SphereGrid grid_;
  std::vector<std::unique_ptr<core::Field>> fields_;
  std::vector<core::FieldMetadata> meta_;
};

// A fresh directory made by rank 0 of `comm`, its name broadcast. Removed by the destructor.
class TempDir {
 public:
  explicit TempDir(MPI_Comm comm) : comm_(comm) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    char buffer[4096] = {};
    if (rank == 0) {
      const char* base = std::getenv("TMPDIR");
      std::string pattern = std::string(base && *base ? base : "/tmp") + "/meridian_io_XXXXXX";
      pattern.copy(buffer, pattern.size());
      if (!mkdtemp(buffer)) buffer[0] = '\0';
    }
    MPI_Bcast(buffer, sizeof buffer, MPI_CHAR, 0, comm);
    path_ = buffer;
  }
  ~TempDir() {
    MPI_Barrier(comm_);
    int rank = 0;
    MPI_Comm_rank(comm_, &rank);
    std::error_code ec;
    if (rank == 0 && !std::getenv("MERIDIAN_KEEP_TEST_FILES")) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  MPI_Comm comm_;
  std::string path_;
};

inline core::Provenance test_provenance(int ranks) {
  return {"0.1.0-test", "abc123", "[run]\nsteps = 3\n", "digest-1", ranks, "test grid"};
}

// The file names in `dir`, sorted.
inline std::vector<std::string> file_names(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace meridian::test

namespace meridian::test {
inline core::Provenance provenance_for_world() {
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return test_provenance(n);
}
}  // namespace meridian::test
