#include "memory_check.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "meridian/core/error.hpp"

namespace meridian::app {

namespace {
// Doubles per atmosphere cell, halos and scratch included, measured from the stock model's fields
// (--check prints the exact figure once the fields exist): atmosphere and land on the coarse grid,
// the ocean on a grid refine^2 times finer. Taken as a bound for any model: the finest refine of any
// component scales the second term.
constexpr double coarse_doubles_per_cell = 12.0, ocean_doubles_per_cell = 8.0;

std::string gib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return buf;
}
}  // namespace

void check_memory_fits(const core::Config& config, const std::vector<std::string>& components, MPI_Comm world) {
  int size = 1, node_ranks = 1;
  MPI_Comm_size(world, &size);
  MPI_Comm node;
  MERIDIAN_MPI(MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node), world);
  MPI_Comm_size(node, &node_ranks);
  MPI_Comm_free(&node);
  double refine = 1.0;
  for (const std::string& c : components)
    if (config.has(c + ".refine")) refine = std::max(refine, double(config.integer(c + ".refine")));
  const double cells = double(config.integer("grid.nx")) * double(config.integer("grid.ny"));
  const double per_rank = 8.0 * cells / size * (coarse_doubles_per_cell + ocean_doubles_per_cell * refine * refine);
  double node_memory = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE));
  // Ranks on different nodes may see different sizes: everyone uses the smallest node.
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &node_memory, 1, MPI_DOUBLE, MPI_MIN, world), world);
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &node_ranks, 1, MPI_INT, MPI_MAX, world), world);
  if (per_rank * node_ranks > 0.8 * node_memory)
    throw core::ConfigError(-1, "",
                            "grid.nx x grid.ny = " + std::to_string(config.integer("grid.nx")) + " x " +
                                std::to_string(config.integer("grid.ny")) + " needs about " + gib(per_rank) +
                                " per rank, " + gib(per_rank * node_ranks) + " for the " + std::to_string(node_ranks) +
                                " ranks on a node of " + gib(node_memory) +
                                "; use more nodes or ranks, or a smaller grid");
}

}  // namespace meridian::app
