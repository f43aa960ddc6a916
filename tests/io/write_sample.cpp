// Writes a small sample output directory for the client checks (check_clients.sh): 3 history steps
// of 2 components (atmosphere 36x18 with a 3-level field, ocean 24x12 whose "ice" covers only the
// cells where "frac" > 0: frac is 0 west of 60 degrees east) and one restart.
// Usage: mpirun -n 2 io_write_sample DIR [single] [fixed]
//   single: output.precision = single; fixed: output.fixed_fields = own_file, frac fixed for the run
#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "meridian/core/error.hpp"
#include "meridian/io/hdf5_output.hpp"

using namespace meridian;

namespace {
struct Sample {
  Sample(MPI_Comm comm, const std::string& name, int nx, int ny, std::vector<std::pair<std::string, int>> specs)
      : decomp(comm, core::GlobalGrid{nx, ny}), grid(nx, ny) {
    for (const auto& [field, nz] : specs) {
      fields.push_back(std::make_unique<core::Field>(field, decomp, 1, nz));
      out.fields.push_back({{field, "K", name + " " + field, field == "t_atm" ? "air_temperature" : "", true, true},
                            fields.back().get()});
    }
    out.name = name;
    out.decomposition = &decomp;
    out.grid = &grid;
  }
  // value = 250 + 10 * field + step + 20 cos(lat) + k: simple, checkable from Python.
  void fill(long long step) {
    for (std::size_t f = 0; f < fields.size(); ++f) {
      core::Field& u = *fields[f];
      for (int k = 0; k < u.nz(); ++k)
        for (int j = 0; j < u.ny(); ++j)
          for (int i = 0; i < u.nx(); ++i)
            u(i, j, k) = 250.0 + 10.0 * f + double(step) + 20.0 * std::cos(grid.lat(decomp.y_range().begin + j)) + k;
    }
  }
  // Field `f` = 0 in the columns west of `lon_deg`, 1 elsewhere: a coverage fraction.
  void fraction(std::size_t f, double lon_deg) {
    core::Field& u = *fields[f];
    for (int j = 0; j < u.ny(); ++j)
      for (int i = 0; i < u.nx(); ++i) u(i, j) = grid.lon_deg(decomp.x_range().begin + i) < lon_deg ? 0.0 : 1.0;
  }
  core::Decomposition decomp;
  core::SphereGrid grid;
  std::vector<std::unique_ptr<core::Field>> fields;
  core::ComponentOutput out;
};
}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1, status = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  try {
    bool single = false, fixed = false;
    for (int a = 2; a < argc; ++a) {
      const std::string option = argv[a];
      if (option != "single" && option != "fixed")
        throw core::ConfigError(rank, "io_write_sample", "usage: io_write_sample DIR [single] [fixed]");
      (option == "single" ? single : fixed) = true;
    }
    if (argc < 2) throw core::ConfigError(rank, "io_write_sample", "usage: io_write_sample DIR [single] [fixed]");
    Sample atm(MPI_COMM_WORLD, "atmosphere", 36, 18, {{"t_atm", 1}, {"q", 3}});
    Sample ocn(MPI_COMM_WORLD, "ocean", 24, 12, {{"sst", 1}, {"ice", 1}, {"frac", 1}});
    ocn.out.fields[1].meta.coverage = "frac";
    if (fixed) ocn.out.fields[2].meta.fixed_by = "grid.mask";
    const io::HistoryPrecision precision =
        single ? io::HistoryPrecision::single_precision : io::HistoryPrecision::double_precision;
    io::OutputSettings settings{argv[1], 2, true, precision};
    if (fixed) settings.fixed_fields = io::FixedFields::own_file;
    // The fixed sample's XDMF includes its first two steps from a segment file: ParaView must see all three.
    if (fixed) settings.xdmf_steps_per_segment = 2;
    io::Hdf5Output out(MPI_COMM_WORLD, settings, {"0.1.0", "sample", "[run]\ndt = 3600\n", "d1", size, "sample"});
    for (long long step : {24, 48, 72}) {
      atm.fill(step);
      ocn.fill(step);
      ocn.fraction(2, 60.0);
      out.write_history(core::Clock(3600.0, 72, step), {atm.out, ocn.out});
    }
    out.write_restart(core::Clock(3600.0, 72, 72), {atm.out, ocn.out}, {{"run.dt", "3600", ""}});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    status = 1;
  }
  MPI_Finalize();
  return status;
}
