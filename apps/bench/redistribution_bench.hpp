#pragma once
// The coupler's redistribution in `meridian-bench coupled`: one gather + scatter round (what the
// coupler does each coupling interval, without the flux arithmetic) of the atmosphere <-> surface
// route that core::Coupler plans, on the placements of the run just timed, against raw MPI
// (RawRedistribution) sending the same messages, interleaved in the same run.

#include <cstddef>
#include <string>

#include "meridian/core/driver.hpp"
#include "report.hpp"

namespace meridian::bench {

// Collective over driver.comm(). Component `surface` of the driver against its atmosphere
// (component 0), `repeats` timed batches of each. One row, "redistribution_<layout>": bandwidth of
// the bytes this rank sends to other ranks per round (local copies excluded; the slowest rank's)
// against raw MPI, with the round's time, bytes and messages per rank and the refinement.
Result run_redistribution(const core::Driver& driver, std::size_t surface, const std::string& layout, int repeats);

}  // namespace meridian::bench
