#include "halo_bench.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/halo_plan.hpp"
#include "raw_halo.hpp"
#include "timing.hpp"

namespace meridian::bench {

namespace {
// A lower bound for the memory work no exchange avoids: every halo row of every field and level is
// written, and a row of a wide block lies on a page of its own (with 4 KiB pages, which is also what
// a hypervisor backing guest memory with small pages gives), so each row costs a TLB miss and a
// cache miss. Reading one value at each end of each such row, with no MPI and nothing copied,
// measures that cost on this machine.
double row_visit_seconds(std::vector<core::Field>& fields, int width, MPI_Comm comm, int repeats) {
  volatile double sink = 0.0;
  const auto visit = [&] {
    double sum = 0.0;
    for (core::Field& f : fields)
      for (int k = 0; k < f.nz(); ++k)
        for (int j = -width; j < f.ny() + width; ++j) sum += f(-width, j, k) + f(f.nx() + width - 1, j, k);
    sink = sink + sum;
  };
  return time_median(comm, repeats, visit);
}

// The self copy as plain code would write it: the periodic x wrap onto this rank, `width` cells at
// each end of every owned row of every field and level, straight from the row's other end.
void plain_self_copy(std::vector<core::Field>& fields, int width) {
  for (core::Field& f : fields)
    for (int k = 0; k < f.nz(); ++k)
      for (int j = 0; j < f.ny(); ++j) {
        double* row = &f(0, j, k);
        for (int i = 0; i < width; ++i) {
          row[i - width] = row[f.nx() - width + i];
          row[f.nx() + i] = row[i];
        }
      }
}

// start() (self copies, pack and send) and finish() (self copies, wait, unpack) timed apart, each call between
// barriers so that one rank's wait is not counted in another's start: medians, max over ranks.
std::pair<double, double> split_seconds(core::HaloPlan& halo, const std::vector<core::Field*>& fields, MPI_Comm comm,
                                        int calls) {
  std::vector<double> start, finish;
  for (int c = 0; c < calls; ++c) {
    MPI_Barrier(comm);
    double t = MPI_Wtime();
    core::HaloHandle h = halo.start(fields);
    start.push_back(max_over_ranks(MPI_Wtime() - t, comm));
    t = MPI_Wtime();
    h.finish();
    finish.push_back(max_over_ranks(MPI_Wtime() - t, comm));
  }
  return {median(start), median(finish)};
}
}  // namespace

std::vector<Result> run_halo(const Options& o, MPI_Comm comm) {
  const core::Decomposition decomp(comm, {o.nx, o.ny, true, false}, {o.px, o.py}, o.width);
  std::vector<core::Field> fields;
  fields.reserve(o.fields);  // the exchange keeps pointers until it finishes: no reallocation after this
  std::vector<core::Field*> pointers;
  for (int f = 0; f < o.fields; ++f) {
    std::string name = "f";  // not "f" + to_string(f): GCC 12 warns falsely (-Wrestrict, PR 105329)
    name += std::to_string(f);
    fields.emplace_back(name, decomp, o.width);
    fields.back().fill(decomp.rank() + 0.5 * f);
    pointers.push_back(&fields.back());
  }
  core::HaloPlan& halo = core::plan_for(decomp, o.width);
  RawHalo raw(decomp, o.width, o.fields);
  const bool self_x = decomp.neighbour(core::Direction::west) == decomp.rank() &&
                      decomp.neighbour(core::Direction::east) == decomp.rank();

  const int repeats = o.repeats ? o.repeats : 9;
  // Interleaved, so that both see the same machine (other jobs, frequency, memory placement). The
  // whole exchange against raw messages of the same bytes plus the plain self copy...
  const PairTiming pair = time_interleaved(comm, repeats, [&] { halo.exchange(pointers); }, [&] {
    raw.exchange();
    if (self_x) plain_self_copy(fields, o.width);
  });
  const double halo_seconds = pair.first, raw_total_seconds = pair.second;
  // ...and its two parts apart. The messages that travel: the same grid and process grid with x not
  // periodic has the same messages (less the 2 x width corner cells per row that the wrap adds) and
  // no self copy, so meridian and raw MPI are timed on exactly the messages, nothing else.
  const core::Decomposition open(comm, {o.nx, o.ny, false, false}, decomp.process_grid(), o.width);
  core::HaloPlan& open_halo = core::plan_for(open, o.width);
  RawHalo open_raw(open, o.width, o.fields);
  const PairTiming travel = time_interleaved(
      comm, repeats, [&] { open_halo.exchange(pointers); }, [&] { open_raw.exchange(); });
  const double travel_seconds = travel.first, raw_seconds = travel.second;
  // The self copy: meridian's against the plain loop and against memcpy of the same bytes (the
  // memory-bound floor for contiguous bytes; the halo columns are a few cells of each row).
  double self_seconds = 0.0, plain_self_seconds = 0.0, memcpy_seconds = 0.0;
  std::size_t self_values = 0;
  if (halo.has_self_copy()) {
    const PairTiming self = time_interleaved(
        comm, repeats, [&] { halo.copy_self(pointers); }, [&] { plain_self_copy(fields, o.width); });
    self_seconds = self.first;
    plain_self_seconds = self.second;
    for (const core::Field& f : fields) self_values += std::size_t(2) * o.width * f.ny() * f.nz();
    std::vector<double> from(self_values, 1.0), to(self_values, 0.0);
    memcpy_seconds = time_median(comm, repeats, [&] { std::memcpy(to.data(), from.data(), self_values * sizeof(double)); });
  }
  const double floor = row_visit_seconds(fields, o.width, comm, repeats);
  const auto [start, finish] = split_seconds(halo, pointers, comm, 21);

  // Bytes per rank: the largest over ranks, as the timings are the slowest rank's.
  const unsigned long long max_bytes =
      max_over_ranks(static_cast<unsigned long long>(open_halo.bytes_sent(o.fields)), comm);
  const double halo_gbs = static_cast<double>(max_bytes) / travel_seconds / 1e9;
  const double raw_gbs = static_cast<double>(max_bytes) / raw_seconds / 1e9;

  const std::string name = "halo_" + std::to_string(o.nx) + "x" + std::to_string(o.ny) + "_w" +
                           std::to_string(o.width) + "_f" + std::to_string(o.fields);
  // The headline: the messages that travel, meridian's against raw MPI of the same bytes in as many
  // messages (one per peer).
  Result r{name, decomp.size(), "bandwidth", "GB/s", halo_gbs, "raw_mpi", raw_gbs, halo_gbs / raw_gbs, {}};
  r.add("us_per_exchange", halo_seconds * 1e6);
  r.add("raw_us_per_exchange", raw_total_seconds * 1e6);
  r.add("ratio_whole_exchange", raw_total_seconds / halo_seconds, 3);
  r.add("travel_us", travel_seconds * 1e6);
  r.add("raw_travel_us", raw_seconds * 1e6);
  r.add("self_copy_us", self_seconds * 1e6);
  r.add("plain_self_copy_us", plain_self_seconds * 1e6);
  r.add("memcpy_same_bytes_us", memcpy_seconds * 1e6);
  r.add("self_copy_bytes", static_cast<double>(self_values * sizeof(double)), 12);
  r.add("start_us", start * 1e6);
  r.add("finish_us", finish * 1e6);
  // What an exchange that touched each halo row once and moved its bytes at the raw speed would reach.
  r.add("row_visit_floor_us", floor * 1e6);
  r.add("ratio_bound", raw_total_seconds / (raw_total_seconds + floor), 3);
  r.add("bytes_per_rank", static_cast<double>(max_bytes), 12);
  r.add("messages_per_exchange", halo.messages());
  r.add("raw_messages_per_exchange", raw.messages());
  r.add("travel_messages", open_halo.messages());
  r.add("raw_travel_messages", open_raw.messages());
  r.add("raw_bytes_per_rank", static_cast<double>(raw.bytes_sent()), 12);
  r.add("process_grid", std::to_string(decomp.process_grid().px) + "x" + std::to_string(decomp.process_grid().py));
  r.add("repeats", repeats);
  return {r};
}

}  // namespace meridian::bench
