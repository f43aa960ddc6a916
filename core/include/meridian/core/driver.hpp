#pragma once
// The time loop of a coupled run: validates time steps, runs coupling intervals, writes diagnostics,
// history and restarts through an OutputSink, reports progress and timings, and stops cleanly when
// asked (wall-time signals). Knows components only through core::Component.

#include <csignal>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/clock.hpp"
#include "meridian/core/component.hpp"
#include "meridian/core/coupler.hpp"
#include "meridian/core/decomposition.hpp"
#include "meridian/core/output_sink.hpp"
#include "meridian/core/surface_mask.hpp"

namespace meridian::core {

// Declares the driver's options: grid.*, decomp.*, run.*, coupling.*, output.*, restart.*,
// diagnostics.* and sunlight.*.
void declare_driver_options(OptionRegistry& options);

struct RunSummary {
  long long first_step = 0, last_step = 0;
  bool stopped_early = false;      // a stop was requested (signal) before run.steps
  std::string last_restart;        // path of the newest restart file written, "" if none
  double initial_energy = 0, final_energy = 0;
};

class Driver {
 public:
  // Collective over `comm`. Builds the decomposition and sets every component up; throws ConfigError
  // for an impossible process grid or invalid component options. The first component must have the
  // atmosphere role. `log` receives progress and reports (pass nullptr on ranks other than 0).
  Driver(MPI_Comm comm, const Config& config, std::vector<std::unique_ptr<Component>> components, std::ostream* log);

  // Checks time steps, coupling interval and output intervals against each other and stability;
  // throws ConfigError naming the offending key, its value and what is allowed. Identical on all ranks.
  void validate() const;

  // Collective. Restores the state from restart.from if it is set (before anything is written, so a
  // bad restart file changes nothing in the output folder); throws ConfigError for a bad file.
  void restore(OutputSink& sink);
  // Collective. Runs to run.steps or until a stop is requested through `stop_flag` (set by a signal
  // handler; ranks agree with a reduction), then writes a restart file.
  RunSummary run(OutputSink& sink, const volatile std::sig_atomic_t* stop_flag = nullptr);

  const Decomposition& decomposition() const noexcept { return decomp_; }
  const SphereGrid& grid() const noexcept { return grid_; }
  const Clock& clock() const noexcept { return clock_; }
  std::vector<ComponentOutput> outputs();
  // Total energy (J), by the reproducible sum: the same bits on any rank count. Collective.
  double total_energy() const;
  // Bytes of field storage on this rank, and of one history output of all components.
  std::size_t field_bytes_per_rank();
  std::size_t history_bytes_per_output();

 private:
  void write_diagnostics(bool header);
  void report_progress(double wall_start, long long first_step, double initial_energy);
  void report_timings();

  MPI_Comm comm_;
  const Config& config_;
  std::vector<std::unique_ptr<Component>> components_;
  std::ostream* log_;
  SphereGrid grid_;
  SurfaceMask mask_;
  Decomposition decomp_;
  Clock clock_;
  std::optional<Coupler> coupler_;
  long long coupling_steps_;
  bool restored_ = false;
};

}  // namespace meridian::core
