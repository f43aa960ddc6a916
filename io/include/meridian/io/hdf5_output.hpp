#pragma once
// The HDF5 implementation of core::OutputSink: netCDF-4 compatible history files with an XDMF side
// file per component for ParaView, and restart files that any rank count can read back.
// Every rank writes its own block with collective MPI-IO; nothing is gathered to one rank.
// File layout and policies: io/README.md.

#include <mpi.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "meridian/core/field.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "meridian/core/output_sink.hpp"

namespace meridian::io {

enum class FieldUse;  // io/src/field_selection.hpp: which fields a file holds

// The number type of history fields in the file. Restart files and crash dumps always hold doubles.
enum class HistoryPrecision {
  double_precision,  // 64-bit: the model's values, bit for bit
  single_precision,  // 32-bit: each value rounded to the nearest float (half the bytes, as FMS "packing")
};

// Where a history file's fields that do not change during the run (cell_area, and the output fields
// with metadata.fixed_by: land-sea fractions) are written.
enum class FixedFields {
  every_file,  // in every history file: each file stands alone
  own_file,    // once per run, in <dir>/<component>.fixed.h5, named by each history file (CF
               // external_variables and associated_files): at 0.25 degrees most of the bytes
};

struct XdmfStep;  // io/src/xdmf_writer.hpp

struct OutputSettings {
  std::string dir;            // created (with parents) by rank 0 if missing
  int restart_keep = 2;       // newest restart files of this run kept; older ones are deleted; 0 keeps all
  bool write_xdmf = true;     // rewrite <dir>/<component>.xdmf after each history write
  HistoryPrecision precision = HistoryPrecision::double_precision;  // of history fields (output.precision)
  int writers_per_node = 8;  // ranks per node that aggregate collective writes (0 = MPI-IO's default):
                             // output.writers_per_node, core/src/driver_options.cpp
  FixedFields fixed_fields = FixedFields::every_file;  // output.fixed_fields
  // History files written by a thread of their own while the model steps (output.background): needs
  // MPI_THREAD_MULTIPLE (meridian::app::run asks for it) and a copy of the output fields in memory.
  bool background = false;
  // Steps per XDMF segment file (io/src/xdmf_writer.hpp): the XDMF lists the newest steps itself and
  // includes the older ones from segment files of this many, so that one history write rewrites at most
  // this many steps of it, however long the run. 0: every step in the one file, rewritten each time.
  int xdmf_steps_per_segment = 64;
};

// What a restart file holds besides the fields: enough to set up a run before any component.
struct RestartFieldInfo {
  std::string name;
  int nz = 0, ny = 0, nx = 0;  // dataset shape
  std::string checksum;        // core::digest_hex of core::cell_digest over the dataset (io/README.md)
};
struct RestartComponentInfo {
  std::string name;
  int nx = 0, ny = 0;  // the component's global grid
  std::vector<RestartFieldInfo> fields;
};
struct RestartInfo {
  std::string path;
  long long step = 0;
  long long total_steps = 0;
  double dt = 0;    // s
  double time = 0;  // s since the start of the run
  std::string version, git_revision, config_digest;
  std::vector<core::StateSetting> settings;  // what shaped the state (core::Driver::state_settings)
  std::vector<RestartComponentInfo> components;
};

// Reads the clock, provenance and layout of restart file `path` without any component: rank 0
// reads, every rank gets the same answer. Collective over `comm`. Throws core::ConfigError on every
// rank, naming the file, if it is missing, not HDF5, truncated or not a meridian restart file.
RestartInfo peek_restart(MPI_Comm comm, const std::string& path);

class BackgroundWriter;  // io/src/background_writer.hpp
struct HistorySnapshot;  // io/src/hdf5_output.cpp
class StagingBuffer;     // meridian/io/hdf5_io.hpp

class Hdf5Output : public core::OutputSink {
 public:
  // Collective over `run_comm` (duplicated; the original may be freed afterwards). Rank 0 creates
  // settings.dir. Throws core::ConfigError if restart_keep < 0, the directory cannot be made, or
  // settings.background is asked of an MPI without MPI_THREAD_MULTIPLE.
  // Contract on the components passed to the calls below: every rank passes the same list (names,
  // grids, field metadata, field nz); a rank outside a component's decomposition passes a null
  // `decomposition` and null field pointers for it, and takes part with an empty selection.
  Hdf5Output(MPI_Comm run_comm, OutputSettings settings, core::Provenance provenance);
  ~Hdf5Output() override;  // waits for a history write in hand

  // One file per component, <dir>/<component>_<step>.h5, then <dir>/<component>.xdmf. Collective.
  // With FixedFields::own_file, the first call of this object also writes <dir>/<component>.fixed.h5.
  // With settings.background, copies the output fields (and decompositions) and returns: the files are
  // written while the caller goes on, and a failure is thrown by the next call of this object (every
  // call below, and this one, first waits for the write in hand). The grids must outlive the sink.
  void write_history(const core::Clock& clock, const std::vector<core::ComponentOutput>& components) override;
  // <dir>/restart_<step>.h5, fsync'ed and renamed into place; then deletes the oldest of this run's
  // restart files (and adopted ones) beyond restart_keep, never another run's. Collective.
  std::string write_restart(const core::Clock& clock, const std::vector<core::ComponentOutput>& components,
                            const std::vector<core::StateSetting>& settings) override;
  // Any rank count and process grid may read any restart file. Collective; throws
  // core::ConfigError on every rank, in one line, when the file does not match this run, is damaged
  // (checksum), holds NaN/Inf or was written by an older meridian.
  long long read_restart(const std::string& path, const std::vector<core::ComponentOutput>& components,
                         const std::vector<core::StateSetting>& settings) override;
  // <dir>/crash_<component>_<step>.h5: every field, history layout, title saying CRASH DUMP (and, if a
  // background history write had failed, that failure, which is then not thrown). Collective.
  std::vector<std::string> write_crash_dump(const core::Clock& clock, const std::vector<core::ComponentOutput>& components,
                                            const std::string& reason) override;
  // Every write above is atomic and collective in failure too: on a full disk (or any error) the
  // partial `.tmp` is removed, no older file is touched, and every rank throws core::OutputError.

  // Returns once every history write so far is in place; throws its failure. Collective.
  void flush() override;

  // Collective. The run continues the one whose output is in dir: its restart files up to
  // `up_to_step` (the step resumed from) count as this run's for restart_keep.
  void adopt_restarts(long long up_to_step);

  const OutputSettings& settings() const noexcept { return settings_; }

 private:
  void write_history_now(const core::Clock& clock, const std::vector<core::ComponentOutput>& components);
  void update_xdmf(const core::Clock& clock, const core::ComponentOutput& component, const std::string& file);
  // `component`'s fields that `use` selects, in the history layout, to `path` through write_safely
  // (a history, fixed-fields or crash-dump file); `published` runs on rank 0 once it is in place.
  void write_component_file(const core::Clock& clock, const core::ComponentOutput& component, const std::string& path,
                            FieldUse use, const std::string& title, const std::function<void()>& published);
  // This rank's cell_area block of `component`, made at its first file and kept (null where it does not run).
  const core::Field* area_block(const core::ComponentOutput& component);
  struct AreaBlock {  // what it was made for: remade if any of it changes
    int nx = 0, ny = 0;
    core::IndexRange x, y;
    std::optional<core::Field> block;
  };

  core::Comm comm_;  // a plain dup, never Cartesian: see docs/platform-notes.md on OMPIO corruption
  OutputSettings settings_;
  core::Provenance provenance_;
  struct Series {
    std::vector<XdmfStep> steps;       // every history file of the component, oldest first
    std::size_t segments_written = 0;  // full XDMF segments of `steps` this run has written, from the first
  };
  std::map<std::string, Series> series_;                     // rank 0: per component
  std::map<std::string, AreaBlock> areas_;                   // per component
  std::set<std::string> fixed_written_;                      // components whose .fixed.h5 this run wrote
  std::map<std::string, std::map<std::string, int>> levels_;     // per component: field -> levels in its files
  std::vector<std::pair<long long, std::string>> own_restarts_;  // rank 0: (step, path) this run may prune
  // Where history fields are packed (masked, rounded) for their write, kept between files; only the
  // thread that writes (the caller's, or the background writer's) touches it.
  std::unique_ptr<StagingBuffer> staging_;
  std::shared_ptr<HistorySnapshot> snapshot_;  // with settings.background: the copy a write reads, reused
  std::unique_ptr<BackgroundWriter> writer_;   // with settings.background; last, so that it stops first
};

}  // namespace meridian::io
