#pragma once
// `meridian-bench halo`: core::HaloPlan against raw MPI (RawHalo) on the same messages.

#include <mpi.h>

#include <vector>

#include "options.hpp"
#include "report.hpp"

namespace meridian::bench {

// Collective over `comm`. One result: bandwidth of HaloPlan, of RawHalo, and their ratio.
std::vector<Result> run_halo(const Options& options, MPI_Comm comm);

}  // namespace meridian::bench
