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

namespace meridian::core {

namespace {

std::string joined(const std::vector<int>& ranks) {
  std::string out;
  for (int r : ranks) out += (out.empty() ? "" : ",") + std::to_string(r);
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
  if (ranks == before) return 0.0;
  ScopedTimer timer("re-split");
  const double start = MPI_Wtime();
  const std::vector<Placement> target = concurrent_placements(ranks);
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
    for (const auto& c : components_) names += (names.empty() ? "" : ",") + c->name();
    char line[160];
    std::snprintf(line, sizeof line, " at step %lld: moved %.3g MiB of state in %.3g s", clock_.step(),
                  total_bytes / 1048576.0, seconds);
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
  measured[own_component()] = process_timers().total(components_[own_component()]->name()) - balance_.busy_mark;
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
                  "meridian: re-split at step %lld measured: %.4g -> %.4g ms per interval (%+.1f%%; predicted %.4g ms)\n",
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
  }
  start_balance_window(writes_seconds);
}

}  // namespace meridian::core
