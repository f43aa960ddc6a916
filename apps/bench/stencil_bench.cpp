#include "stencil_bench.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "stencil_baseline.hpp"
#include "stencil_meridian.hpp"
#include "stream_bench.hpp"
#include "timing.hpp"

namespace meridian::bench {

namespace {
constexpr double bytes_per_update = 16.0;  // read u once, write u_new once
constexpr int stream_repeats = 10;

struct Timings {
  double meridian = 0.0, baseline = 0.0;  // seconds per step, median of repeats
};

// Each repeat starts from the initial condition (untimed) and runs `steps` steps; the two versions
// alternate so that both see the same machine.
Timings time_both(MPI_Comm comm, int steps, int repeats, MeridianStencil& m, BaselineStencil& b) {
  m.reset();
  b.reset();
  const int warm_up = std::min(steps, 3);  // touches every page and starts every request once
  m.run(warm_up);
  b.run(warm_up);
  std::vector<double> ms, bs;
  for (int r = 0; r < repeats; ++r) {
    m.reset();
    ms.push_back(time_batch(comm, 1, [&] { m.run(steps); }) / steps);
    b.reset();
    bs.push_back(time_batch(comm, 1, [&] { b.run(steps); }) / steps);
  }
  return {median(ms), median(bs)};
}

std::string exact(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%a", v);
  return buffer;
}
}  // namespace

std::vector<Result> run_stencil(const Options& o, MPI_Comm comm) {
  // STREAM first, on its own: its arrays are freed before the stencil allocates.
  const double stream_gbs = stream_triad_gbs(comm, o.stream_mib, stream_repeats);

  MeridianStencil m(comm, o.nx, o.ny);
  const auto& d = m.decomposition();
  BaselineStencil b(comm, o.nx, o.ny, d.process_grid().px, d.process_grid().py);
  const int repeats = o.repeats ? o.repeats : 5;
  const Timings t = time_both(comm, o.steps, repeats, m, b);
  const double checksum = m.checksum(), baseline_checksum = b.checksum();

  const double cells = static_cast<double>(o.nx) * o.ny;
  const std::string grid = std::to_string(o.nx) + "x" + std::to_string(o.ny);
  Result step{"stencil_" + grid, d.size(), "seconds_per_step", "s", t.meridian, "hand_written_mpi", t.baseline,
              t.baseline / t.meridian, {}};
  step.add("mlups", cells / t.meridian / 1e6);
  step.add("baseline_mlups", cells / t.baseline / 1e6);
  step.add("checksum", checksum, 15);
  step.add("baseline_checksum", baseline_checksum, 15);
  step.add("checksum_exact", exact(checksum));
  step.add("checksums_equal", checksum == baseline_checksum ? std::string("yes") : std::string("no"));
  step.add("steps", o.steps);
  step.add("repeats", repeats);
  step.add("process_grid", std::to_string(d.process_grid().px) + "x" + std::to_string(d.process_grid().py));

  const double traffic_gbs = bytes_per_update * cells / t.meridian / 1e9;
  Result memory{"stencil_" + grid + "_memory", d.size(), "traffic_16B_per_cell", "GB/s", traffic_gbs,
                "stream_triad", stream_gbs, traffic_gbs / stream_gbs, {}};
  memory.add("baseline_traffic_gbs", bytes_per_update * cells / t.baseline / 1e9);
  memory.add("stream_mib_per_array_per_rank", o.stream_mib);
  return {step, memory};
}

}  // namespace meridian::bench
