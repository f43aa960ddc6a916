// Moving ranks between the components of the concurrent layout while the run goes on. At a coupling
// boundary the state is exactly what a restart file would hold (core/output_sink.hpp), so a re-split
// is a restart in memory onto other placements: every restart field travels from its old blocks to
// its new ones through a Redistribution (the coupler's own M x N machinery, refinement 1), the
// components are set up on their new ranks, given the moved values and restarted(). Values are
// moved, never recomputed, so the answers are those of a run that never re-split, bit for bit.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/core/redistribution.hpp"
#include "meridian/core/timers.hpp"
#include "text_list.hpp"

namespace meridian::core {

namespace {

std::string joined(const std::vector<int>& ranks) {
  std::string out;
  for (int r : ranks) append_item(out, std::to_string(r));
  return out;
}

}  // namespace

std::map<long long, std::vector<int>> Driver::parse_resplits() const {
  std::map<long long, std::vector<int>> out;
  const std::string text = config_.text("coupling.resplit");
  if (text.empty()) return out;
  const std::string key = "coupling.resplit";
  const auto fail = [&](const std::string& entry, const std::string& why) {
    throw ConfigError(rank_, key + " = '" + printable(text) + "'", "entry '" + printable(entry) + "' " + why);
  };
  if (!concurrent_) throw ConfigError(rank_, key, "re-splits move ranks between components: set coupling.layout = concurrent");
  std::istringstream entries(text);
  for (std::string entry; entries >> entry;) {
    const std::size_t colon = entry.find(':');
    if (colon == std::string::npos) fail(entry, "is not STEP:RANKS,RANKS,... (one rank count per component, in order)");
    long long step = -1;
    try {
      std::size_t used = 0;
      step = std::stoll(entry.substr(0, colon), &used);
      if (used != colon) step = -1;
    } catch (const std::exception&) {
      step = -1;
    }
    if (step <= 0 || step % coupling_steps_ != 0)
      fail(entry, "needs a step > 0 that is a multiple of coupling.every = " + std::to_string(coupling_steps_));
    std::vector<int> ranks;
    std::istringstream counts(entry.substr(colon + 1));
    int total = 0;
    for (std::string count; std::getline(counts, count, ',');) {
      int r = 0;
      try {
        std::size_t used = 0;
        r = std::stoi(count, &used);
        if (used != count.size()) r = 0;
      } catch (const std::exception&) {
        r = 0;
      }
      if (r < 1) fail(entry, "has rank count '" + printable(count) + "'; each component needs at least 1");
      ranks.push_back(r);
      total += r;
    }
    if (ranks.size() != components_.size() || total != size_)
      fail(entry, "needs " + std::to_string(components_.size()) + " rank counts (one per component, in order) adding up to " +
                      std::to_string(size_) + " ranks");
    concurrent_placements(ranks);  // throws the same error on every rank if a grid does not fit
    if (!out.emplace(step, ranks).second) fail(entry, "repeats step " + std::to_string(step));
  }
  return out;
}

std::vector<int> Driver::current_split() const {
  std::vector<int> ranks;
  for (const Slot& s : slots_) ranks.push_back(s.placement.ranks());
  return ranks;
}

double Driver::resplit(const std::vector<int>& ranks, const std::string& why) {
  const std::vector<int> before = current_split();
  const std::vector<Placement> target = concurrent_placements(ranks);
  std::string recut;  // components whose blocks change with the same ranks
  bool moves = false;
  for (std::size_t n = 0; n < slots_.size(); ++n)
    if (!same_blocks(slots_[n].placement, target[n])) {
      moves = true;
      if (ranks[n] == before[n]) append_item(recut, components_[n]->name());
    }
  if (!moves) return 0.0;
  ScopedTimer timer("re-split");
  const double start = MPI_Wtime();
  // 1. Every component's restart fields (its own and the coupler's sums for it), moved onto the new
  //    blocks, values per cell interleaved in the order outputs() lists them.
  std::vector<std::vector<double>> moved(slots_.size());
  std::vector<int> counts(slots_.size(), 0);
  double bytes = 0;
  {
    const std::vector<ComponentOutput> old = outputs();
    for (std::size_t n = 0; n < slots_.size(); ++n) {
      std::vector<const Field*> fields;
      for (std::size_t k = 0; k < old[n].fields.size(); ++k) {
        const FieldEntry& f = old[n].fields[k];
        if (!f.meta.restart) continue;
        if (slots_[n].info.nz[k] != 1)
          throw Error(rank_, "re-split", components_[n]->name() + "." + f.meta.name + " has " +
                                             std::to_string(slots_[n].info.nz[k]) + " levels; only 2-D fields can move yet");
        fields.push_back(f.field);
        ++counts[n];
      }
      if (counts[n] == 0) continue;
      Redistribution route(comm_, slots_[n].placement, target[n], 1, counts[n]);
      route.gather_start(runs_here(n) ? fields : std::vector<const Field*>{});
      moved[n] = route.gather_finish();
      bytes += double(moved[n].size()) * sizeof(double);
    }
  }
  // 2. The new layout: communicators, blocks, set-up, mediators and the coupler's routes.
  coupler_.reset();
  place(ranks);
  set_up();
  // 3. The moved state into the new fields, then each component refreshes what derives from it.
  const std::vector<ComponentOutput> now = outputs();
  for (std::size_t n = 0; n < slots_.size(); ++n) {
    if (!runs_here(n)) continue;
    const Decomposition& d = *slots_[n].decomposition;
    int v = 0;
    for (const FieldEntry& f : now[n].fields) {
      if (!f.meta.restart) continue;
      Field& field = *f.field;
      std::size_t cell = 0;
      for (int j = 0; j < d.ny_local(); ++j)
        for (int i = 0; i < d.nx_local(); ++i, ++cell) field(i, j) = moved[n][cell * std::size_t(counts[n]) + std::size_t(v)];
      ++v;
    }
    components_[n]->restarted(clock_.time());
  }
  double total_bytes = bytes, seconds = MPI_Wtime() - start;
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &total_bytes, 1, MPI_DOUBLE, MPI_SUM, comm_), comm_);
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, comm_), comm_);
  splits_.push_back({clock_.step(), ranks});
  if (log_) {
    std::string names;
    for (const auto& c : components_) append_item(names, c->name());
    char line[160];
    std::snprintf(line, sizeof line, " at step %lld: moved %.3g MiB of state in %.3g s", clock_.step(),
                  total_bytes / 1048576.0, seconds);
    if (ranks == before)
      *log_ << "meridian: re-cut the blocks of " << recut << " by measured cost" << line << (why.empty() ? "" : "; " + why)
            << "\n";
    else
      *log_ << "meridian: re-split " << names << " " << joined(before) << " -> " << joined(ranks) << line
            << (why.empty() ? "" : "; " + why) << "\n";
  }
  return seconds;
}

std::size_t Driver::own_component() const {
  for (std::size_t n = 0; n < slots_.size(); ++n)
    if (runs_here(n)) return n;
  return 0;
}

void Driver::start_balance_window(double writes_seconds) {
  balance_.intervals = 0;
  balance_.busy_mark = process_timers().total(components_[own_component()]->name());
  balance_.wall_mark = MPI_Wtime();
  balance_.writes_mark = writes_seconds;
}

// coupling.rebalance = auto. Each component's busy time over the window, summed over its ranks, is the
// work it needs per interval; the split minimising the largest work per rank (resolve_split, ranks
// pinned by <name>.ranks stay) is taken when it saves more than coupling.rebalance_gain of the
// interval and, over the next ten windows (or the rest of the run), more than the last move cost.
// Every rank decides from the same reduced numbers, so all take the same split; where the ranks go
// never changes an answer.
void Driver::rebalance_if_due(double writes_seconds) {
  if (balance_.every == 0 || ++balance_.intervals < balance_.every) return;
  const std::size_t n_comp = components_.size();
  std::vector<double> measured(n_comp + 1, 0.0);
  const double own_busy = process_timers().total(components_[own_component()]->name()) - balance_.busy_mark;
  measured[own_component()] = own_busy;
  measured[n_comp] = (MPI_Wtime() - balance_.wall_mark) - (writes_seconds - balance_.writes_mark);
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, measured.data(), int(measured.size()), MPI_DOUBLE, MPI_SUM, comm_), comm_);
  const double per = 1.0 / double(balance_.intervals);
  const double interval_time = measured[n_comp] / double(size_) * per;
  std::vector<double> work(measured.begin(), measured.begin() + std::ptrdiff_t(n_comp));
  for (double& w : work) w *= per;
  const auto slowest = [&](const std::vector<int>& ranks) {
    double t = 0;
    for (std::size_t n = 0; n < n_comp; ++n) t = std::max(t, work[n] / ranks[n]);
    return t;
  };
  if (balance_.judging && log_) {
    char line[200];
    std::snprintf(line, sizeof line,
                  "meridian: %s at step %lld measured: %.4g -> %.4g ms per interval (%+.1f%%; predicted %.4g ms)\n",
                  splits_.size() > 1 && splits_.back().ranks == splits_[splits_.size() - 2].ranks ? "re-cut" : "re-split",
                  splits_.back().step, 1e3 * balance_.before, 1e3 * interval_time,
                  100.0 * (balance_.before - interval_time) / balance_.before, 1e3 * balance_.predicted);
    *log_ << line;
  }
  balance_.judging = false;
  const std::vector<int> split = current_split();
  std::vector<std::string> names;
  for (const auto& c : components_) names.push_back(c->name());
  std::vector<int> best = resolve_split(config_, names, size_, work);
  try {
    concurrent_placements(best);
  } catch (const ConfigError&) {
    best = split;  // the same arithmetic on every rank: every rank keeps the split
  }
  const double now = slowest(split), next = slowest(best), saving = now - next;
  // The saving is counted over the rest of the run, but at most ten windows: costs drift.
  const double horizon = std::min(double(10 * balance_.every),
                                  double(clock_.total_steps() - clock_.step()) / double(coupling_steps_));
  if (best != split && saving > balance_.gain * now && saving * horizon > balance_.move_seconds) {
    char why[160];
    std::snprintf(why, sizeof why, "predicted %.4g -> %.4g ms per interval (%.1f%% of the slowest component's time)",
                  1e3 * interval_time, 1e3 * (interval_time - saving), 100.0 * saving / now);
    balance_.before = interval_time;
    balance_.predicted = interval_time - saving;
    balance_.move_seconds = resplit(best, why);
    balance_.judging = true;
  } else if (const double recut_saving = recut_if_worth(own_busy, per, horizon); recut_saving > 0) {
    balance_.before = interval_time;
    balance_.predicted = interval_time - recut_saving;  // if the re-cut component was the slowest
    balance_.judging = true;
  }
  start_balance_window(writes_seconds);
}

// Each rank's busy time is spread over the cells of its block in proportion to their cost: a cost
// map in seconds per interval. Re-cut by it, a component's slowest block would take the most any new
// block's cells add up to; the re-cut is taken on the same terms as a move of ranks (gain, horizon,
// last move's cost). Every rank computes alike from the gathered times, so all re-cut alike.
double Driver::recut_if_worth(double own_busy, double per_interval, double horizon) {
  bool weighted = false;
  for (const Slot& s : slots_) weighted = weighted || (s.weighted && s.placement.ranks() > 1);
  if (!weighted) return 0.0;
  std::vector<double> busy(std::size_t(size_), 0.0);
  MERIDIAN_MPI(MPI_Allgather(&own_busy, 1, MPI_DOUBLE, busy.data(), 1, MPI_DOUBLE, comm_), comm_);
  std::vector<std::vector<double>> costs(slots_.size());
  std::string why;
  double best_saving = 0;
  for (std::size_t n = 0; n < slots_.size(); ++n) {
    const Slot& s = slots_[n];
    if (!s.weighted || s.placement.ranks() < 2) continue;
    const Placement& p = s.placement;
    const int nx = s.grid->nx();
    std::vector<double> cost = s.cell_cost;
    const auto block_cost = [&](const Placement& on, int r) {
      const IndexRange x = on.x_range(r), y = on.y_range(r);
      double sum = 0;
      for (int j = y.begin; j < y.end; ++j)
        for (int i = x.begin; i < x.end; ++i) sum += cost[std::size_t(j) * std::size_t(nx) + std::size_t(i)];
      return sum;
    };
    double now = 0;
    for (int r = p.first_rank; r < p.first_rank + p.ranks(); ++r) {
      const IndexRange x = p.x_range(r), y = p.y_range(r);
      const double block = block_cost(p, r);
      const double seconds = busy[std::size_t(r)] * per_interval;
      now = std::max(now, seconds);
      const double rate = block > 0 ? seconds / block : 0.0;
      for (int j = y.begin; j < y.end; ++j)
        for (int i = x.begin; i < x.end; ++i) cost[std::size_t(j) * std::size_t(nx) + std::size_t(i)] *= rate;
    }
    Placement next;
    try {
      next = placement_of(n, p.ranks(), p.first_rank, cost);
    } catch (const ConfigError&) {
      continue;  // the same arithmetic on every rank: every rank keeps the blocks
    }
    double predicted = 0;
    for (int r = next.first_rank; r < next.first_rank + next.ranks(); ++r) predicted = std::max(predicted, block_cost(next, r));
    const double saving = now - predicted;
    if (same_blocks(next, p) || saving <= balance_.gain * now || saving * horizon <= balance_.move_seconds) continue;
    costs[n] = std::move(cost);
    best_saving = std::max(best_saving, saving);
    char line[200];
    std::snprintf(line, sizeof line, "%s%s's slowest block predicted %.4g -> %.4g ms per interval", why.empty() ? "" : "; ",
                  components_[n]->name().c_str(), 1e3 * now, 1e3 * predicted);
    why += line;
  }
  if (why.empty()) return 0.0;
  for (std::size_t n = 0; n < slots_.size(); ++n)
    if (!costs[n].empty()) slots_[n].cell_cost = std::move(costs[n]);
  balance_.move_seconds = resplit(current_split(), why);
  return best_saving;
}

}  // namespace meridian::core
