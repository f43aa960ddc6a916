#include "meridian/core/driver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <ostream>
#include <set>

#include "diagnostics_file.hpp"
#include "meridian/core/agreement.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/time_step.hpp"
#include "meridian/core/timers.hpp"

namespace meridian::core {

namespace {

int widest_halo(const std::vector<std::unique_ptr<Component>>& components) {
  int w = 1;
  for (const auto& c : components) w = std::max(w, c->halo_width());
  return w;
}

std::string diagnostics_path(const Config& c) { return c.text("output.dir") + "/diagnostics.csv"; }

// Decomposition::describe() for a placement this rank may not be part of.
std::string describe(const Placement& p) { return describe_blocks(p.layout ? *p.layout : BlockLayout(p.grid, p.pgrid)); }

}  // namespace

Driver::Driver(MPI_Comm comm, const Config& config, std::vector<std::unique_ptr<Component>> components,
               std::vector<std::unique_ptr<Mediator>> mediators, std::ostream* log, std::vector<double> work)
    : comm_(comm),
      config_(config),
      components_(std::move(components)),
      mediators_(std::move(mediators)),
      log_(log),
      concurrent_(config.text("coupling.layout") == "concurrent"),
      clock_(config.real("run.dt"), config.integer("run.steps")),
      coupling_steps_(config.integer("coupling.every")) {
  MERIDIAN_MPI(MPI_Comm_rank(comm, &rank_), comm);
  MERIDIAN_MPI(MPI_Comm_size(comm, &size_), comm);
  if (components_.empty()) throw ConfigError(rank_, "driver", "a run needs at least one component");
  for (const auto& m : mediators_) {
    const std::string key = m->name() + ".host";
    const std::string host = config_.text(key);
    std::size_t h = 0;
    while (!host.empty() && h < components_.size() && components_[h]->name() != host) ++h;
    if (h == components_.size()) {
      std::string names;
      for (const auto& c : components_) names += (names.empty() ? "" : ", ") + c->name();
      throw ConfigError(rank_, key + " = '" + printable(host) + "'", "is not a component of this run (" + names + ")");
    }
    hosts_.push_back(h);
  }
  lay_out(work);
  plan_ = resolve_couplings(config_, coupling_parties());  // config alone: fails before any allocation
  const double set_up_start = MPI_Wtime();
  set_up();
  double set_up_seconds = MPI_Wtime() - set_up_start;
  state_settings_ = describe_state();
  scheduled_splits_ = parse_resplits();
  for (const auto& c : components_) {
    const std::string key = c->name() + ".synthetic_cost";
    if (!config_.has(key)) {
      synthetic_.push_back({});
      continue;
    }
    synthetic_.push_back({config_.real(key), config_.real(c->name() + ".synthetic_swing"),
                          config_.real(c->name() + ".synthetic_period"), config_.real(c->name() + ".synthetic_tilt")});
  }
  if (config_.has("coupling.rebalance") && config_.text("coupling.rebalance") == "auto") {
    if (!concurrent_)
      throw ConfigError(rank_, "coupling.rebalance = auto", "moves ranks between components: set coupling.layout = concurrent");
    balance_.every = config_.integer("coupling.rebalance_every");
    balance_.gain = config_.real("coupling.rebalance_gain");
    // Until a move is measured, its cost is guessed as one set-up (most of what a move does).
    MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &set_up_seconds, 1, MPI_DOUBLE, MPI_MAX, comm_), comm_);
    balance_.move_seconds = set_up_seconds;
  }
}

// Every component and mediator as the coupling rules see them: components first, in order.
std::vector<CouplingParty> Driver::coupling_parties() const {
  std::vector<CouplingParty> parties;
  for (std::size_t n = 0; n < components_.size(); ++n)
    parties.push_back({components_[n]->name(), false, components_[n]->imports(), components_[n]->exports(),
                       slots_[n].refine, n});
  for (std::size_t m = 0; m < mediators_.size(); ++m)
    parties.push_back({mediators_[m]->name(), true, mediators_[m]->imports(), mediators_[m]->exports(),
                       slots_[hosts_[m]].refine, hosts_[m]});
  return parties;
}

// Sets up every component on its ranks and every mediator on its host's, then plans the coupler.
void Driver::set_up() {
  for (std::size_t n = 0; n < components_.size(); ++n) {
    Slot& s = slots_[n];
    std::string error;
    if (s.decomposition) {
      const ComponentContext context{config_, *s.decomposition, *s.grid, clock_.dt()};
      if (!concurrent_) {
        components_[n]->setup(context);  // every rank sets it up, so every rank fails alike
      } else {
        try {
          components_[n]->setup(context);
        } catch (const ConfigError& e) {
          error = (e.context().empty() ? "" : e.context() + ": ") + e.message();
        }
      }
    }
    // In concurrent layout only the component's ranks saw the error: all ranks throw it alike.
    if (concurrent_) throw_config_error_if_any(error, comm_);
  }
  for (std::size_t n = 0; n < components_.size(); ++n) {
    Slot& s = slots_[n];
    if (s.decomposition) s.info = describe_component(*components_[n]);
    if (concurrent_) s.info = broadcast_info(s.info, s.placement.first_rank, comm_);
  }
  std::string error;
  for (std::size_t m = 0; m < mediators_.size(); ++m) {
    const Slot& host = slots_[hosts_[m]];
    if (host.decomposition) try {
        mediators_[m]->setup({config_, *host.decomposition, *host.grid});
      } catch (const ConfigError& e) {
        error = (e.context().empty() ? "" : e.context() + ": ") + e.message();
      }
  }
  throw_config_error_if_any(error, comm_);
  std::vector<CouplingParty> declared = coupling_parties();
  std::vector<CouplerParty> parties;
  for (std::size_t p = 0; p < declared.size(); ++p) {
    const bool mediator = declared[p].mediator;
    const std::size_t n = mediator ? hosts_[p - components_.size()] : p;
    const Slot& s = slots_[n];
    CouplerParty party{std::move(declared[p]), s.placement, s.grid.get(), s.decomposition.get(), nullptr, nullptr};
    if (s.decomposition) {
      if (mediator) party.mediator = mediators_[p - components_.size()].get();
      else party.component = components_[n].get();
    }
    parties.push_back(std::move(party));
  }
  coupler_.emplace(comm_, std::move(parties), plan_, double(coupling_steps_) * clock_.dt());
  // The coupler's interval sums are restart state of the component whose export they sum.
  for (std::size_t n = 0; n < components_.size(); ++n)
    for (const FieldEntry& f : coupler_->state(n)) {
      slots_[n].info.fields.push_back(f.meta);
      slots_[n].info.nz.push_back(1);
    }
}

// Grids, masks, rank split and decompositions. Every check is arithmetic done alike on every rank,
// before any message, so every rank throws the same ConfigError.
void Driver::lay_out(const std::vector<double>& work) {
  const int nx = int(config_.integer("grid.nx")), ny = int(config_.integer("grid.ny"));
  const ProcessGrid requested{int(config_.integer("decomp.px")), int(config_.integer("decomp.py"))};
  std::vector<std::string> names;
  for (const auto& c : components_) {
    Slot s;
    const std::string refine_key = c->name() + ".refine";
    s.refine = config_.has(refine_key) ? int(config_.integer(refine_key)) : 1;
    s.grid = std::make_unique<SphereGrid>(nx * s.refine, ny * s.refine);
    // A synthetic cost sleeps for the cells that cost, as the real work would.
    const std::string synthetic = c->name() + ".synthetic_cost";
    if (config_.has(synthetic) && config_.real(synthetic) > 0) s.static_cost = c->cell_costs(config_, *s.grid);
    names.push_back(c->name());
    slots_.push_back(std::move(s));
  }
  if (!concurrent_) {
    const int halo = widest_halo(components_);
    for (Slot& s : slots_) {
      s.decomposition = std::make_unique<Decomposition>(comm_, GlobalGrid{s.grid->nx(), s.grid->ny(), true, false},
                                                        requested, halo);
      s.placement = {s.decomposition->grid(), s.decomposition->process_grid(), 0};
    }
    return;
  }
  if (requested.px != 0 || requested.py != 0)
    throw ConfigError(rank_, "coupling.layout = concurrent",
                      "decomp.px = " + std::to_string(requested.px) + " and decomp.py = " + std::to_string(requested.py) +
                          " apply to the sequential layout only; in the concurrent layout each component's process "
                          "grid is automatic (set both to 0)");
  for (std::size_t n = 0; n < slots_.size(); ++n) read_block_options(n);
  std::vector<double> cost = work;
  if (cost.size() != slots_.size()) {
    cost.clear();
    for (const Slot& s : slots_) {
      double cells = 0;
      for (double c : s.cell_cost) cells += c > 0 ? 1 : 0;
      cost.push_back(s.drop_empty ? cells : double(s.grid->nx()) * s.grid->ny());
    }
  }
  place(resolve_split(config_, names, size_, cost));
}

// "<name>.blocks" and "<name>.drop_empty_blocks": the component's cell costs, asked for only when used.
void Driver::read_block_options(std::size_t n) {
  Slot& s = slots_[n];
  const std::string name = components_[n]->name();
  s.weighted = config_.text(name + ".blocks") == "weighted";
  s.drop_empty = config_.boolean(name + ".drop_empty_blocks");
  if (!s.weighted && !s.drop_empty) return;
  if (s.static_cost.empty()) s.static_cost = components_[n]->cell_costs(config_, *s.grid);
  s.cell_cost = s.static_cost;
  if (s.cell_cost.empty())
    throw ConfigError(rank_, s.drop_empty ? name + ".drop_empty_blocks = true" : name + ".blocks = weighted",
                      name + " gives no cell costs, so every cell costs the same: remove the option");
  if (s.cell_cost.size() != std::size_t(s.grid->nx()) * std::size_t(s.grid->ny()))
    throw Error(rank_, name + ".cell_costs", "gave " + std::to_string(s.cell_cost.size()) + " values for a " +
                                                 std::to_string(s.grid->nx()) + "x" + std::to_string(s.grid->ny()) +
                                                 " grid");
}

// Where each component of the concurrent layout runs with `ranks` ranks each (consecutive, in order).
// Arithmetic only, the same on every rank: throws the same ConfigError everywhere for a split in
// which a component's grid has no process grid with blocks as wide as its halo.
std::vector<Placement> Driver::concurrent_placements(const std::vector<int>& ranks) const {
  std::vector<Placement> out;
  int first = 0;
  for (std::size_t n = 0; n < slots_.size(); ++n) {
    out.push_back(placement_of(n, ranks[n], first, slots_[n].cell_cost));
    first += ranks[n];
  }
  return out;
}

// Component n on `ranks` ranks from run rank `first`, its blocks weighted by `cost` where it asks.
Placement Driver::placement_of(std::size_t n, int ranks, int first, const std::vector<double>& cost) const {
  const Slot& s = slots_[n];
  const GlobalGrid g{s.grid->nx(), s.grid->ny(), true, false};
  const int need = std::max(1, components_[n]->halo_width());
  ProcessGrid p = ranks >= 1 ? automatic_process_grid(g.nx, g.ny, ranks) : ProcessGrid{0, 0};
  // Dropping empty blocks: a finer block grid whose costly blocks are exactly the ranks given, if any.
  const ProcessGrid dropping =
      s.drop_empty && ranks >= 1 ? process_grid_dropping_empty(g, ranks, cost, s.weighted, need) : ProcessGrid{0, 0};
  if (dropping.px > 0) p = dropping;
  if (ranks < 1 || (dropping.px == 0 && p.px * p.py != ranks) || g.nx / p.px < need || g.ny / p.py < need)
    throw ConfigError(rank_, "coupling.layout = concurrent",
                      components_[n]->name() + " on " + std::to_string(ranks) + " ranks: the " + std::to_string(g.nx) +
                          "x" + std::to_string(g.ny) + " grid has no process grid with blocks of at least " +
                          std::to_string(need) + " cells (its halo width); give it fewer ranks");
  Placement placement{g, p, first};
  if (s.weighted || dropping.px > 0)
    placement.layout = std::make_shared<const BlockLayout>(g, p, cost, s.weighted, dropping.px > 0, need);
  return placement;
}

// Concurrent layout: each component on its ranks, this rank's own with its communicator and blocks.
void Driver::place(const std::vector<int>& ranks) {
  const std::vector<Placement> placements = concurrent_placements(ranks);
  int mine = -1;
  for (std::size_t n = 0; n < slots_.size(); ++n) {
    Slot& s = slots_[n];
    s.placement = placements[n];
    s.comm = Comm();
    s.decomposition.reset();
    if (s.placement.holds(rank_)) mine = int(n);
  }
  Comm own = Comm::split(comm_, mine, rank_);
  Slot& s = slots_[std::size_t(mine)];
  s.comm = std::move(own);
  s.decomposition = s.placement.layout
                        ? std::make_unique<Decomposition>(s.comm.get(), *s.placement.layout)
                        : std::make_unique<Decomposition>(s.comm.get(), s.placement.grid, s.placement.pgrid,
                                                          std::max(1, components_[std::size_t(mine)]->halo_width()));
}

std::string Driver::describe_layout() const {
  std::string out = concurrent_ ? "concurrent layout:" : describe(slots_[0].placement) + " (sequential layout)";
  for (std::size_t n = 0; n < slots_.size(); ++n) {
    const Slot& s = slots_[n];
    if (concurrent_)
      out += std::string(n ? "," : "") + " " + components_[n]->name() + " " + std::to_string(s.placement.ranks()) +
             (s.placement.ranks() == 1 ? " rank (" : " ranks (") + describe(s.placement) + ")";
    if (s.refine > 1)
      out += "; " + components_[n]->name() + " on a " + std::to_string(s.grid->nx()) + "x" +
             std::to_string(s.grid->ny()) + " grid (refine " + std::to_string(s.refine) + ")";
  }
  return out;
}

std::vector<std::string> Driver::describe_couplings() const {
  const std::vector<CouplingParty> parties = coupling_parties();
  std::vector<std::string> lines;
  for (const Coupling& c : plan_.couplings) {
    const char* time = c.time == TimeOperation::instant ? "instant" : c.time == TimeOperation::mean ? "mean" : "accumulate";
    std::string regrid = c.regrid == Regrid::identity ? "identity" : "conservative";
    if (c.from_refine != c.to_refine)
      regrid += std::string(" ") + std::to_string(c.from_refine) + "x -> " + std::to_string(c.to_refine) + "x";
    lines.push_back(c.key + " <- " + parties[c.from].name + "." + c.source + " (" + c.units + "; " + regrid + ", " +
                    time + ")");
  }
  return lines;
}

std::string Driver::describe_time_steps() const {
  std::string out;
  for (std::size_t n = 0; n < slots_.size(); ++n) {
    const ComponentInfo& c = slots_[n].info;
    char stable[64] = " (no stability limit)";
    if (std::isfinite(c.stable_time_step)) std::snprintf(stable, sizeof stable, " (stable up to %.4g s)", c.stable_time_step);
    out += (n ? ", " : "") + components_[n]->name() + " " + format_seconds(c.time_step) + stable;
  }
  return out;
}

void Driver::validate() const {
  const double dt = clock_.dt();
  const double interval = double(coupling_steps_) * dt;
  const auto fail = [&](const std::string& m) { throw ConfigError(rank_, "", m); };
  const auto seconds = format_seconds;
  for (const Slot& s : slots_) {
    const ComponentInfo& c = s.info;
    const double step = c.time_step;
    const double ratio = step / dt;
    if (!(ratio >= 1) || ratio != std::round(ratio))
      fail(c.time_step_key + " = " + seconds(step) + " is not a whole multiple of run.dt = " + seconds(dt));
    const double per_interval = interval / step;
    if (per_interval != std::round(per_interval))
      fail("coupling.every = " + std::to_string(coupling_steps_) + " steps (" + seconds(interval) +
           ") is not a whole multiple of " + c.time_step_key + " = " + seconds(step));
    const double stable = c.stable_time_step;
    if (step > stable)
      fail(c.time_step_key + " = " + seconds(step) + " is unstable for this grid; the largest stable step is " +
           seconds(stable) + " (reduce it, or run.dt)");
  }
  for (const auto& m : mediators_) {
    const double stable = m->stable_interval(config_);
    if (interval > stable)
      fail("coupling.every = " + std::to_string(coupling_steps_) + " steps (" + seconds(interval) +
           ") is longer than the stable coupling interval " + seconds(stable) + " of " + m->name() +
           (m->stable_interval_reason().empty() ? "" : " (" + m->stable_interval_reason() + ")"));
  }
  for (const char* key : {"run.steps", "output.every", "restart.every", "diagnostics.every", "run.progress_every"}) {
    const long long v = config_.integer(key);
    if (v > 0 && v % coupling_steps_ != 0)
      fail(std::string(key) + " = " + std::to_string(v) + " is not a multiple of coupling.every = " +
           std::to_string(coupling_steps_) + " (output happens between coupling intervals)");
  }
}

std::vector<ComponentOutput> Driver::outputs() {
  std::vector<ComponentOutput> out;
  for (std::size_t n = 0; n < components_.size(); ++n) {
    const Slot& s = slots_[n];
    ComponentOutput o{components_[n]->name(), s.decomposition.get(), s.grid.get(), {}};
    if (runs_here(n)) {
      o.fields = components_[n]->fields();
      for (const FieldEntry& f : coupler_->state(n)) o.fields.push_back(f);
    } else {
      for (const FieldMetadata& m : s.info.fields) o.fields.push_back({m, nullptr});
    }
    out.push_back(std::move(o));
  }
  return out;
}

double Driver::total_energy() const {
  ExactAccumulator joules;
  for (std::size_t n = 0; n < components_.size(); ++n)
    if (runs_here(n)) components_[n]->add_energy(joules);
  return reproducible_sums({joules}, comm_)[0];
}

std::size_t Driver::field_bytes_per_rank(bool history_copy) {
  std::size_t bytes = 0;
  for (std::size_t n = 0; n < components_.size(); ++n) {
    if (!runs_here(n)) continue;
    const std::vector<FieldEntry> fields = components_[n]->fields();
    const std::set<std::string> copied = history_field_names(fields);
    for (const FieldEntry& f : fields)
      if (!history_copy || copied.count(f.meta.name)) bytes += f.field->size() * sizeof(double);
  }
  return bytes;
}

std::size_t Driver::history_bytes_per_output(std::size_t* fixed_once) {
  const std::size_t value_bytes = config_.text("output.precision") == "single" ? sizeof(float) : sizeof(double);
  const bool own_file = config_.text("output.fixed_fields") == "own_file";  // written once, not per output
  std::size_t bytes = 0, once = 0;
  for (const Slot& s : slots_) {
    const std::size_t cells = std::size_t(s.grid->nx()) * s.grid->ny();
    (own_file ? once : bytes) += cells * sizeof(double);  // cell areas stay double
    for (std::size_t k = 0; k < s.info.fields.size(); ++k) {
      if (!s.info.fields[k].output) continue;
      const std::size_t field = cells * s.info.nz[k] * value_bytes;
      (own_file && !s.info.fields[k].fixed_by.empty() ? once : bytes) += field;
    }
  }
  if (fixed_once) *fixed_once = once;
  return bytes;
}

void Driver::open_diagnostics(bool continues) {
  std::string error;
  if (rank_ == 0) {
    try {
      diagnostics_file_ = std::make_shared<DiagnosticsFile>(diagnostics_path(config_), continues ? clock_.step() : -1);
    } catch (const ConfigError& e) {
      error = e.message();
    }
  }
  throw_config_error_if_any(error, comm_);
  diagnostics_opened_ = true;
}

ExactAccumulator Driver::energy_input() const {
  ExactAccumulator joules;
  for (std::size_t n = 0; n < components_.size(); ++n)
    if (runs_here(n)) components_[n]->add_energy_input(joules);
  return joules;
}

// Where the budget's first row counts from: the last row of the run this one continues, since the
// components' input counts (restart state) run from there. Its total energy is in the kept rows of
// diagnostics.csv; without them (a new output folder) it is the restored total less the input
// counted since, which differs from the true one by that stretch's residual: round-off.
void Driver::start_budget(double energy) {
  // A new run has counted nothing yet; a restored one sums what its restart carried (collective).
  const double counted = restored_ ? reproducible_sums({energy_input()}, comm_)[0] : 0.0;
  if (rank_ != 0) return;
  budget_ = {.energy = energy - counted, .time = clock_.time()};
  if (restored_ && diagnostics_file_) {
    const auto kept_energy = diagnostics_file_->last_kept("total_energy");
    const auto kept_time = diagnostics_file_->last_kept("time");
    if (kept_energy && kept_time && diagnostics_file_->last_kept("energy_in"))
      budget_ = {.energy = *kept_energy, .time = *kept_time};
  }
}

void Driver::write_diagnostics() {
  // Every rank lists every component's means (zero where it does not run) so the sums line up.
  std::vector<GlobalMean> means;
  ExactAccumulator joules;
  for (std::size_t n = 0; n < components_.size(); ++n) {
    if (runs_here(n)) {
      components_[n]->add_diagnostics(means);
      components_[n]->add_energy(joules);
    } else {
      for (const std::string& name : slots_[n].info.diagnostics) means.push_back({name, {}, {}});
    }
  }
  std::vector<ExactAccumulator> sums;
  sums.push_back(joules);
  sums.push_back(energy_input());
  for (std::size_t n = 0; n < components_.size(); ++n)
    if (runs_here(n)) components_[n]->reset_energy_input();
  for (const GlobalMean& m : means) sums.push_back(m.weighted), sums.push_back(m.weight);
  const std::vector<double> total = reproducible_sums(std::move(sums), comm_);
  if (rank_ != 0) return;
  // The budget since the last row: what entered, how the total changed, and what neither explains.
  const double energy_in = total[1], change = total[0] - budget_.energy, residual = change - energy_in;
  const double seconds = clock_.time() - budget_.time;
  const double sphere = 4 * std::numbers::pi * slots_[0].grid->radius() * slots_[0].grid->radius();
  if (seconds > 0) budget_.net_in = energy_in / (sphere * seconds), budget_.residual = residual / (sphere * seconds);
  budget_.has_row = budget_.has_row || seconds > 0;
  budget_.energy = total[0];
  budget_.time = clock_.time();
  std::string header = "step,time,total_energy,energy_in,energy_change,budget_residual";
  for (const GlobalMean& m : means) header += ',' + m.name;
  char buf[128];
  std::string row = std::to_string(clock_.step());
  std::snprintf(buf, sizeof buf, ",%.17g,%.17g,%.17g,%.17g,%.17g", clock_.time(), total[0], energy_in, change, residual);
  row += buf;
  for (std::size_t m = 0; m < means.size(); ++m) {
    std::snprintf(buf, sizeof buf, ",%.17g", total[2 * m + 3] > 0 ? total[2 * m + 2] / total[2 * m + 3] : 0.0);
    row += buf;
  }
  // A failure is agreed on with the next stop agreement (agree_to_stop), not here: no extra collective.
  try {
    diagnostics_file_->write(header + '\n', row + '\n');
  } catch (const Error& e) {
    diagnostics_failure_ = e.context() + ": " + e.message();
  }
}

void Driver::finish_diagnostics() {
  if (rank_ == 0) try {
      diagnostics_file_->finish();
    } catch (const Error& e) {
      diagnostics_failure_ = e.context() + ": " + e.message();
    }
  agree_to_stop(nullptr);  // collective: a failure above is status 4 on every rank
}

}  // namespace meridian::core
