#pragma once
// The time loop of a coupled run: validates time steps, runs coupling intervals, writes diagnostics,
// history and restarts through an OutputSink, reports progress and timings, and stops cleanly when
// asked (wall-time signals). Knows components only through core::Component.

#include <csignal>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/clock.hpp"
#include "meridian/core/component.hpp"
#include "meridian/core/coupler.hpp"
#include "meridian/core/decomposition.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "meridian/core/output_sink.hpp"
#include "meridian/core/mediator.hpp"

namespace meridian::core {

class DiagnosticsFile;

// Declares the driver's options: grid.nx/ny, decomp.*, run.*, coupling.*, output.*, restart.* and
// diagnostics.*.
void declare_driver_options(OptionRegistry& options);
// Declares what the framework adds to a component's section ("<name>.ranks", "<name>.refine" and a
// coupling per import) and to a mediator's ("<name>.host" and its couplings). Whoever registers
// components calls these right after each one's declare_options, so --help lists them together.
void declare_component_options(OptionRegistry& options, const Component& component);
void declare_mediator_options(OptionRegistry& options, const Mediator& mediator);

struct RunSummary {
  long long first_step = 0, last_step = 0;
  bool stopped_early = false;      // a stop was requested (signal) before run.steps
  std::string last_restart;        // path of the newest restart file written, "" if none
  double initial_energy = 0, final_energy = 0;
};

class Driver {
 public:
  // Collective over `comm`. Checks the couplings (core/coupling.hpp), lays the components out
  // (coupling.layout), builds their decompositions, sets each up on its ranks and each mediator on its
  // host's, and plans the coupler; throws ConfigError, identically on every rank, for a coupling that
  // does not hold, a rank split that does not fit, an impossible process grid or invalid options.
  // `log` receives progress and reports (pass nullptr on ranks other than 0). `work`: relative cost of
  // each component, used to share automatic (0) ranks in concurrent layout; empty = grid cells.
  Driver(MPI_Comm comm, const Config& config, std::vector<std::unique_ptr<Component>> components,
         std::vector<std::unique_ptr<Mediator>> mediators, std::ostream* log, std::vector<double> work = {});

  // Checks time steps, coupling interval and output intervals against each other and stability;
  // throws ConfigError naming the offending key, its value and what is allowed. Identical on all ranks.
  void validate() const;

  // Collective. Restores the state from restart.from if it is set (before anything is written, so a
  // bad restart file changes nothing in the output folder). Throws the same one-line ConfigError on
  // every rank for a bad file, one whose state_settings() differ from this run's, or one written at a
  // step beyond run.steps or off the coupling interval (docs/reliability.md).
  void restore(OutputSink& sink);
  // Collective. Prepares diagnostics.csv in output.dir: when `continues` (this run continues the one
  // whose output is there) the rows up to the restored step are kept, else the file is replaced.
  // Nothing is written until the first row. Throws ConfigError on every rank naming the file and
  // line of a damaged row. run() calls it with `continues` = restored if it was not called.
  void open_diagnostics(bool continues);
  // Collective. Runs to run.steps or until a stop is requested through `stop_flag` (set by a signal
  // handler; ranks agree with a reduction; a stop requested before the first step is honoured before
  // it), then writes a restart file. Throws core::OutputError on every rank if diagnostics.csv cannot
  // be written.
  RunSummary run(OutputSink& sink, const volatile std::sig_atomic_t* stop_flag = nullptr);

  MPI_Comm comm() const noexcept { return comm_; }
  bool concurrent() const noexcept { return concurrent_; }
  std::size_t component_count() const noexcept { return slots_.size(); }
  // Whether component n is set up (and advanced) on this rank: always in sequential layout.
  bool runs_here(std::size_t n) const noexcept { return slots_[n].decomposition != nullptr; }
  // Component n's decomposition on this rank, nullptr where it does not run here.
  const Decomposition* decomposition(std::size_t n) const noexcept { return slots_[n].decomposition.get(); }
  const SphereGrid& grid(std::size_t n) const noexcept { return *slots_[n].grid; }
  // "sequential, 2x1 process grid, blocks ..." or "concurrent: atmosphere 2 ranks (2x1 ...), ..."
  std::string describe_layout() const;
  int ranks_of(std::size_t n) const noexcept { return slots_[n].placement.ranks(); }
  // One line per coupling: "ocean.surface_heat_flux <- surface_exchange.heat_into_ocean (W m-2;
  // conservative 2x -> 1x, instant)", in the order the coupler delivers them to each party. Local.
  std::vector<std::string> describe_couplings() const;
  // "atmosphere 1800 s (stable up to 2780 s), ..." for --check: each component's step and the largest
  // stable one. Local, the same on every rank.
  std::string describe_time_steps() const;
  // Component n's blocks in run ranks and its refinement over the run's grid, on every rank: what the
  // coupler plans its routes from.
  const Placement& placement(std::size_t n) const noexcept { return slots_[n].placement; }
  int refine(std::size_t n) const noexcept { return slots_[n].refine; }
  const Clock& clock() const noexcept { return clock_; }
  // What shaped the state a restart carries (run.dt, each component's time step, fixed input fields):
  // written into every restart and checked against restart.from. The same on every rank.
  const std::vector<StateSetting>& state_settings() const noexcept { return state_settings_; }
  // Every component on every rank (the io contract): null decomposition and field pointers, but the
  // same names, metadata and grids, for a component that does not run on this rank. Collective-free.
  std::vector<ComponentOutput> outputs();
  // Wall seconds of `intervals` coupling intervals of each component on this rank (0 for those that
  // do not run here), advancing the state: a calibration for automatic rank counts. Collective.
  std::vector<double> time_intervals(int intervals);
  // Concurrent layout: moves ranks between components now (a coupling boundary), `ranks` per
  // component in order, adding up to the run's size, onto the blocks concurrent_placements gives
  // (with the same ranks: blocks re-cut by new costs). Every restart field moves to the new blocks
  // (core/src/driver_resplit.cpp), so the answers do not change. Logs one line. Collective; throws
  // ConfigError on every rank for a split that does not fit.
  // `why` is appended to the line. Returns the seconds it took (the slowest rank's).
  double resplit(const std::vector<int>& ranks, const std::string& why = "");
  // Ranks per component now.
  std::vector<int> current_split() const;
  // The splits of this run so far (concurrent layout): the one it ran from first, then each re-split.
  struct Split {
    long long step;
    std::vector<int> ranks;
  };
  const std::vector<Split>& splits() const noexcept { return splits_; }
  // Total energy (J), by the reproducible sum: the same bits on any rank count. Collective.
  double total_energy() const;
  // Bytes of field storage on this rank, and of one history output of all components (the values
  // of the output fields and each component's cell areas, 8 bytes a cell); `fixed_once` gets the
  // bytes written once per run instead (output.fixed_fields = own_file: the areas and the fields
  // fixed for the run), 0 otherwise. With `history_copy`, only the fields history_field_names
  // names (core/component.hpp): what output.background copies at each output.
  std::size_t field_bytes_per_rank(bool history_copy = false);
  std::size_t history_bytes_per_output(std::size_t* fixed_once = nullptr);

 private:
  void write_diagnostics();
  void finish_diagnostics();
  void start_budget(double energy);
  long long diagnostics_interval() const;
  ExactAccumulator energy_input() const;
  bool agree_to_stop(const volatile std::sig_atomic_t* flag);
  int stop_bits(const volatile std::sig_atomic_t* flag) const;
  void post_stop_vote(const volatile std::sig_atomic_t* flag);
  bool collect_stop_vote();
  bool act_on_vote(int any);
  void report_progress(double wall_start, long long first_step);
  void report_timings(double loop_seconds, long long intervals);
  void lay_out(const std::vector<double>& work);
  std::vector<Placement> concurrent_placements(const std::vector<int>& ranks) const;
  Placement placement_of(std::size_t n, int ranks, int first, const std::vector<double>& cost) const;
  // coupling.rebalance = auto for "<name>.blocks = weighted": re-cuts a component's blocks by their
  // measured costs when that shortens its slowest block enough. Returns the predicted saving per
  // interval (s) if it re-cut, else 0. Collective.
  double recut_if_worth(double own_busy, double per_interval, double horizon);
  void read_block_options(std::size_t n);
  void place(const std::vector<int>& ranks);
  std::map<long long, std::vector<int>> parse_resplits() const;
  void set_up();
  std::vector<CouplingParty> coupling_parties() const;
  std::vector<StateSetting> describe_state() const;  // collective: fixed fields' digests
  void advance_components(double interval);
  void sleep_synthetic_cost(std::size_t n, long long steps) const;
  void rebalance_if_due(double writes_seconds);
  void start_balance_window(double writes_seconds);
  std::size_t own_component() const;

  // One per component, in registration order.
  struct Slot {
    std::unique_ptr<SphereGrid> grid;
    Placement placement;
    Comm comm;                                     // concurrent layout: its ranks; else null
    std::unique_ptr<Decomposition> decomposition;  // null where it does not run here
    ComponentInfo info;                            // known on every rank
    int refine = 1;
    bool weighted = false, drop_empty = false;     // "<name>.blocks = weighted", "<name>.drop_empty_blocks"
    std::vector<double> static_cost;               // Component::cell_costs, where used
    std::vector<double> cell_cost;                 // what blocks are cut by: static, then measured
  };

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  const Config& config_;
  std::vector<std::unique_ptr<Component>> components_;
  std::vector<std::unique_ptr<Mediator>> mediators_;
  std::vector<std::size_t> hosts_;  // per mediator: the component it runs on
  CouplingPlan plan_;
  std::ostream* log_;
  bool concurrent_ = false;
  std::vector<Slot> slots_;
  Clock clock_;
  std::optional<Coupler> coupler_;
  long long coupling_steps_;
  bool restored_ = false;
  std::vector<StateSetting> state_settings_;
  std::shared_ptr<DiagnosticsFile> diagnostics_file_;  // rank 0's diagnostics.csv, once opened
  std::string diagnostics_failure_;                    // rank 0: why the last row could not be written
  int vote_local_ = 0, vote_any_ = 0;                  // the time loop's stop vote in flight (post_stop_vote)
  Request vote_;                                       // after its buffers: completes before they go
  bool diagnostics_opened_ = false;
  std::map<long long, std::vector<int>> scheduled_splits_;  // coupling.resplit: step -> ranks
  std::vector<Split> splits_;
  struct SyntheticCost {
    double per_cell = 0, swing = 0, period = 1, tilt = 0;
  };
  std::vector<SyntheticCost> synthetic_;  // per component: <name>.synthetic_*
  // coupling.rebalance = auto: what was measured since the last look, and the last move's figures.
  struct Balance {
    long long every = 0;  // intervals between looks; 0 = off
    double gain = 0;
    long long intervals = 0;
    double busy_mark = 0, wall_mark = 0, writes_mark = 0;
    double move_seconds = 0;       // the last move's cost (an estimate before the first)
    double predicted = 0;          // the last move's predicted interval time, s
    double before = 0;             // the measured interval time before it, s
    bool judging = false;          // the next look reports the last move's measured gain
  } balance_;
  // The energy budget since the last diagnostics row: its total energy and time (rank 0), and the
  // last row's net input and residual as mean fluxes over the sphere (W m-2) for the progress line.
  struct Budget {
    double energy = 0, time = 0;
    double net_in = 0, residual = 0;
    bool has_row = false;
  } budget_;
};

}  // namespace meridian::core
