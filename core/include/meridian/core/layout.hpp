#pragma once
// Where each component runs. In the sequential layout every component is set up on every rank of the
// run. In the concurrent layout the run's ranks are split into consecutive ranges, one per component
// in registration order, each with its own communicator and decomposition (automatic process grid),
// and the components advance at the same time. A Placement describes any component's blocks by
// arithmetic alone, so every rank knows who owns which cell without a rank list or a message.

#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

#include "meridian/core/block_layout.hpp"
#include "meridian/core/component.hpp"
#include "meridian/core/config.hpp"
#include "meridian/core/decomposition.hpp"

namespace meridian::core {


// A component's decomposition as seen from any rank of the run.
struct Placement {
  GlobalGrid grid;
  ProcessGrid pgrid;
  int first_rank = 0;  // run rank of the component's rank 0; its ranks follow consecutively
  // Weighted extents or dropped blocks (see block_layout.hpp); null: equal blocks of pgrid, every one
  // with a rank.
  std::shared_ptr<const BlockLayout> layout{};
  int ranks() const noexcept { return layout ? layout->ranks() : pgrid.px * pgrid.py; }
  bool holds(int run_rank) const noexcept { return run_rank >= first_rank && run_rank < first_rank + ranks(); }
  IndexRange x_range(int run_rank) const noexcept;  // of a rank the placement holds
  IndexRange y_range(int run_rank) const noexcept;
  int owner(int i, int j) const noexcept;  // run rank of global cell (i, j); MPI_PROC_NULL in a dropped block
  // Blocks by index: their cells, the block holding a cell, and its run rank (MPI_PROC_NULL if dropped).
  IndexRange column_cells(int bx) const noexcept;
  IndexRange row_cells(int by) const noexcept;
  int column_of(int i) const noexcept;
  int row_of(int j) const noexcept;
  int run_rank_of_block(int bx, int by) const noexcept;
};
// Whether two placements put every cell on the same run rank (same grid, blocks and first rank).
bool same_blocks(const Placement& a, const Placement& b) noexcept;

// Declares "<component>.ranks" (concurrent layout) under the component's own section. Call it right
// after the component's declare_options so --help lists it with them.
void declare_ranks_option(OptionRegistry& options, const std::string& component);
// Declares "<component>.synthetic_cost", "_swing" and "_period": a sleep after each step in proportion
// to the owned cells, for measuring load balancing on machines whose cores cannot run every rank.
void declare_synthetic_cost_options(OptionRegistry& options, const std::string& component);
// Declares "<component>.blocks" (equal or weighted) and "<component>.drop_empty_blocks" (concurrent layout).
void declare_block_options(OptionRegistry& options, const std::string& component);
// Declares "<component>.refine": the component runs on a grid `refine` times finer each way than the
// run's grid.nx x grid.ny (the coupler regrids conservatively).
void declare_refine_option(OptionRegistry& options, const std::string& component);

// The number of ranks of each component in the concurrent layout: "<name>.ranks" where set, and the
// ranks left over shared among the components set to 0 so as to minimise max(work / ranks), `work`
// being each component's relative cost (cells when nothing was measured). Throws ConfigError naming
// every key, its value and the world size when the explicit ranks do not fit. Local, identical on all ranks.
std::vector<int> resolve_split(const Config& config, const std::vector<std::string>& names, int world_size,
                               const std::vector<double>& work);

// What every rank of the run must know about a component, including ranks that never set it up:
// scalars for validation, field metadata for the writers, names of diagnostics.
struct ComponentInfo {
  std::string time_step_key;
  double time_step = 0, stable_time_step = 0;
  std::vector<FieldMetadata> fields;
  std::vector<int> nz;  // levels of each field
  std::vector<std::string> diagnostics;
};
// Reads the info of a component that is set up on this rank. Local.
ComponentInfo describe_component(Component& component);
// Collective over `comm`: every rank returns the info `root` passes.
ComponentInfo broadcast_info(const ComponentInfo& info, int root, MPI_Comm comm);

}  // namespace meridian::core
