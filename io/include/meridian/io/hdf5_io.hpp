#pragma once
// The HDF5 building blocks the writers share: opening files with the MPI-IO driver (and the
// collective-buffering hints), attributes as netCDF-4 reads them, and moving one rank's owned block
// of a field between memory and a global dataset with a collective transfer.

#include <mpi.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/output_sink.hpp"
#include "meridian/io/hdf5_handle.hpp"

namespace meridian::io {

// The MPI-IO hints (ROMIO's names) every parallel file is opened with: collective buffering where
// the ranks' pieces interleave, no data sieving for writes, up to `writers_per_node` aggregators per
// node (0: the MPI-IO library's default). Why each: io/src/hdf5_io.cpp. Local.
std::vector<std::pair<std::string, std::string>> collective_hints(int writers_per_node);

// Creates (truncating) `path` with the MPI-IO driver on `comm`. Collective over `comm`. Links and
// attributes track creation order (netCDF-4 lists variables in that order and older netCDF
// libraries refuse files without it); the 1.8 object format allows attributes over 64 KiB (the
// config text) and is what netCDF-4 itself writes. `writers_per_node` > 0 lets up to that many ranks
// of a node aggregate collective writes (ROMIO's cb_config_list); 0 keeps the MPI-IO library's
// default (ROMIO: one per node). OMPIO ignores it.
H5File create_parallel_file(const std::string& path, MPI_Comm comm, int writers_per_node, const H5Where& where);
// Opens `path` read-only with the MPI-IO driver on `comm`. Collective over `comm`.
H5File open_parallel_file(const std::string& path, MPI_Comm comm, const H5Where& where);
// Opens `path` read-only with the POSIX driver: for one rank that checks a file before the others
// touch it. Local.
H5File open_serial_file(const std::string& path, const H5Where& where);

// A transfer property list for collective MPI-IO (every rank of the file's communicator must make
// the same H5Dread/H5Dwrite calls, possibly with empty selections).
H5PropList collective_transfer(const H5Where& where);

// Attributes on `object` (a file, group or dataset). Strings are fixed-length, NUL-terminated
// H5T_C_S1 in a scalar dataspace, which netCDF-4 reads as a text (NC_CHAR) attribute.
// Writing is collective for a parallel file (all ranks, same values); reading is independent.
void write_attribute(hid_t object, const std::string& name, const std::string& value, const H5Where& where);
void write_attribute(hid_t object, const std::string& name, long long value, const H5Where& where);
void write_attribute(hid_t object, const std::string& name, double value, const H5Where& where);
void write_attribute(hid_t object, const std::string& name, float value, const H5Where& where);
// The run that made a file (version, git revision, resolved config and its digest, ranks, process
// grid): the same attributes on history and restart files. Collective like write_attribute.
void write_provenance_attributes(hid_t file, const core::Provenance& provenance, const H5Where& where);
// `value` rounded to the nearest float, ties to even, as IEEE 754 converts: beyond the largest float
// it is +-infinity (a plain cast is undefined there), NaN stays NaN. The same bits on every rank.
float to_float(double value) noexcept;
bool has_attribute(hid_t object, const std::string& name, const H5Where& where);
std::string read_string_attribute(hid_t object, const std::string& name, const H5Where& where);
long long read_int_attribute(hid_t object, const std::string& name, const H5Where& where);
double read_double_attribute(hid_t object, const std::string& name, const H5Where& where);
// True if `name` (a path relative to `object`, every component of it) exists. Local.
bool has_link(hid_t object, const std::string& name, const H5Where& where);

// Memory a rank packs its block into before a collective write, kept from one write to the next:
// packing into fresh memory every time cost as much as the packing itself (page faults, the kernel
// zeroing huge pages; docs/performance.md, "History output"). Holds whatever the last write needed.
class StagingBuffer {
 public:
  // Room for `count` values of T (float or double), contents undefined.
  template <typename T>
  T* room_for(std::size_t count) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
    const std::size_t bytes = count * sizeof(T);
    if (bytes > bytes_) {
      storage_ = std::make_unique_for_overwrite<std::byte[]>(bytes);  // (new[] of bytes: room for any T)
      bytes_ = bytes;
    }
    return reinterpret_cast<T*>(storage_.get());
  }

 private:
  std::unique_ptr<std::byte[]> storage_;
  std::size_t bytes_ = 0;
};

// How write_block turns a field's owned cells into the dataset's values.
struct BlockValues {
  // Each value rounded to the nearest float (to_float) for a 32-bit dataset; done here, per cell,
  // because HDF5's own conversion turns a collective transfer into an independent one.
  bool as_float = false;
  // Cells where coverage's lowest level is <= 0 hold `fill` (every level): a history field's mask.
  const core::Field* coverage = nullptr;
  double fill = 0;
  // Where the values are packed when they are not the field's own (as_float, coverage, dropped
  // blocks); without one, a buffer is allocated for the call.
  StagingBuffer* staging = nullptr;
};

// Writes (or reads, into the owned cells only) this rank's owned block of `field` to the global
// dataset `dataset`, whose trailing dimensions are ([nz,] ny, nx) after `leading` dimensions of
// which index 0 is used (the time record of a history file; 0 for a restart). A plain write or
// read skips the halo with a memory hyperslab, so nothing is copied; a write that changes the values
// (`how`) packs them, in one pass, into a contiguous buffer. `field`/`decomp` null: this rank takes
// part in the collective call with an empty selection. Collective over the file's communicator.
// Where the decomposition dropped blocks (core/block_layout.hpp), each rank also writes the dropped
// blocks it answers for, cell (i, j) = dropped_value(j) (0 by default; the _FillValue of a masked
// history field; a grid property by row), and reads them back into `dropped` (level after level of
// each block in turn, the order core::owned_digest takes) for the checksum.
void write_block(
    hid_t dataset, int leading, const core::Field* field, const core::Decomposition* decomp, const H5Where& where,
    const std::function<double(int)>& dropped_value = [](int) { return 0.0; }, const BlockValues& how = {});
void read_block(hid_t dataset, int leading, core::Field* field, const core::Decomposition* decomp,
                const H5Where& where, std::vector<double>* dropped = nullptr);

}  // namespace meridian::io
