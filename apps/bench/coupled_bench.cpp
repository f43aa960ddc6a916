#include "coupled_bench.hpp"

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "meridian/core/config.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/output_sink.hpp"
#include "meridian/app/calibration.hpp"
#include "stock_model.hpp"  // apps/meridian: the one place that names the components
#include "redistribution_bench.hpp"
#include "scratch_dir.hpp"
#include "stream_bench.hpp"
#include "timing.hpp"

namespace meridian::bench {

namespace {
constexpr int default_repeats = 3;
constexpr int default_redistribution_repeats = 9;  // batches of ~20 ms: cheap beside the model runs
constexpr const char* redistributed_surface = "ocean";  // the surface that may run on a finer grid
constexpr int stream_repeats = 10;
constexpr double bytes_per_update = 16.0;  // as the stencil row: read once, write once
constexpr double seconds_per_day = 86400.0;

// Output costs are another benchmark's (io): the model runs with nothing written.
class NullSink : public core::OutputSink {
 public:
  void write_history(const core::Clock&, const std::vector<core::ComponentOutput>&) override {}
  std::string write_restart(const core::Clock&, const std::vector<core::ComponentOutput>&,
                            const std::vector<core::StateSetting>&) override { return {}; }
  long long read_restart(const std::string&, const std::vector<core::ComponentOutput>&,
                         const std::vector<core::StateSetting>&) override { return 0; }
};

// Collective: rank 0 reads the file, every rank gets its bytes, or the same ConfigError.
std::string read_on_rank0(const std::string& path, MPI_Comm comm) {
  int rank = 0;
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank), comm);
  std::string text;
  int ok = 1;
  if (rank == 0) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    ok = in ? 1 : 0;
    text = s.str();
  }
  MERIDIAN_MPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm), comm);
  if (!ok) throw core::ConfigError(-1, "meridian-bench", "cannot read --config '" + path + "'");
  int length = static_cast<int>(text.size());
  MERIDIAN_MPI(MPI_Bcast(&length, 1, MPI_INT, 0, comm), comm);
  text.resize(static_cast<std::size_t>(length));
  MERIDIAN_MPI(MPI_Bcast(text.data(), length, MPI_CHAR, 0, comm), comm);
  return text;
}

// The model's configuration with the benchmark's overrides: grid, steps and process grid from the
// command line where given, no history or restart files, diagnostics.csv into the scratch folder.
core::Config resolve_config(const Options& o, const std::string& output_dir, MPI_Comm comm) {
  const std::string ini = o.config.empty() ? std::string(default_model_config()) : read_on_rank0(o.config, comm);
  std::vector<std::string> overrides = {"--output.dir=" + output_dir, "--output.every=0", "--restart.every=0"};
  const auto set = [&](const char* key, int value) {
    if (value > 0) overrides.push_back(std::string("--") + key + "=" + std::to_string(value));
  };
  set("grid.nx", o.nx);
  set("grid.ny", o.ny);
  set("run.steps", o.steps);
  set("decomp.px", o.px);
  set("decomp.py", o.py);
  const app::Registry stock = stock::stock_registry();
  core::OptionRegistry registry = stock.declare_options();
  registry.set_defaults_from(stock.defaults(), stock.defaults_source());  // as app::run does: its couplings too
  return core::Config::resolve(registry, ini, o.config.empty() ? "configs/default.ini (built in)" : o.config,
                               overrides);
}

// One run of the model in `config`'s layout (core::Driver); in concurrent layout with automatic rank
// counts the split comes from the app's calibration, as in meridian itself. Setup is not timed.
// With `redistribution_repeats` > 0, the coupler's atmosphere <-> ocean route is then timed on the
// same driver's placements (t.redistribution), after the run so the model's figures are undisturbed.
CoupledTiming run_model(const core::Config& config, MPI_Comm comm, int redistribution_repeats) {
  const app::Registry stock = stock::stock_registry();
  std::vector<std::unique_ptr<core::Component>> components = stock.make_components(config);
  CoupledTiming t;
  std::vector<const core::Component*> models;  // owned by the driver below, alive until we return
  for (const auto& c : components) {
    t.components.push_back(c->name());
    models.push_back(c.get());
  }
  const std::vector<double> work = app::calibrate(config, comm, stock);
  core::Driver driver(comm, config, std::move(components), stock.make_mediators(config), nullptr, work);
  for (std::size_t n = 0; n < t.components.size(); ++n) {
    if (n) t.split += '+';
    t.split += std::to_string(driver.ranks_of(n));
  }
  driver.validate();
  NullSink sink;
  core::process_timers().clear();
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  const core::RunSummary summary = driver.run(sink);
  t.wall = max_over_ranks(MPI_Wtime() - t0, comm);
  t.phases = core::process_timers().summarise(comm);
  t.steps = summary.last_step - summary.first_step;
  t.dt = driver.clock().dt();
  // The atmosphere (first component) as the io layer sees it: grid and this rank's decomposition.
  const std::vector<core::ComponentOutput> outputs = driver.outputs();
  for (std::size_t n = 0; n < models.size(); ++n) {
    t.bytes_per_cell_step.push_back(models[n]->bytes_per_cell_step());
    t.component_dt.push_back(models[n]->time_step());
    t.component_cells.push_back(double(outputs[n].grid->nx()) * outputs[n].grid->ny());
    t.component_ranks.push_back(driver.ranks_of(n));
  }
  t.nx = outputs.front().grid->nx();
  t.ny = outputs.front().grid->ny();
  if (const core::Decomposition* d = outputs.front().decomposition)
    t.process_grid = std::to_string(d->process_grid().px) + "x" + std::to_string(d->process_grid().py);
  const auto surface = std::find(t.components.begin(), t.components.end(), redistributed_surface);
  if (redistribution_repeats > 0 && surface != t.components.end()) {
    const std::size_t n = std::size_t(surface - t.components.begin());
    t.redistribution = run_redistribution(driver, n, config.text("coupling.layout"), redistribution_repeats);
    t.redistribution->add("surface", *surface);
  }
  return t;
}

CoupledTiming run_layout(const std::string& layout, core::Config config, MPI_Comm comm, int redistribution_repeats) {
  config.set("coupling.layout", layout);
  return run_model(config, comm, redistribution_repeats);
}

// Phase times (mean over ranks) and fractions of the wall time. Components and the coupler are
// the driver's top-level phases; any other phase (e.g. a future "halo" timer) nests inside them.
void add_phases(Result& r, const CoupledTiming& t) {
  std::set<std::string> top(t.components.begin(), t.components.end());
  top.insert({"coupler", "output", "restart", "diagnostics"});
  double accounted = 0;
  bool halo_timed = false;
  for (const core::Timers::Row& p : t.phases) {
    std::string key = p.phase;  // "coupler wait" -> "coupler_wait_s": keys scripts can name
    std::replace(key.begin(), key.end(), ' ', '_');
    r.add(key + "_s", p.mean);
    r.add(key + "_fraction", p.mean / t.wall, 4);
    if (top.count(p.phase)) accounted += p.mean;
    halo_timed = halo_timed || p.phase == "halo";
  }
  r.add("other_s", t.wall - accounted);  // the driver's loop itself, timers, progress lines
  r.add("other_fraction", (t.wall - accounted) / t.wall, 4);
  // core times halo exchanges inside each component's advance: no separate figure exists.
  if (!halo_timed) r.add("halo", std::string("not timed separately (inside component times)"));
}

// Per component that states its traffic (sequential layout: it has every rank and the whole
// machine's bandwidth while it runs): the bytes its steps moved per second per rank, as a fraction
// of STREAM triad per rank. Its phase time includes its halo exchanges, so this is a lower bound on
// how close its sweeps come to memory speed.
void add_memory_speeds(Result& r, const CoupledTiming& t, double stream_gbs_per_rank) {
  for (std::size_t n = 0; n < t.components.size(); ++n) {
    const double bytes = t.bytes_per_cell_step[n];
    const auto phase = std::find_if(t.phases.begin(), t.phases.end(),
                                    [&](const core::Timers::Row& p) { return p.phase == t.components[n]; });
    if (bytes <= 0 || phase == t.phases.end() || phase->mean <= 0) continue;
    const double steps = double(t.steps) * t.dt / t.component_dt[n];
    const double gbs = bytes * t.component_cells[n] / t.component_ranks[n] * steps / phase->mean / 1e9;
    const std::string& name = t.components[n];
    r.add(std::string(name).append("_bytes_per_cell_step"), bytes);
    r.add(std::string(name).append("_gbs_per_rank"), gbs);
    r.add(std::string(name).append("_stream_fraction"), gbs / stream_gbs_per_rank, 4);
  }
}
}  // namespace

std::vector<Result> run_coupled(const Options& o, MPI_Comm comm) {
  int ranks = 1;
  MERIDIAN_MPI(MPI_Comm_size(comm, &ranks), comm);
  // STREAM first, on its own, as for the stencil.
  const double stream_gbs = stream_triad_gbs(comm, o.stream_mib, stream_repeats);
  const ScratchDir scratch(comm, o.dir);
  const core::Config config = resolve_config(o, scratch.path(), comm);
  const int repeats = o.repeats ? o.repeats : default_repeats;
  const int redistribution_repeats = o.repeats ? o.repeats : default_redistribution_repeats;
  const std::vector<std::string> layouts =
      o.layout == "both" ? std::vector<std::string>{"sequential", "concurrent"} : std::vector<std::string>{o.layout};
  std::vector<Result> results, models;
  for (const std::string& layout : layouts) {
    std::vector<CoupledTiming> runs;
    // The redistribution is timed once per layout, after its first run.
    for (int n = 0; n < repeats; ++n) runs.push_back(run_layout(layout, config, comm, n ? 0 : redistribution_repeats));
    const std::optional<Result> redistribution = runs.front().redistribution;
    std::sort(runs.begin(), runs.end(), [](const CoupledTiming& a, const CoupledTiming& b) { return a.wall < b.wall; });
    const CoupledTiming& t = runs[runs.size() / 2];  // the median run, with its own phase split
    MPI_Barrier(comm);  // nobody touches the scratch folder any more

    const double updates = double(t.nx) * t.ny * double(t.steps);
    const double per_rank = updates / t.wall / ranks / 1e6;
    const double stream_per_rank = stream_gbs / ranks * 1e9 / bytes_per_update / 1e6;
    const double simulated_days = double(t.steps) * t.dt / seconds_per_day;
    const std::string name = "coupled_" + layout + "_" + std::to_string(t.nx) + "x" + std::to_string(t.ny);
    Result r{name, ranks, "cell_updates_per_rank", "Mcells/s", per_rank, "stream_triad_16B_per_cell",
             stream_per_rank, per_rank / stream_per_rank, {}};
    r.add("seconds_per_simulated_day", t.wall / simulated_days);
    r.add("sypd", simulated_days / 365.0 / (t.wall / seconds_per_day));
    r.add("wall_s", t.wall);
    r.add("steps", double(t.steps), 12);
    r.add("dt_s", t.dt);
    add_phases(r, t);
    if (layout == "sequential") add_memory_speeds(r, t, stream_gbs / ranks);
    r.add("stream_gbs", stream_gbs);
    r.add("layout", layout);
    r.add("split", t.split);
    r.add("process_grid", t.process_grid);
    r.add("repeats", repeats);
    results.push_back(r);
    models.push_back(r);
    if (redistribution) results.push_back(*redistribution);
  }
  if (models.size() == 2) {
    // Same ranks, same model: time per simulated day, concurrent against sequential (> 1: concurrent wins).
    const double seq = models[0].value, conc = models[1].value;
    Result cmp{"coupled_layouts", ranks, "concurrent_throughput", "Mcells/s", conc, "sequential_throughput", seq,
               conc / seq, {}};
    results.push_back(cmp);
  }
  return results;
}

}  // namespace meridian::bench
