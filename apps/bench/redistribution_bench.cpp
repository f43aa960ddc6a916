#include "redistribution_bench.hpp"

#include <vector>

#include "meridian/core/redistribution.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/field.hpp"
#include "raw_redistribution.hpp"
#include "timing.hpp"

namespace meridian::bench {

Result run_redistribution(const core::Driver& driver, std::size_t surface, const std::string& layout, int repeats) {
  const MPI_Comm comm = driver.comm();
  const core::Placement& fine = driver.placement(surface);
  // The coupler's link from the surface to the mediator on the atmosphere: temperature and fraction.
  core::Redistribution route(comm, fine, driver.placement(0), driver.refine(surface), 2);
  RawRedistribution raw(comm, route);

  // The surface's state (what the coupler gathers) and flux (what it scatters), on its own ranks.
  std::vector<core::Field> fields;
  std::vector<const core::Field*> state;
  if (const core::Decomposition* d = driver.decomposition(surface)) {
    fields.reserve(static_cast<std::size_t>(route.values()) + 1);  // no reallocation: pointers are kept
    for (int v = 0; v <= route.values(); ++v) {
      fields.emplace_back(v ? "state" : "flux", *d, 1);
      fields.back().fill(1.0 + v);
      if (v) state.push_back(&fields.back());
    }
  }
  core::Field* flux = fields.empty() ? nullptr : &fields.front();
  const PairTiming t = time_interleaved(
      comm, repeats,
      [&] {
        route.gather_start(state);
        route.gather_finish();
        route.scatter_start();
        route.scatter_finish(flux);
      },
      [&] { raw.round(); });

  const unsigned long long bytes = max_over_ranks(static_cast<unsigned long long>(raw.bytes_sent()), comm);
  const unsigned long long messages = max_over_ranks(static_cast<unsigned long long>(raw.messages()), comm);
  const double gbs = static_cast<double>(bytes) / t.first / 1e9;
  const double raw_gbs = static_cast<double>(bytes) / t.second / 1e9;
  int ranks = 1;
  MERIDIAN_MPI(MPI_Comm_size(comm, &ranks), comm);
  // With every route local (same blocks on both sides) nothing crosses ranks: 0 GB/s, no ratio.
  Result r{"redistribution_" + layout, ranks, "bandwidth", "GB/s", gbs, "raw_mpi", raw_gbs, gbs / raw_gbs, {}};
  r.add("us_per_round", t.first * 1e6);
  r.add("raw_us_per_round", t.second * 1e6);
  r.add("bytes_per_rank", static_cast<double>(bytes), 12);
  r.add("messages_per_rank", static_cast<double>(messages), 12);
  r.add("refine", driver.refine(surface));
  r.add("values_per_cell", route.values());
  r.add("fine_grid", std::to_string(fine.grid.nx) + "x" + std::to_string(fine.grid.ny));
  r.add("routes", bytes ? std::string("remote") : std::string("all local"));
  r.add("repeats", repeats);
  return r;
}

}  // namespace meridian::bench
