// The time loop and its reports; construction and validation are in driver.cpp.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <numbers>
#include <ostream>
#include <sstream>
#include <thread>

#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/health_check.hpp"
#include "meridian/core/input_file.hpp"
#include "meridian/core/mpi_handles.hpp"
#include "meridian/core/run_failure.hpp"
#include "meridian/core/timers.hpp"

namespace meridian::core {

namespace {

std::string hms(double seconds) {
  const long long s = std::llround(std::max(0.0, seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

}  // namespace

// What this rank has to say: asked to stop (1), rank 0 could not write the last diagnostics row (2),
// a mediator's imports were wrong (4).
int Driver::stop_bits(const volatile std::sig_atomic_t* flag) const {
  return ((flag && *flag) ? 1 : 0) | (diagnostics_failure_.empty() ? 0 : 2) | (coupler_->failure().empty() ? 0 : 4);
}

// One reduction, blocking: whether any rank was asked to stop, and whether rank 0 could not write the
// last diagnostics row (then every rank throws the same OutputError, status 4).
bool Driver::agree_to_stop(const volatile std::sig_atomic_t* flag) {
  const int local = stop_bits(flag);
  int any = 0;
  MERIDIAN_MPI(MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_BOR, comm_), comm_);
  return act_on_vote(any);
}

// The time loop's agreement, one coupling interval behind: the vote posted after interval k (an
// MPI_Iallreduce) is read after interval k + 1, by when it has long arrived, so no rank waits at a
// reduction every interval for the slowest one. A stop or a failure is acted on one interval later.
void Driver::post_stop_vote(const volatile std::sig_atomic_t* flag) {
  vote_local_ = stop_bits(flag);
  MERIDIAN_MPI(MPI_Iallreduce(&vote_local_, &vote_any_, 1, MPI_INT, MPI_BOR, comm_, vote_.ptr()), comm_);
}

bool Driver::collect_stop_vote() {
  if (vote_.get() == MPI_REQUEST_NULL) return false;
  MERIDIAN_MPI(MPI_Wait(vote_.ptr(), MPI_STATUS_IGNORE), comm_);
  return act_on_vote(vote_any_);
}

bool Driver::act_on_vote(int any) {
  if (any & 4) {  // a mediator's imports were wrong: the lowest such rank's message, on every rank
    int mine = coupler_->failure().empty() ? size_ : rank_, first = size_;
    MERIDIAN_MPI(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm_), comm_);
    std::string why = coupler_->failure();
    broadcast_string(why, first, comm_);
    throw NumericalError(rank_, why);
  }
  if (any & 2) {
    broadcast_string(diagnostics_failure_, 0, comm_);
    throw OutputError(rank_, "cannot write diagnostics: " + diagnostics_failure_ +
                                 "; the rows written before are intact");
  }
  return (any & 1) != 0;
}

// Rows cost exact sums over every cell: on small grids as much as the model's step, so by default
// one a simulated day (the nearest whole number of coupling intervals, at least one).
long long Driver::diagnostics_interval() const {
  const long long every = config_.integer("diagnostics.every");
  if (every > 0) return every;
  if (every == 0) return coupling_steps_;
  const double interval = double(coupling_steps_) * clock_.dt();
  return coupling_steps_ * std::max(1LL, std::llround(seconds_per_day / interval));
}

RunSummary Driver::run(OutputSink& sink, const volatile std::sig_atomic_t* stop_flag) {
  RunSummary summary;
  if (!diagnostics_opened_) open_diagnostics(restored_);
  summary.first_step = clock_.step();
  summary.initial_energy = total_energy();
  start_budget(summary.initial_energy);
  const long long diag_every = diagnostics_interval();
  const long long output_every = config_.integer("output.every");
  const long long restart_every = config_.integer("restart.every");
  long long progress_every = config_.integer("run.progress_every");
  if (progress_every == 0) {
    const long long span = std::max(1LL, (clock_.total_steps() - clock_.step()) / 10);
    progress_every = std::max(coupling_steps_, span / coupling_steps_ * coupling_steps_);
  }
  const auto due = [&](long long every) { return every > 0 && clock_.step() % every == 0; };

  if (!restored_) {
    write_diagnostics();
    if (output_every > 0) {
      ScopedTimer t("output");
      sink.write_history(clock_, outputs());
    }
  }
  // A signal during set-up or restore: stop before the first step (the restart below is written).
  summary.stopped_early = agree_to_stop(stop_flag) && !clock_.done();
  const double wall_start = MPI_Wtime();
  // Writes are timed apart: the interval time the split was chosen for is the model's alone.
  const auto writing = [] { return process_timers().total("output") + process_timers().total("restart"); };
  const double writing_before = writing();
  long long intervals = 0;
  const double interval = double(coupling_steps_) * clock_.dt();
  // A resumed run takes up the split it would have had by now (a move splits.csv lists after the
  // split the run started with); then each scheduled one on time.
  if (concurrent_) splits_.push_back({clock_.step(), current_split()});
  if (!scheduled_splits_.empty() && scheduled_splits_.begin()->first <= clock_.step()) {
    auto latest = scheduled_splits_.upper_bound(clock_.step());
    resplit(std::prev(latest)->second);
  }
  start_balance_window(writing());
  while (!clock_.done() && !summary.stopped_early) {
    if (const auto due_split = scheduled_splits_.find(clock_.step());
        due_split != scheduled_splits_.end() && clock_.step() > summary.first_step)
      resplit(due_split->second);
    coupler_->exchange(clock_.time(), clock_.step() == 0);
    advance_components(interval);
    ++intervals;
    clock_.advance(coupling_steps_);
    // Reliability: NaN/Inf/valid-range check of every component (diagnostics.check_every); on failure
    // writes a crash dump and throws NumericalError on every rank (exit status 3). See health_check.hpp.
    bool stop = false;
    {
      ScopedTimer t("diagnostics");  // the driver's own per-interval work: checks, sums, stop agreement
      check_fields_if_due(*this, config_, coupling_steps_, sink, comm_);
      if (due(diag_every)) write_diagnostics();
      stop = collect_stop_vote();
      post_stop_vote(stop_flag);
    }
    // The last step is history too, on the schedule or not. A run stopped by a signal writes none:
    // its state is in the restart file, and the resumed run keeps to the schedule, so the history
    // of a stopped-and-resumed run is the straight run's, file for file, whenever the signal came.
    if (output_every > 0 && (due(output_every) || clock_.done())) {
      ScopedTimer t("output");
      sink.write_history(clock_, outputs());
    }
    if (due(restart_every) && !clock_.done() && !stop) {
      ScopedTimer t("restart");
      summary.last_restart = sink.write_restart(clock_, outputs(), state_settings_);
    }
    if (due(progress_every) || clock_.done()) report_progress(wall_start, summary.first_step);
    if (stop && !clock_.done()) {
      summary.stopped_early = true;
      break;
    }
    if (!clock_.done()) rebalance_if_due(writing());
  }
  collect_stop_vote();  // the last interval's: a failure it carries still ends the run
  finish_diagnostics();
  {
    ScopedTimer t("output");  // a history write still in hand (output.background)
    sink.flush();
  }
  {
    ScopedTimer t("restart");
    summary.last_restart = sink.write_restart(clock_, outputs(), state_settings_);
  }
  summary.last_step = clock_.step();
  summary.final_energy = total_energy();
  if (log_ && summary.stopped_early)
    *log_ << "meridian: stop requested; wrote " << summary.last_restart << " at step " << clock_.step()
          << ". Resume with --restart.from=" << summary.last_restart << "\n";
  report_timings(MPI_Wtime() - wall_start - (writing() - writing_before), intervals);
  return summary;
}

// The budget figures are the last diagnostics row's: no extra reduction here.
void Driver::report_progress(double wall_start, long long first_step) {
  if (!log_) return;
  const long long done = clock_.step() - first_step;
  const double wall = MPI_Wtime() - wall_start;
  const double per_step = done > 0 ? wall / double(done) : 0.0;
  const double simulated_years = double(done) * clock_.dt() / (seconds_per_day * days_per_year);
  const double sypd = wall > 0 ? simulated_years / (wall / seconds_per_day) : 0.0;
  const double eta = per_step * double(clock_.total_steps() - clock_.step());
  char budget[96] = "energy budget: no row yet";
  if (budget_.has_row)
    std::snprintf(budget, sizeof budget, "net in %+.3g W m-2, budget residual %+.1e W m-2", budget_.net_in,
                  budget_.residual);
  char buf[320];
  std::snprintf(buf, sizeof buf, "step %lld/%lld (%5.1f%%)  %s  %.3g ms/step  %.3g SYPD  ETA %s  %s", clock_.step(),
                clock_.total_steps(), 100.0 * double(clock_.step()) / double(std::max(1LL, clock_.total_steps())),
                clock_.date().c_str(), per_step * 1e3, sypd, hms(eta).c_str(), budget);
  *log_ << buf << std::endl;
}

std::vector<double> Driver::time_intervals(int intervals) {
  std::vector<double> seconds(components_.size(), 0.0);
  const double interval = double(coupling_steps_) * clock_.dt();
  for (int k = 0; k < intervals; ++k) {
    coupler_->exchange(clock_.time(), clock_.step() == 0);
    for (std::size_t n = 0; n < components_.size(); ++n) {
      if (!runs_here(n)) continue;
      const double start = MPI_Wtime();
      components_[n]->advance(interval);
      sleep_synthetic_cost(n, std::llround(interval / components_[n]->time_step()));
      seconds[n] += MPI_Wtime() - start;
    }
  }
  return seconds;
}

// Each component on this rank through one interval; one step at a time where the coupler sums an
// export over the interval (a time operation), whole otherwise.
void Driver::advance_components(double interval) {
  for (std::size_t n = 0; n < components_.size(); ++n) {
    if (!runs_here(n)) continue;  // concurrent layout: the other components advance on their own ranks
    ScopedTimer t(components_[n]->name());
    Component& c = *components_[n];
    const long long steps = std::llround(interval / c.time_step());
    if (!coupler_->samples(n)) {
      c.advance(interval);
    } else {
      for (long long k = 0; k < steps; ++k) {
        c.advance(c.time_step());
        coupler_->sample(n, c.time_step());
      }
    }
    sleep_synthetic_cost(n, steps);
  }
}

// <name>.synthetic_cost: work that takes time but no core, so that many ranks on few cores measure
// the balance rather than the scheduler (issue 14). Answers do not depend on it.
void Driver::sleep_synthetic_cost(std::size_t n, long long steps) const {
  const SyntheticCost& cost = synthetic_[n];
  if (cost.per_cell <= 0) return;
  const Slot& s = slots_[n];
  const Decomposition& d = *s.decomposition;
  const double season = std::sin(2.0 * std::numbers::pi * clock_.time() / cost.period);
  double cells = 0;  // the owned cells' costs (1 each if the component gives none), rows tilted
  for (int j = d.y_range().begin; j < d.y_range().end; ++j) {
    double row = double(d.nx_local());
    if (!s.static_cost.empty()) {
      row = 0;
      for (int i = d.x_range().begin; i < d.x_range().end; ++i)
        row += s.static_cost[std::size_t(j) * std::size_t(s.grid->nx()) + std::size_t(i)];
    }
    cells += row * (1.0 + cost.tilt * std::sin(s.grid->lat(j)) * season);
  }
  const double seconds = cost.per_cell * (1.0 + cost.swing * season) * cells * double(steps);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

void Driver::report_timings(double loop_seconds, long long intervals) {
  // Concurrent layout: each component's busy and waiting time per interval, averaged over its ranks.
  std::vector<double> per(2 * components_.size(), 0.0);
  for (std::size_t n = 0; n < components_.size(); ++n)
    if (concurrent_ && runs_here(n)) {
      per[2 * n] = process_timers().total(components_[n]->name());
      per[2 * n + 1] = process_timers().total(components_[n]->name() + " wait");
    }
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, per.data(), int(per.size()), MPI_DOUBLE, MPI_SUM, comm_), comm_);
  if (log_ && concurrent_ && intervals > 0) {
    char line[200];
    std::snprintf(line, sizeof line, "concurrent layout: %.4g ms per coupling interval (measured; writes excluded)\n",
                  1e3 * loop_seconds / double(intervals));
    *log_ << line;
    for (std::size_t n = 0; n < components_.size(); ++n) {
      const double ranks = slots_[n].placement.ranks();
      const double busy = per[2 * n] / ranks / double(intervals), wait = per[2 * n + 1] / ranks / double(intervals);
      std::snprintf(line, sizeof line, "  %-12s %4d ranks  advance %.4g ms  wait at coupler %.4g ms  idle %.1f%%\n",
                    components_[n]->name().c_str(), slots_[n].placement.ranks(), 1e3 * busy, 1e3 * wait,
                    100.0 * wait * double(intervals) / std::max(loop_seconds, 1e-30));
      *log_ << line;
    }
  }
  const auto rows = process_timers().summarise(comm_);
  if (!log_) return;
  char buf[160];
  *log_ << "timing (s over " << size_ << " ranks; components include their halo exchanges)\n";
  std::snprintf(buf, sizeof buf, "  %-14s %10s %10s %10s %10s\n", "phase", "min", "mean", "max", "imbalance");
  *log_ << buf;
  for (const auto& r : rows) {
    std::snprintf(buf, sizeof buf, "  %-14s %10.4f %10.4f %10.4f %9.1f%%\n", r.phase.c_str(), r.min, r.mean, r.max,
                  100 * r.imbalance);
    *log_ << buf;
  }
  if (splits_.size() > 1) {  // the concurrent layout's splits over time, beside the timings
    std::ostringstream table;
    table << "step,time";
    for (const auto& c : components_) table << ',' << c->name() << "_ranks";
    table << '\n';
    for (const Split& s : splits_) {
      table << s.step << ',' << double(s.step) * clock_.dt();
      for (int r : s.ranks) table << ',' << r;
      table << '\n';
    }
    try {
      write_file_atomically(config_.text("output.dir") + "/splits.csv", table.str());
    } catch (const Error& e) {
      *log_ << "meridian: warning: " << e.context() << ": " << e.message() << "\n";
    }
  }
  std::ostringstream csv;
  csv << "phase,min_s,mean_s,max_s,imbalance\n";
  for (const auto& r : rows) csv << r.phase << ',' << r.min << ',' << r.mean << ',' << r.max << ',' << r.imbalance << '\n';
  try {  // the run's results are all written by now: a missing timing.csv is worth a warning only
    write_file_atomically(config_.text("output.dir") + "/timing.csv", csv.str());
  } catch (const Error& e) {
    *log_ << "meridian: warning: " << e.context() << ": " << e.message() << "\n";
  }
}

}  // namespace meridian::core
