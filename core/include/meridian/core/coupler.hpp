#pragma once
// The coupler moves fields between components and mediators by name, as the config's couplings say
// (coupling.hpp), in every layout, with one mechanism: each coupling is a Redistribution planned once
// between its two ends' placements, and each interval the source sends its cells to the ranks that
// own them on the destination's decomposition. Couplings between the same two parties share one
// message per pair of ranks; in the sequential layout every route is a local copy.
//
// Coupling scheme: every import is set once per coupling interval, from the exports at the start of
// the interval (or their means over the interval before: TimeOperation), and held fixed while every
// component advances through the interval. No component ever sees another's state from inside an
// interval, so the answer cannot depend on whether components run one after the other on the same
// ranks or at the same time on different ones. An exchange runs in three waves: components'
// exports to the mediators; the mediators in dependency order (each after the mediators it imports
// from); everything to the components. Regridding reads fine values and adds them in a fixed order:
// the same bits on any layout.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/core/coupling.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/core/mediator.hpp"
#include "meridian/core/redistribution.hpp"

namespace meridian::core {

// A component or mediator as the coupler sees it, on every rank of the run. Pointers are null where
// it does not run on this rank (a mediator runs on its host's ranks).
struct CouplerParty {
  CouplingParty declared;  // name, imports, exports, grid refinement, whether a mediator
  Placement placement;  // its blocks in run ranks (a mediator's: its host's)
  const SphereGrid* grid = nullptr;
  const Decomposition* decomposition = nullptr;
  Component* component = nullptr;
  Mediator* mediator = nullptr;
};

class Coupler {
 public:
  // Collective over `run`: plans every route. `parties` are the plan's, in its order; `interval` is
  // the coupling interval, s. Throws Error if a party running on this rank lacks a field it declared.
  Coupler(MPI_Comm run, std::vector<CouplerParty> parties, const CouplingPlan& plan, double interval);
  ~Coupler();
  Coupler(const Coupler&) = delete;
  Coupler& operator=(const Coupler&) = delete;

  // Sets every import from the current exports and runs the mediators; `time` is the coupling time
  // (s since the start of the experiment), `first` says no interval precedes it (step 0: mean and
  // accumulate deliver the instant value, times the interval for accumulate). Collective over the
  // run. Time spent waiting for the other side is recorded in the timer phase "<component> wait".
  void exchange(double time, bool first);
  // Whether component `party` has an export with a time operation: the driver then advances it one
  // step at a time and calls sample() after each. Local.
  bool samples(std::size_t party) const;
  // Adds the exports of component `party` after a step of `dt` seconds to their interval sums. Local.
  void sample(std::size_t party, double dt);
  // The interval sums of component `party` (restart state the coupler owns: without them a restarted
  // run could not deliver the same means), with metadata, on every rank; null fields where the
  // component does not run here.
  std::vector<FieldEntry> state(std::size_t party);
  // "" or why the last exchange found this rank's mediator imports wrong (fractions that do not
  // partition a cell), with the cell: the driver agrees on it with the other ranks. Local.
  const std::string& failure() const noexcept { return failure_; }

 private:
  struct Transfer;
  struct Link;
  struct Sum;
  struct MediatorState;
  bool is_mediator(std::size_t party) const noexcept { return parties_[party].declared.mediator; }
  bool runs_here(std::size_t party) const noexcept { return parties_[party].decomposition != nullptr; }
  void set_up_mediators(const CouplingPlan& plan);
  void add_sum(Transfer& transfer);
  void stage_sums();
  const Field* sent(const Transfer& transfer) const;  // the export, or what its time operation made of it
  void plan_link(MPI_Comm run, Link& link);
  void send(Link& link);
  void receive(Link& link);
  void compute(std::size_t party, double time);
  void check_partition(std::size_t party);
  std::string export_coverage(std::size_t party, const std::string& name) const;
  Field* party_field(std::size_t party, const std::string& name, bool exported);
  Field* export_field(std::size_t party, const std::string& name) { return party_field(party, name, true); }
  Field* import_field(std::size_t party, const std::string& name) { return party_field(party, name, false); }

  int rank_ = 0;
  double interval_ = 0;
  std::vector<CouplerParty> parties_;
  std::vector<Transfer> transfers_;
  std::vector<Link> links_;
  std::vector<Sum> sums_;
  std::vector<MediatorState> mediators_;  // one per party; used for mediators running here
  std::vector<std::size_t> order_;        // mediators in compute order
  std::string wait_phase_;
  std::string failure_;
  bool first_ = false;
};

}  // namespace meridian::core
