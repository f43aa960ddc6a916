#pragma once
// The driver's view of the I/O layer: io/ implements this; core never includes io/.
// Every call is collective over the communicator the sink was built with (all ranks of the run).

#include <string>
#include <vector>

#include "meridian/core/clock.hpp"
#include "meridian/core/component.hpp"

namespace meridian::core {

// One component as the writers see it: its decomposition, grid and fields with metadata.
struct ComponentOutput {
  std::string name;
  const Decomposition* decomposition = nullptr;
  const SphereGrid* grid = nullptr;
  std::vector<FieldEntry> fields;
};

// What every file records about the run that made it.
struct Provenance {
  std::string version;
  std::string git_revision;
  std::string config_ini;     // the resolved configuration (Config::to_ini())
  std::string config_digest;  // hash of the options that change answers
  int ranks = 1;
  std::string process_grid;   // Decomposition::describe()
};

// A setting that shaped the restored state, recorded in every restart file and checked when one is
// read (docs/reliability.md lists which settings and why): `value` is compared exactly; `shown` is
// how an error message prints it ("" prints `value`).
struct StateSetting {
  std::string key;    // "run.dt", "ocean.dt", "grid.mask"
  std::string value;  // "1800", the ocean-fraction digests
  std::string shown;  // "continents (ocean fractions 1f2e...)"
};

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  // Writes the output fields (metadata.output) of every component at `clock`'s time.
  // A sink may return before the files are complete (io's output.background): it then copies what it
  // needs, and flush() or any later call waits for them.
  virtual void write_history(const Clock& clock, const std::vector<ComponentOutput>& components) = 0;
  // Returns once every history write so far is complete; throws what made one fail. The default, for
  // sinks that write before they return, does nothing. Collective.
  virtual void flush() {}
  // Writes every restart field (metadata.restart), the clock and `settings` atomically; returns the
  // file's path.
  virtual std::string write_restart(const Clock& clock, const std::vector<ComponentOutput>& components,
                                    const std::vector<StateSetting>& settings) = 0;
  // Checks that `path` matches this run (grid, components, fields, `settings`), fills every restart
  // field, checks the values (finite, the stored checksums) and returns the step it was written at.
  // Throws ConfigError on every rank, naming the file and the first mismatch.
  virtual long long read_restart(const std::string& path, const std::vector<ComponentOutput>& components,
                                 const std::vector<StateSetting>& settings) = 0;
  // After a failed numerical check (core/health_check.hpp): writes every field of every component,
  // labelled as a crash dump with `reason`, where no history or restart file will mistake it for
  // one of theirs; returns the paths written. The default, for sinks that store no files, writes
  // nothing. Collective.
  virtual std::vector<std::string> write_crash_dump(const Clock& /*clock*/,
                                                    const std::vector<ComponentOutput>& /*components*/,
                                                    const std::string& /*reason*/) {
    return {};
  }
};

}  // namespace meridian::core
