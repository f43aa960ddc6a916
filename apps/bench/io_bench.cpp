#include "io_bench.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "meridian/core/decomposition.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "meridian/core/output_sink.hpp"
#include "meridian/core/sphere_grid.hpp"
#include "meridian/io/hdf5_io.hpp"
#include "meridian/io/hdf5_output.hpp"
#include "scratch_dir.hpp"
#include "timing.hpp"

namespace meridian::bench {

namespace {
constexpr int default_repeats = 5;  // interleaved pairs: the median of 5 is steady where one of 3 was not
constexpr std::size_t max_write_bytes = std::size_t(1) << 30;  // Linux moves at most ~2 GiB per write()

[[noreturn]] void fail(int rank, const std::string& what, const std::string& path) {
  throw core::Error(rank, "io benchmark", what + " '" + path + "': " + std::strerror(errno));
}

void write_all(int fd, const char* data, std::size_t bytes, int rank, const std::string& path) {
  while (bytes > 0) {
    const ssize_t n = ::write(fd, data, std::min(bytes, max_write_bytes));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(rank, "cannot write", path);
    data += n;
    bytes -= std::size_t(n);
  }
}

// Flushes a file that is already closed: the page cache is per file, so any process may do it.
void fsync_path(const std::string& path, int rank) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) fail(rank, "cannot open", path);
  if (::fsync(fd) != 0) fail(rank, "cannot fsync", path);
  ::close(fd);
}

// Deletes `path` and commits the deletion: on a file system mounted with `discard` (this one) the
// freed blocks are trimmed at the next journal commit, which would otherwise land in the next timed
// fsync. Untimed.
void remove_and_commit(const std::string& path) {
  std::filesystem::remove(path);
  const int fd = ::open(std::filesystem::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }
}

// The one .h5 file in `dir` (the writer names it <component>_<step>.h5).
std::string history_file(const std::string& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".h5") return entry.path().string();
  throw core::Error(0, "io benchmark", "no history file in '" + dir + "'");
}

struct HistorySample {
  double write = 0, total = 0;  // s, slowest rank: write_history alone, and with the fsync
  double file_bytes = 0;
};

// Collective. Writes one history file, rank 0 fsyncs it (the others wait at the reduction), then
// deletes it outside the timing.
HistorySample time_history(io::Hdf5Output& sink, const core::ComponentOutput& component, const std::string& dir,
                           int rank, MPI_Comm comm) {
  const core::Clock clock(1.0, 1);
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  sink.write_history(clock, {component});
  const double t1 = MPI_Wtime();
  std::string path;
  if (rank == 0) {
    path = history_file(dir);
    fsync_path(path, rank);
  }
  const double t2 = MPI_Wtime();
  HistorySample s{max_over_ranks(t1 - t0, comm), max_over_ranks(t2 - t0, comm), 0};
  if (rank == 0) {
    s.file_bytes = double(std::filesystem::file_size(path));
    remove_and_commit(path);
  }
  MPI_Barrier(comm);
  return s;
}

// Collective. Every rank writes `share` to its own new file, `piece` bytes per call, and fsyncs it; seconds
// of the slowest rank, open to close. The file is deleted outside the timing.
double time_raw(const std::string& dir, const std::vector<char>& share, std::size_t piece, int rank, MPI_Comm comm) {
  const std::string path = dir + "/raw_" + std::to_string(rank) + ".bin";
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail(rank, "cannot create", path);
  for (std::size_t at = 0; at < share.size(); at += piece)
    write_all(fd, share.data() + at, std::min(piece, share.size() - at), rank, path);
  if (::fsync(fd) != 0) fail(rank, "cannot fsync", path);
  if (::close(fd) != 0) fail(rank, "cannot close", path);
  const double seconds = max_over_ranks(MPI_Wtime() - t0, comm);
  remove_and_commit(path);
  MPI_Barrier(comm);
  return seconds;
}
// An open MPI-IO file, closed on every path (the shared-file baseline below).
class SharedFile {
 public:
  SharedFile(MPI_Comm comm, const std::string& path, int rank) {
    MPI_Info info = MPI_INFO_NULL;
    MPI_Info_create(&info);
    // The hints the history writer opens the bench's files with (the default writers_per_node): the
    // baseline gets the same aggregation.
    for (const auto& [key, value] : io::collective_hints(io::OutputSettings{}.writers_per_node))
      MPI_Info_set(info, key.c_str(), value.c_str());
    const int status = MPI_File_open(comm, path.c_str(), MPI_MODE_CREATE | MPI_MODE_WRONLY, info, &file_);
    MPI_Info_free(&info);
    if (status != MPI_SUCCESS) fail(rank, "cannot open with MPI-IO", path);
  }
  ~SharedFile() { close(); }
  SharedFile(const SharedFile&) = delete;
  SharedFile& operator=(const SharedFile&) = delete;
  MPI_File get() const noexcept { return file_; }
  void close() {
    if (file_ != MPI_FILE_NULL) MPI_File_close(&file_);
  }

 private:
  MPI_File file_ = MPI_FILE_NULL;
};

// Collective. The plain MPI-IO code for the history writer's job: one shared file holding `arrays`
// global nx x ny arrays of `value_bytes` (the fields) and one of doubles (cell_area), each rank
// writing its block of each with one collective call through a subarray view, with the writer's
// hints; rank 0 fsyncs it after the close, as time_history does. Seconds of the slowest rank; the
// file is deleted outside the timing. What HDF5 and meridian add over writing one shared file.
double time_shared(const std::string& dir, const core::Decomposition& decomp, int arrays, int value_bytes,
                   MPI_Comm comm) {
  const int rank = decomp.rank();
  const std::string path = dir + "/shared.bin";
  const int global[2] = {decomp.grid().ny, decomp.grid().nx};
  const int local[2] = {decomp.ny_local(), decomp.nx_local()};
  const int start[2] = {decomp.y_range().begin, decomp.x_range().begin};
  const std::vector<char> block(static_cast<std::size_t>(local[0]) * local[1] * sizeof(double), 1);
  const auto view_of = [&](MPI_Datatype element) {
    MPI_Datatype type = MPI_DATATYPE_NULL;
    MERIDIAN_MPI(MPI_Type_create_subarray(2, global, local, start, MPI_ORDER_C, element, &type), comm);
    return core::Datatype::commit(type);
  };
  const core::Datatype value_view = view_of(value_bytes == 4 ? MPI_FLOAT : MPI_DOUBLE), area_view = view_of(MPI_DOUBLE);
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  {
    SharedFile file(comm, path, rank);
    MPI_Offset at = 0;
    for (int a = 0; a <= arrays; ++a) {
      const bool area = a == arrays;
      const MPI_Datatype element = area || value_bytes == 8 ? MPI_DOUBLE : MPI_FLOAT;
      MERIDIAN_MPI(
          MPI_File_set_view(file.get(), at, element, (area ? area_view : value_view).get(), "native", MPI_INFO_NULL),
          comm);
      if (MPI_File_write_all(file.get(), block.data(), local[0] * local[1], element, MPI_STATUS_IGNORE) != MPI_SUCCESS)
        fail(rank, "cannot write", path);
      at += MPI_Offset(global[0]) * global[1] * (area ? 8 : value_bytes);
    }
    file.close();
  }
  if (rank == 0) fsync_path(path, rank);
  const double seconds = max_over_ranks(MPI_Wtime() - t0, comm);
  if (rank == 0) remove_and_commit(path);
  MPI_Barrier(comm);
  return seconds;
}
}  // namespace

std::vector<Result> run_io(const Options& o, MPI_Comm comm) {
  const core::Decomposition decomp(comm, {o.nx, o.ny, true, false}, {o.px, o.py}, std::max(1, o.width));
  const core::SphereGrid grid(o.nx, o.ny);
  // Fields with a halo, as the model's are: the writer skips it with a memory hyperslab.
  std::vector<core::Field> fields;
  fields.reserve(o.fields);
  core::ComponentOutput component{"bench", &decomp, &grid, {}};
  for (int f = 0; f < o.fields; ++f) {
    std::string name = "field";
    name += std::to_string(f);
    fields.emplace_back(name, decomp, o.width);
    fields.back().fill(decomp.rank() + 0.25 * f);
  }
  for (core::Field& f : fields) component.fields.push_back({{f.name(), "1", f.name(), "", false, true}, &f});
  const ScratchDir scratch(comm, o.dir);
  const core::Provenance provenance{"meridian-bench", "", "", "", decomp.size(), decomp.describe()};
  io::Hdf5Output sink(comm, {scratch.path(), 0, false}, provenance);
  // output.precision = single: the same fields as 32-bit floats (cell_area and coordinates stay double).
  io::Hdf5Output single_sink(comm, {scratch.path(), 0, false, io::HistoryPrecision::single_precision}, provenance);
  const int repeats = o.repeats ? o.repeats : default_repeats;
  // Untimed warm-up of both: the first writes of a process into fresh page-cache memory ran 10x slower
  // here (a virtual machine touching guest memory for the first time), whichever writer came first.
  double file_bytes = time_history(sink, component, scratch.path(), decomp.rank(), comm).file_bytes;
  MERIDIAN_MPI(MPI_Bcast(&file_bytes, 1, MPI_DOUBLE, 0, comm), comm);
  double single_file_bytes = time_history(single_sink, component, scratch.path(), decomp.rank(), comm).file_bytes;
  MERIDIAN_MPI(MPI_Bcast(&single_file_bytes, 1, MPI_DOUBLE, 0, comm), comm);
  // The raw writer's share: the same bytes as the history file holds (the fields, and the cell_area,
  // coordinates and metadata that make it a CF file) split evenly, written a field's share per call
  // as the writer does (one call of the whole share measured the same here).
  const auto share_of = [&](double bytes) {
    const std::size_t whole = static_cast<std::size_t>(bytes);
    return std::vector<char>(whole / decomp.size() + (std::size_t(decomp.rank()) < whole % decomp.size()), 1);
  };
  const std::vector<char> share = share_of(file_bytes), single_share = share_of(single_file_bytes);
  const std::size_t piece = std::size_t(decomp.nx_local()) * decomp.ny_local() * sizeof(double);
  time_raw(scratch.path(), share, piece, decomp.rank(), comm);
  time_shared(scratch.path(), decomp, o.fields, 8, comm);
  std::vector<double> write_s, total_s, raw_s, single_s, single_raw_s, shared_s, single_shared_s;
  for (int r = 0; r < repeats; ++r) {  // alternating, so that all see the same machine
    const HistorySample h = time_history(sink, component, scratch.path(), decomp.rank(), comm);
    write_s.push_back(h.write);
    total_s.push_back(h.total);
    raw_s.push_back(time_raw(scratch.path(), share, piece, decomp.rank(), comm));
    shared_s.push_back(time_shared(scratch.path(), decomp, o.fields, 8, comm));
    single_s.push_back(time_history(single_sink, component, scratch.path(), decomp.rank(), comm).total);
    single_raw_s.push_back(time_raw(scratch.path(), single_share, piece / 2, decomp.rank(), comm));
    single_shared_s.push_back(time_shared(scratch.path(), decomp, o.fields, 4, comm));
  }
  MPI_Barrier(comm);  // nobody touches the scratch folder any more

  const double bytes = double(o.fields) * o.nx * o.ny * sizeof(double);
  const double hdf5 = median(total_s), raw = median(raw_s);
  const std::string name = "io_" + std::to_string(o.nx) + "x" + std::to_string(o.ny) + "_f" + std::to_string(o.fields);
  // Bandwidth of the file's bytes: both sides write exactly those.
  Result r{name, decomp.size(), "write_bandwidth_fsync", "GB/s", file_bytes / hdf5 / 1e9, "posix_write_per_rank",
           file_bytes / raw / 1e9, raw / hdf5, {}};
  r.add("seconds", hdf5);
  r.add("write_history_seconds", median(write_s));
  r.add("fsync_seconds", hdf5 - median(write_s));
  r.add("raw_seconds", raw);
  // The spread of the interleaved repeats: a ratio is only as steady as min..max of each side.
  r.add("min_seconds", *std::min_element(total_s.begin(), total_s.end()));
  r.add("max_seconds", *std::max_element(total_s.begin(), total_s.end()));
  r.add("min_raw_seconds", *std::min_element(raw_s.begin(), raw_s.end()));
  r.add("max_raw_seconds", *std::max_element(raw_s.begin(), raw_s.end()));
  r.add("bytes", bytes, 12);
  r.add("file_bytes", file_bytes, 12);
  r.add("field_bandwidth", bytes / hdf5 / 1e9);  // GB/s of the fields alone
  // Against one shared file written by plain collective MPI-IO (the same arrays, hints and fsync):
  // what HDF5 and the writer add, apart from what sharing one file costs on this file system.
  r.add("shared_mpiio_seconds", median(shared_s));
  r.add("ratio_vs_shared_mpiio", median(shared_s) / hdf5);
  // output.precision = single, against its own baseline: each rank writing its share of that file's bytes.
  const double single = median(single_s), single_raw = median(single_raw_s);
  r.add("single_seconds", single);
  r.add("single_raw_seconds", single_raw);
  r.add("single_file_bytes", single_file_bytes, 12);
  r.add("single_ratio", single_raw / single);
  r.add("single_vs_double", hdf5 / single);  // how much faster a single-precision history file is
  r.add("single_shared_mpiio_seconds", median(single_shared_s));
  r.add("single_ratio_vs_shared_mpiio", median(single_shared_s) / single);
  r.add("repeats", repeats);
  r.add("process_grid", std::to_string(decomp.process_grid().px) + "x" + std::to_string(decomp.process_grid().py));
  r.add("halo", o.width);
  r.add("dir", std::filesystem::absolute(o.dir).lexically_normal().string());
  return {r};
}

}  // namespace meridian::bench
