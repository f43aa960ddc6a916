#pragma once
// `meridian-bench io`: one history file of F global nx x ny float64 fields written by meridian's
// parallel HDF5 writer (io::Hdf5Output::write_history, collective MPI-IO) and fsync'ed, against the
// raw sequential bandwidth of the same bytes (the history file's size: fields, cell_area, coordinates,
// metadata): every rank write()s its share to its own file in one call and fsync()s it, all ranks at
// once. Repeats alternate the two; medians, min and max of each are reported. Both go to a scratch
// folder on the file system named by --dir.

#include <mpi.h>

#include <vector>

#include "options.hpp"
#include "report.hpp"

namespace meridian::bench {

// Collective over `comm`. One result: bandwidth in GB/s (bytes of the history file / seconds from the
// first call to the fsync's return, slowest rank, median of the repeats), meridian's writer vs raw
// POSIX writes; the ratio is of the medians.
std::vector<Result> run_io(const Options& options, MPI_Comm comm);

}  // namespace meridian::bench
