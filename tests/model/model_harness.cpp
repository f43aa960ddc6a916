#include "model_harness.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "meridian/core/driver.hpp"
#include "meridian/core/reproducible_sum.hpp"
#include "stock_model.hpp"

namespace meridian::test {

namespace {

class NullSink : public core::OutputSink {
 public:
  void write_history(const core::Clock&, const std::vector<core::ComponentOutput>&) override {}
  std::string write_restart(const core::Clock&, const std::vector<core::ComponentOutput>&,
                            const std::vector<core::StateSetting>&) override { return {}; }
  long long read_restart(const std::string&, const std::vector<core::ComponentOutput>&,
                         const std::vector<core::StateSetting>&) override { return 0; }
};

// Collective over `comm`: ranks where the component does not run (null decomposition) add zeros.
std::vector<double> gather(const core::ComponentOutput& c, const core::Field* f, MPI_Comm comm) {
  const int nx = c.grid->nx(), ny = c.grid->ny();
  std::vector<double> global(std::size_t(nx) * ny, 0.0);
  if (const core::Decomposition* d = c.decomposition)
    for (int j = 0; j < d->ny_local(); ++j)
      for (int i = 0; i < d->nx_local(); ++i)
        global[std::size_t(d->y_range().begin + j) * nx + d->x_range().begin + i] = (*f)(i, j);
  MPI_Allreduce(MPI_IN_PLACE, global.data(), int(global.size()), MPI_DOUBLE, MPI_SUM, comm);
  return global;
}

}  // namespace

ModelRun run_model(MPI_Comm comm, const std::string& ini, const std::vector<std::string>& overrides,
                   const std::string& output_dir) {
  // The stock model's components and options (apps/meridian/stock_model.cpp), so the tests run what users run.
  const app::Registry stock = stock::stock_registry();
  core::OptionRegistry registry = stock.declare_options();
  registry.set_defaults_from(stock.defaults(), stock.defaults_source());  // as app::run does: its couplings too
  std::vector<std::string> all = overrides;
  all.push_back("--output.dir=" + output_dir);
  all.push_back("--output.every=0");
  core::Config config = core::Config::resolve(registry, ini, "test", all);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) std::filesystem::create_directories(output_dir);
  MPI_Barrier(comm);
  auto components = stock.make_components(config);
  std::vector<core::Component*> taken;  // the driver owns them; the harness asks them for their input after the run
  for (const auto& c : components) taken.push_back(c.get());
  core::Driver driver(comm, config, std::move(components), stock.make_mediators(config), nullptr);
  driver.validate();
  NullSink sink;
  const core::RunSummary summary = driver.run(sink);
  ModelRun out;
  out.initial_energy = summary.initial_energy;
  out.final_energy = summary.final_energy;
  out.steps = summary.last_step;
  std::vector<core::ExactAccumulator> inputs(taken.size());
  for (const core::ComponentOutput& c : driver.outputs()) {
    for (const core::FieldEntry& f : c.fields)
      if (f.meta.restart) out.fields[c.name + "/" + f.meta.name] = gather(c, f.field, comm);
    for (std::size_t n = 0; n < taken.size(); ++n)  // only where the component runs on this rank
      if (c.decomposition && taken[n]->name() == c.name) taken[n]->add_energy_input(inputs[n]);
  }
  const std::vector<double> totals = core::reproducible_sums(inputs, comm);
  for (std::size_t n = 0; n < taken.size(); ++n) out.energy_input[taken[n]->name()] = totals[n];
  return out;
}

std::string first_difference(const ModelRun& a, const ModelRun& b) {
  if (a.fields.size() != b.fields.size()) return "different field sets";
  for (const auto& [name, values] : a.fields) {
    const auto& other = b.fields.at(name);
    for (std::size_t n = 0; n < values.size(); ++n)
      if (!(values[n] == other[n])) return name + " differs at cell " + std::to_string(n);
  }
  return {};
}

std::string config_file(const std::string& name) {
  std::ifstream in(std::string(MERIDIAN_SOURCE_DIR) + "/configs/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace meridian::test
