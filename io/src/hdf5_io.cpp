#include "meridian/io/hdf5_io.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "meridian/core/block_layout.hpp"
#include "meridian/core/error.hpp"

namespace meridian::io {

// Collective-buffering hints (ROMIO names; OMPIO ignores them). With px > 1 each rank's block is
// ny_local rows that are nx_local doubles long and far apart in the file, so an independent write is
// many small pieces: two-phase collective buffering gathers them onto a few aggregators (by default
// one per node) that write large contiguous file domains. Writes are left to ROMIO's heuristic
// ("automatic": collective buffering exactly when the ranks' file accesses interleave), because
// forcing it on also ships every byte of an already contiguous block (px = 1: whole rows) through
// one aggregator; `meridian-bench io` at 4096^2 on 2 ranks, 1x2 grid, measured the forced write 14x
// slower than automatic on a loaded machine (every byte crosses shared memory, then one rank writes).
// Reads stay forced on (restart reads). Data sieving for writes is off: it is a read-modify-write
// under fcntl locks, which NFS and Lustre serialise or refuse, and every raw-data write here is
// collective. cb_buffer_size is ROMIO's default, stated so that the choice is visible in one place.
// cb_config_list "*:N" lets up to N ranks per node be aggregators (ROMIO's own default is one per
// node, which leaves the other ranks of a node waiting while one copies every byte: on 2 ranks that
// one writer was half of the output time; docs/performance.md, "History output").
std::vector<std::pair<std::string, std::string>> collective_hints(int writers_per_node) {
  std::vector<std::pair<std::string, std::string>> hints = {{"romio_cb_write", "automatic"},
                                                            {"romio_cb_read", "enable"},
                                                            {"romio_ds_write", "disable"},
                                                            {"cb_buffer_size", "16777216"}};
  if (writers_per_node > 0) hints.emplace_back("cb_config_list", "*:" + std::to_string(writers_per_node));
  return hints;
}

namespace {

// MPI_Info is only needed here, for the hints; core has no owner for it.
class InfoHandle {
 public:
  InfoHandle() { MERIDIAN_MPI(MPI_Info_create(&info_), MPI_COMM_NULL); }
  ~InfoHandle() { MPI_Info_free(&info_); }
  InfoHandle(const InfoHandle&) = delete;
  InfoHandle& operator=(const InfoHandle&) = delete;
  void set(const char* key, const char* value) { MERIDIAN_MPI(MPI_Info_set(info_, key, value), MPI_COMM_NULL); }
  MPI_Info get() const noexcept { return info_; }

 private:
  MPI_Info info_ = MPI_INFO_NULL;
};

void set_collective_hints(InfoHandle& info, int writers_per_node) {
  for (const auto& [key, value] : collective_hints(writers_per_node)) info.set(key.c_str(), value.c_str());
}

H5PropList parallel_access(MPI_Comm comm, int writers_per_node, const H5Where& where) {
  H5PropList fapl(H5Pcreate(H5P_FILE_ACCESS), where, "creating a file access property list");
  InfoHandle info;
  set_collective_hints(info, writers_per_node);
  check_h5(H5Pset_fapl_mpio(fapl.get(), comm, info.get()), where, "selecting the MPI-IO driver");
  // Metadata reads by one rank then broadcast, and metadata writes collective: at scale this keeps
  // thousands of ranks from each reading the same object headers. It makes every metadata call
  // collective, which the writers honour (all ranks make the same calls in the same order).
  check_h5(H5Pset_all_coll_metadata_ops(fapl.get(), true), where, "enabling collective metadata reads");
  check_h5(H5Pset_coll_metadata_write(fapl.get(), true), where, "enabling collective metadata writes");
  check_h5(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), where, "setting the file format");
  return fapl;
}

}  // namespace

H5File create_parallel_file(const std::string& path, MPI_Comm comm, int writers_per_node, const H5Where& where) {
  H5PropList fapl = parallel_access(comm, writers_per_node, where);
  H5PropList fcpl(H5Pcreate(H5P_FILE_CREATE), where, "creating a file creation property list");
  const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  check_h5(H5Pset_link_creation_order(fcpl.get(), order), where, "tracking link creation order");
  check_h5(H5Pset_attr_creation_order(fcpl.get(), order), where, "tracking attribute creation order");
  return H5File(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), where, "creating the file");
}

H5File open_parallel_file(const std::string& path, MPI_Comm comm, const H5Where& where) {
  H5PropList fapl = parallel_access(comm, 0, where);
  return H5File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), where, "opening the file");
}

H5File open_serial_file(const std::string& path, const H5Where& where) {
  return H5File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), where, "opening the file");
}

H5PropList collective_transfer(const H5Where& where) {
  H5PropList dxpl(H5Pcreate(H5P_DATASET_XFER), where, "creating a transfer property list");
  check_h5(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), where, "requesting collective transfers");
  return dxpl;
}

namespace {
void write_raw_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t mem_type,
                         const void* value, const H5Where& where) {
  const std::string what = "writing attribute '" + name + "'";
  H5Dataspace space(H5Screate(H5S_SCALAR), where, what);
  H5Attribute attr(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), where,
                   what);
  check_h5(H5Awrite(attr.get(), mem_type, value), where, what);
}
}  // namespace

void write_attribute(hid_t object, const std::string& name, const std::string& value, const H5Where& where) {
  // Size 0 is not a valid string type: an empty value is stored as one NUL.
  H5Datatype type(H5Tcopy(H5T_C_S1), where, "making a string type");
  check_h5(H5Tset_size(type.get(), value.empty() ? 1 : value.size()), where, "sizing a string type");
  check_h5(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), where, "making a string type");
  const char zero = '\0';
  write_raw_attribute(object, name, type.get(), type.get(), value.empty() ? &zero : value.data(), where);
}

void write_attribute(hid_t object, const std::string& name, long long value, const H5Where& where) {
  write_raw_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_LLONG, &value, where);
}

void write_attribute(hid_t object, const std::string& name, double value, const H5Where& where) {
  write_raw_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, where);
}

void write_attribute(hid_t object, const std::string& name, float value, const H5Where& where) {
  write_raw_attribute(object, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, &value, where);
}

float to_float(double value) noexcept {
  constexpr double largest = std::numeric_limits<float>::max();
  // Half an ulp above the largest float: from there on, rounding to nearest gives infinity (the
  // largest float's last bit is odd, so the tie goes up too).
  constexpr double overflow = largest + 0x1p103;
  if (std::abs(value) <= largest) return static_cast<float>(value);
  if (std::isnan(value)) return std::numeric_limits<float>::quiet_NaN();
  const float magnitude = std::abs(value) >= overflow ? std::numeric_limits<float>::infinity() : float(largest);
  return value < 0 ? -magnitude : magnitude;
}

void write_provenance_attributes(hid_t file, const core::Provenance& provenance, const H5Where& where) {
  write_attribute(file, "meridian_version", provenance.version, where);
  write_attribute(file, "git_revision", provenance.git_revision, where);
  write_attribute(file, "config", provenance.config_ini, where);
  write_attribute(file, "config_digest", provenance.config_digest, where);
  write_attribute(file, "ranks", static_cast<long long>(provenance.ranks), where);
  write_attribute(file, "process_grid", provenance.process_grid, where);
}

bool has_attribute(hid_t object, const std::string& name, const H5Where& where) {
  htri_t exists = H5Aexists(object, name.c_str());
  check_h5(exists < 0 ? -1 : 0, where, "looking for attribute '" + name + "'");
  return exists > 0;
}

std::string read_string_attribute(hid_t object, const std::string& name, const H5Where& where) {
  const std::string what = "reading attribute '" + name + "'";
  H5Attribute attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), where, what);
  H5Datatype type(H5Aget_type(attr.get()), where, what);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0) {
    throw core::Error(where.rank, "file '" + where.file + "'", "attribute '" + name + "' is not a fixed-length string");
  }
  std::size_t size = H5Tget_size(type.get());
  std::vector<char> text(size + 1, '\0');
  check_h5(H5Aread(attr.get(), type.get(), text.data()), where, what);
  return std::string(text.data());  // up to the first NUL
}

long long read_int_attribute(hid_t object, const std::string& name, const H5Where& where) {
  const std::string what = "reading attribute '" + name + "'";
  H5Attribute attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), where, what);
  long long value = 0;
  check_h5(H5Aread(attr.get(), H5T_NATIVE_LLONG, &value), where, what);
  return value;
}

double read_double_attribute(hid_t object, const std::string& name, const H5Where& where) {
  const std::string what = "reading attribute '" + name + "'";
  H5Attribute attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), where, what);
  double value = 0;
  check_h5(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value), where, what);
  return value;
}

bool has_link(hid_t object, const std::string& name, const H5Where& where) {
  // H5Lexists fails (rather than saying no) when an intermediate group is missing: walk the path.
  std::string prefix;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t slash = name.find('/', start);
    std::string part = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    prefix += (prefix.empty() ? "" : "/") + part;
    htri_t exists = H5Lexists(object, prefix.c_str(), H5P_DEFAULT);
    check_h5(exists < 0 ? -1 : 0, where, "looking for '" + name + "'");
    if (exists == 0) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

namespace {

// A box of cells this rank moves: its own block (part -1) or the part-th dropped block it answers for.
struct Box {
  core::IndexRange x, y;
  int part = -1;
};

// Selects `box` (all levels) in the file space; `op` SET for the first, OR for the rest.
void select_box(hid_t file_space, int rank, int leading, int nz, const Box& b, H5S_seloper_t op, const H5Where& where,
                const std::string& what) {
  std::vector<hsize_t> start(rank, 0), count(rank, 1);
  start[rank - 1] = hsize_t(b.x.begin);
  start[rank - 2] = hsize_t(b.y.begin);
  count[rank - 1] = hsize_t(b.x.size());
  count[rank - 2] = hsize_t(b.y.size());
  if (rank - leading == 3) count[rank - 3] = hsize_t(nz);
  check_h5(H5Sselect_hyperslab(file_space, op, start.data(), nullptr, count.data(), nullptr), where,
           what + ": selecting a block");
}

// A layout with dropped blocks (core/block_layout.hpp): this rank moves its own block and the dropped
// blocks it answers for in one collective call. HDF5 pairs the elements of a union of boxes with
// memory in the file's row-major order, so `visit(box, k, j, i0, n, at)` is called for each run of n
// cells of one row, in that order, with `at` its place in the contiguous buffer.
template <typename Visit>
void for_each_run(const std::vector<Box>& boxes, int nz, Visit visit) {
  int j0 = boxes.front().y.begin, j1 = boxes.front().y.end;
  for (const Box& b : boxes) j0 = std::min(j0, b.y.begin), j1 = std::max(j1, b.y.end);
  std::vector<const Box*> sorted;
  for (const Box& b : boxes) sorted.push_back(&b);
  std::sort(sorted.begin(), sorted.end(), [](const Box* a, const Box* b) { return a->x.begin < b->x.begin; });
  std::size_t at = 0;
  for (int k = 0; k < nz; ++k)
    for (int j = j0; j < j1; ++j)
      for (const Box* b : sorted) {
        if (j < b->y.begin || j >= b->y.end) continue;
        visit(*b, k, j, at);
        at += std::size_t(b->x.size());
      }
}

// Where the values of dropped block `part`, level k, row j start in the digest order of
// core::owned_digest (block after block, levels, rows, columns).
std::size_t dropped_offset(const std::vector<Box>& boxes, int nz, const Box& b, int k, int j) {
  std::size_t before = 0;
  for (const Box& o : boxes)
    if (o.part >= 0 && o.part < b.part) before += std::size_t(nz) * o.x.size() * o.y.size();
  return before + (std::size_t(k) * b.y.size() + std::size_t(j - b.y.begin)) * b.x.size();
}

// This rank's own block (first) and the dropped blocks it answers for.
std::vector<Box> boxes_of(const core::Decomposition& decomp) {
  std::vector<Box> boxes = {{decomp.x_range(), decomp.y_range(), -1}};
  const std::vector<core::BlockIndex> mine = core::dropped_blocks_of(decomp.layout(), decomp.rank());
  for (std::size_t k = 0; k < mine.size(); ++k)
    boxes.push_back({decomp.layout().x_range(mine[k].bx), decomp.layout().y_range(mine[k].by), int(k)});
  return boxes;
}

std::size_t cells_of(const std::vector<Box>& boxes, int nz) {
  std::size_t cells = 0;
  for (const Box& b : boxes) cells += std::size_t(nz) * std::size_t(b.x.size()) * std::size_t(b.y.size());
  return cells;
}

void select_boxes(hid_t file_space, int rank, int leading, int nz, const std::vector<Box>& boxes, const H5Where& where,
                  const std::string& what) {
  for (std::size_t b = 0; b < boxes.size(); ++b)
    select_box(file_space, rank, leading, nz, boxes[b], b ? H5S_SELECT_OR : H5S_SELECT_SET, where, what);
}

// What every block transfer starts with: its description for errors, the dataset's file space and
// its rank (at least 2), and a collective transfer property list.
struct BlockTransfer {
  std::string what;
  H5Dataspace file_space;
  int rank = 0;
  H5PropList dxpl;
};

BlockTransfer begin_transfer(hid_t dataset, const char* verb, const core::Field* field, const H5Where& where) {
  BlockTransfer t;
  t.what = std::string(verb) + " field '" + (field ? field->name() : std::string("(none on this rank)")) + "'";
  t.file_space = H5Dataspace(H5Dget_space(dataset), where, t.what);
  t.rank = H5Sget_simple_extent_ndims(t.file_space.get());
  check_h5(t.rank < 2 ? -1 : 0, where, t.what + ": dataset has fewer than 2 dimensions");
  t.dxpl = collective_transfer(where);
  return t;
}

// This rank joins a collective transfer with nothing to move.
herr_t transfer_nothing(hid_t file_space, const std::function<herr_t(hid_t, hid_t, void*)>& transfer,
                        const H5Where& where, const std::string& what) {
  check_h5(H5Sselect_none(file_space), where, what);
  H5Dataspace mem_space(H5Screate(H5S_SCALAR), where, what);
  check_h5(H5Sselect_none(mem_space.get()), where, what);
  double dummy = 0;
  return transfer(mem_space.get(), file_space, &dummy);
}

// Selects the owned cells (all levels) of `field`'s array, halo skipped.
H5Dataspace owned_cells_in_memory(const core::Field& field, const H5Where& where, const std::string& what) {
  const hsize_t h = hsize_t(field.halo());
  const std::array<hsize_t, 3> mem_dims = {hsize_t(field.nz()), hsize_t(field.ny()) + 2 * h,
                                           hsize_t(field.nx()) + 2 * h};
  const std::array<hsize_t, 3> mem_start = {0, h, h};
  const std::array<hsize_t, 3> mem_count = {hsize_t(field.nz()), hsize_t(field.ny()), hsize_t(field.nx())};
  H5Dataspace mem_space(H5Screate_simple(3, mem_dims.data(), nullptr), where, what);
  check_h5(H5Sselect_hyperslab(mem_space.get(), H5S_SELECT_SET, mem_start.data(), nullptr, mem_count.data(), nullptr),
           where, what + ": selecting the owned cells");
  return mem_space;
}

// Values as the file holds them. Doubles as they are; floats rounded by to_float, whose branches
// only a row with a value beyond the float range (or a NaN) needs: the rest is a plain conversion.
// The loops are written in the forms GCC vectorises for plain x86-64 (SSE2): packing a 0.25-degree
// history this way takes a fifth of the time of a to_float per cell.
constexpr double largest_float = std::numeric_limits<float>::max();

// Whether any value (where mask > 0) is NaN or beyond the float range. A sum of 0s and 1s, exact.
bool any_beyond_float(const double* __restrict in, std::size_t n) {
  double beyond = 0;
  for (std::size_t i = 0; i < n; ++i) beyond += std::abs(in[i]) <= largest_float ? 0.0 : 1.0;
  return beyond != 0;
}
bool any_beyond_float(const double* __restrict in, const double* __restrict mask, std::size_t n) {
  double beyond = 0;
  for (std::size_t i = 0; i < n; ++i)
    beyond += (std::abs(in[i]) <= largest_float ? 0.0 : 1.0) * (mask[i] > 0.0 ? 1.0 : 0.0);
  return beyond != 0;
}

void convert_run(const double* in, std::size_t n, double* out) { std::copy_n(in, n, out); }
void convert_run(const double* __restrict in, std::size_t n, float* __restrict out) {
  if (any_beyond_float(in, n))
    std::transform(in, in + n, out, to_float);
  else
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]);
}

// The same where mask[i] > 0, `fill` elsewhere.
void convert_masked_run(const double* __restrict in, const double* __restrict mask, std::size_t n, double fill,
                        double* __restrict out) {
  for (std::size_t i = 0; i < n; ++i) {
    const double x = in[i];  // (read whatever the mask says: a conditional read does not vectorise)
    out[i] = mask[i] > 0.0 ? x : fill;
  }
}
void convert_masked_run(const double* __restrict in, const double* __restrict mask, std::size_t n, double fill,
                        float* __restrict out) {
  // A NaN fill converts to NaN like any in-range value converts, so it may go through the plain loop.
  if (any_beyond_float(in, mask, n) || !(std::isnan(fill) || std::abs(fill) <= largest_float)) {
    for (std::size_t i = 0; i < n; ++i) out[i] = to_float(mask[i] > 0.0 ? in[i] : fill);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double x = in[i];
    out[i] = static_cast<float>(mask[i] > 0.0 ? x : fill);
  }
}

// Packs this rank's boxes into `buffer` in the order HDF5 pairs them with the file selection.
template <typename T>
void pack_boxes(const std::vector<Box>& boxes, const core::Field& field, const core::Decomposition& decomp,
                const std::function<double(int)>& dropped_value, const BlockValues& how, T* buffer) {
  const core::IndexRange y = decomp.y_range();
  const auto pack = [&](const Box& b, int k, int j, std::size_t at) {
    T* run = buffer + at;
    const std::size_t n = std::size_t(b.x.size());
    if (b.part >= 0) {
      const double value = dropped_value(j);
      std::fill_n(run, n, static_cast<T>(std::is_same_v<T, float> ? to_float(value) : value));
    } else if (how.coverage) {
      const double* mask = how.coverage->data() + how.coverage->offset(0, j - y.begin);
      convert_masked_run(field.data() + field.offset(0, j - y.begin, k), mask, n, how.fill, run);
    } else {
      convert_run(field.data() + field.offset(0, j - y.begin, k), n, run);
    }
  };
  for_each_run(boxes, field.nz(), pack);
}

template <typename T>
herr_t write_packed(hid_t dataset, hid_t file_space, int leading, const std::vector<Box>& boxes,
                    const core::Field& field, const core::Decomposition& decomp,
                    const std::function<double(int)>& dropped_value, const BlockValues& how, hid_t dxpl,
                    const H5Where& where, const std::string& what) {
  const hsize_t count = cells_of(boxes, field.nz());
  StagingBuffer own;  // a one-off, without the caller's
  T* buffer = (how.staging ? *how.staging : own).template room_for<T>(count);
  pack_boxes(boxes, field, decomp, dropped_value, how, buffer);
  // One box: the memory space has the shape of the file selection. HDF5 then maps a chunked
  // dataset's chunks block by block; a 1-D memory space makes it map every element on its own (at
  // 0.25 degrees that was 4x the time of the write itself).
  std::vector<hsize_t> dims(std::size_t(H5Sget_simple_extent_ndims(file_space)), 1);
  if (boxes.size() == 1) {
    dims[dims.size() - 1] = hsize_t(boxes[0].x.size());
    dims[dims.size() - 2] = hsize_t(boxes[0].y.size());
    if (dims.size() - std::size_t(leading) == 3) dims[dims.size() - 3] = hsize_t(field.nz());
  } else {
    dims = {count};
  }
  H5Dataspace mem_space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), where, what);
  const hid_t type = std::is_same_v<T, float> ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
  return H5Dwrite(dataset, type, mem_space.get(), file_space, dxpl, buffer);
}

}  // namespace

// Selects this rank's block (and any dropped blocks it answers for) in the file, packs their values
// unless the field's own array holds them as they are, and runs one collective write.
void write_block(hid_t dataset, int leading, const core::Field* field, const core::Decomposition* decomp,
                 const H5Where& where, const std::function<double(int)>& dropped_value, const BlockValues& how) {
  auto [what, file_space, rank, dxpl] = begin_transfer(dataset, "writing", field, where);
  if (!field || !decomp) {
    const auto write = [&](hid_t m, hid_t f, void* buf) {
      return H5Dwrite(dataset, H5T_NATIVE_DOUBLE, m, f, dxpl.get(), buf);
    };
    check_h5(transfer_nothing(file_space.get(), write, where, what), where, what);
    return;
  }
  const std::vector<Box> boxes = boxes_of(*decomp);
  select_boxes(file_space.get(), rank, leading, field->nz(), boxes, where, what);
  herr_t status = 0;
  if (how.as_float)
    status = write_packed<float>(dataset, file_space.get(), leading, boxes, *field, *decomp, dropped_value, how,
                                 dxpl.get(), where, what);
  else if (how.coverage || boxes.size() > 1)
    status = write_packed<double>(dataset, file_space.get(), leading, boxes, *field, *decomp, dropped_value, how,
                                  dxpl.get(), where, what);
  else
    status = H5Dwrite(dataset, H5T_NATIVE_DOUBLE, owned_cells_in_memory(*field, where, what).get(), file_space.get(),
                      dxpl.get(), field->data());
  check_h5(status, where, what);
}

// Selects as write_block does; with dropped blocks the values arrive in one contiguous buffer and
// are unpacked, the dropped ones into `dropped`.
void read_block(hid_t dataset, int leading, core::Field* field, const core::Decomposition* decomp,
                const H5Where& where, std::vector<double>* dropped) {
  auto [what, file_space, rank, dxpl] = begin_transfer(dataset, "reading", field, where);
  const auto read = [&](hid_t m, hid_t f, void* buf) {
    return H5Dread(dataset, H5T_NATIVE_DOUBLE, m, f, dxpl.get(), buf);
  };
  if (!field || !decomp) {
    check_h5(transfer_nothing(file_space.get(), read, where, what), where, what);
    return;
  }
  const int nz = field->nz();
  const std::vector<Box> boxes = boxes_of(*decomp);
  select_boxes(file_space.get(), rank, leading, nz, boxes, where, what);
  if (boxes.size() == 1) {
    check_h5(read(owned_cells_in_memory(*field, where, what).get(), file_space.get(), field->data()), where, what);
    return;
  }
  const hsize_t count = cells_of(boxes, nz);
  std::vector<double> buffer(count);
  H5Dataspace mem_space(H5Screate_simple(1, &count, nullptr), where, what);
  check_h5(read(mem_space.get(), file_space.get(), buffer.data()), where, what);
  const core::IndexRange x = decomp->x_range(), y = decomp->y_range();
  if (dropped) dropped->assign(count - std::size_t(nz) * x.size() * y.size(), 0.0);
  for_each_run(boxes, nz, [&](const Box& b, int k, int j, std::size_t at) {
    const double* run = buffer.data() + at;
    if (b.part < 0)
      std::copy_n(run, x.size(), &(*field)(0, j - y.begin, k));
    else if (dropped)
      std::copy_n(run, b.x.size(), dropped->data() + dropped_offset(boxes, nz, b, k, j));
  });
}

}  // namespace meridian::io
