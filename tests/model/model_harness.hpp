#pragma once
// Runs the coupled model in-process on any communicator, so one mpiexec launch can compare a run on
// 1 rank with runs on several ranks and process grids, bit for bit, without touching files.
#include <mpi.h>

#include <map>
#include <string>
#include <vector>

namespace meridian::test {

struct ModelRun {
  // Every prognostic field gathered to a global nx*ny array (i fastest), on every rank of the comm.
  std::map<std::string, std::vector<double>> fields;
  // Per component, the energy that entered it through the system's boundary (sunlight absorbed less
  // radiation to space, J, global) since the driver last reset it (Component::add_energy_input),
  // taken once more after the run. With the driver taking it at no diagnostics row, the whole run's.
  std::map<std::string, double> energy_input;
  double initial_energy = 0, final_energy = 0;
  long long steps = 0;
};

// Runs `ini` (INI text) with `overrides` on `comm` with no file output (diagnostics and timing go to
// `output_dir`). Collective over comm.
ModelRun run_model(MPI_Comm comm, const std::string& ini, const std::vector<std::string>& overrides,
                   const std::string& output_dir);

// "" if both runs hold the same fields with the same bits, else the first field and cell that differ.
std::string first_difference(const ModelRun& a, const ModelRun& b);

// The text of configs/<name>.
std::string config_file(const std::string& name);

}  // namespace meridian::test
