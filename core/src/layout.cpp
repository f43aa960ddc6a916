#include "meridian/core/layout.hpp"

#include <cstdint>

#include "meridian/core/byte_packer.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/mpi_handles.hpp"

namespace meridian::core {

IndexRange Placement::x_range(int run_rank) const noexcept {
  if (layout) return layout->x_range(layout->block_of_rank(run_rank - first_rank).bx);
  return block_range(grid.nx, pgrid.px, (run_rank - first_rank) % pgrid.px);
}

IndexRange Placement::y_range(int run_rank) const noexcept {
  if (layout) return layout->y_range(layout->block_of_rank(run_rank - first_rank).by);
  return block_range(grid.ny, pgrid.py, (run_rank - first_rank) / pgrid.px);
}

IndexRange Placement::column_cells(int bx) const noexcept {
  return layout ? layout->x_range(bx) : block_range(grid.nx, pgrid.px, bx);
}

IndexRange Placement::row_cells(int by) const noexcept {
  return layout ? layout->y_range(by) : block_range(grid.ny, pgrid.py, by);
}

int Placement::column_of(int i) const noexcept { return layout ? layout->column_of(i) : block_of(grid.nx, pgrid.px, i); }

int Placement::row_of(int j) const noexcept { return layout ? layout->row_of(j) : block_of(grid.ny, pgrid.py, j); }

int Placement::run_rank_of_block(int bx, int by) const noexcept {
  if (!layout) return first_rank + bx + pgrid.px * by;
  const int r = layout->rank_of_block(bx, by);
  return r == MPI_PROC_NULL ? MPI_PROC_NULL : first_rank + r;
}

int Placement::owner(int i, int j) const noexcept { return run_rank_of_block(column_of(i), row_of(j)); }

bool same_blocks(const Placement& a, const Placement& b) noexcept {
  if (!(a.grid == b.grid && a.pgrid == b.pgrid && a.first_rank == b.first_rank)) return false;
  if (!a.layout || !b.layout) return !a.layout && !b.layout;
  return *a.layout == *b.layout;
}

void declare_ranks_option(OptionRegistry& o, const std::string& component) {
  o.add_integer(component + ".ranks", 0, "ranks",
                "ranks of " + component + " in coupling.layout = concurrent (0 = automatic, balanced by cost)")
      .range(0, 1e7)
      .applies_only_with("coupling.layout", "concurrent");
}

void declare_synthetic_cost_options(OptionRegistry& o, const std::string& component) {
  o.add_real(component + ".synthetic_cost", 0.0, "s",
             "for balancing studies: after each step " + component +
                 " sleeps this long per owned cell (times the cell's cost where the component gives costs: the "
                 "ocean's land costs nothing), times 1 + swing sin(2 pi t / period); answers do not change")
      .range(0, 1);
  o.add_real(component + ".synthetic_swing", 0.0, "1",
             "relative swing of " + component + ".synthetic_cost over time (negative: the opposite phase)")
      .range(-1, 1);
  o.add_real(component + ".synthetic_period", 86400.0, "s", "period of the swing of " + component + ".synthetic_cost")
      .range(1, 1e15);
  o.add_real(component + ".synthetic_tilt", 0.0, "1",
             "the cost per cell of " + component + ".synthetic_cost times 1 + tilt sin(latitude) sin(2 pi t / period): "
             "the hemispheres trade cost with the seasons, so blocks' costs drift apart")
      .range(-1, 1);
}

void declare_block_options(OptionRegistry& o, const std::string& component) {
  o.add_choice(component + ".blocks", "equal", {"equal", "weighted"},
               "how " + component + "'s grid is cut into blocks: equal extents, or extents that share the cost of its "
               "cells evenly (a component that gives cell costs: the ocean's is zero on land)")
      .applies_only_with("coupling.layout", "concurrent");
  o.add_boolean(component + ".drop_empty_blocks", false,
                "blocks where every cell of " + component + " costs nothing (all-land ocean blocks) get no rank; the "
                "process grid is chosen so that its remaining blocks match " + component + "'s ranks")
      .applies_only_with("coupling.layout", "concurrent");
}

void declare_refine_option(OptionRegistry& o, const std::string& component) {
  o.add_integer(component + ".refine", 1, "1",
                component + " grid is this many times finer than grid.nx x grid.ny each way (conservative regridding)")
      .range(1, 64);
}

std::vector<int> resolve_split(const Config& config, const std::vector<std::string>& names, int world_size,
                               const std::vector<double>& work) {
  std::vector<int> ranks;
  long long fixed = 0;
  int automatic = 0;
  std::string listed;
  for (const std::string& name : names) {
    const long long n = config.integer(name + ".ranks");
    ranks.push_back(int(n));
    fixed += n;
    automatic += n == 0 ? 1 : 0;
    listed += (listed.empty() ? "" : ", ") + name + ".ranks = " + std::to_string(n);
  }
  const bool fits = automatic == 0 ? fixed == world_size : fixed + automatic <= world_size;
  if (!fits)
    throw ConfigError(-1, "coupling.layout = concurrent",
                      listed + (automatic ? " leave fewer than one rank for each automatic (0) component"
                                          : " sum to " + std::to_string(fixed)) +
                          ", but the run has " + std::to_string(world_size) +
                          " ranks; the ranks must sum to the world size (0 = automatic)");
  // Greedy min-max: each spare rank goes to the automatic component with the most work per rank.
  for (std::size_t c = 0; c < ranks.size(); ++c)
    if (ranks[c] == 0) ranks[c] = 1;
  for (long long spare = world_size - fixed - automatic; spare > 0; --spare) {
    std::size_t best = names.size();
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (config.integer(names[c] + ".ranks") != 0) continue;
      if (best == names.size() || work[c] / ranks[c] > work[best] / ranks[best]) best = c;
    }
    ++ranks[best];
  }
  return ranks;
}

ComponentInfo describe_component(Component& c) {
  ComponentInfo info;
  info.time_step_key = c.time_step_key();
  info.time_step = c.time_step();
  info.stable_time_step = c.stable_time_step();
  for (const FieldEntry& f : c.fields()) {
    info.fields.push_back(f.meta);
    info.nz.push_back(f.field ? f.field->nz() : 1);
  }
  std::vector<GlobalMean> means;
  c.add_diagnostics(means);
  for (const GlobalMean& m : means) info.diagnostics.push_back(m.name);
  return info;
}

// NOTE: a member added to FieldMetadata must be packed and read here too, or ranks outside the
// component see its default value (and parallel HDF5 writes of differing attributes hang).
ComponentInfo broadcast_info(const ComponentInfo& info, int root, MPI_Comm comm) {
  BytePacker b;
  int rank = 0;
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank), comm);
  if (rank == root) {
    b.put(info.time_step_key);
    b.put(info.time_step), b.put(info.stable_time_step);
    b.put(std::uint64_t(info.fields.size()));
    for (std::size_t n = 0; n < info.fields.size(); ++n) {
      pack_metadata(b, info.fields[n]);
      b.put(info.nz[n]);
    }
    b.put(info.diagnostics);
  }
  broadcast_string(b.bytes(), root, comm);
  ByteReader r(b.bytes(), "component info");
  ComponentInfo out;
  r.get(out.time_step_key);
  r.get(out.time_step), r.get(out.stable_time_step);
  out.fields.resize(r.get_count(1));
  out.nz.resize(out.fields.size());
  for (std::size_t n = 0; n < out.fields.size(); ++n) {
    unpack_metadata(r, out.fields[n]);
    r.get(out.nz[n]);
  }
  r.get(out.diagnostics);
  r.expect_end();
  return out;
}

}  // namespace meridian::core
