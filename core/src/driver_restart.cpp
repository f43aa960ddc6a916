// Restarts as the driver sees them: what shaped the state (recorded in every restart file) and
// restoring it; the file format and its checks are io's (io/src/restart_*).
#include <algorithm>
#include <charconv>
#include <ostream>

#include "meridian/core/driver.hpp"
#include "meridian/core/agreement.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/state_digest.hpp"
#include "meridian/core/timers.hpp"

namespace meridian::core {

namespace {
// The shortest text that reads back as the same double: equal texts are equal steps.
std::string exact(double seconds) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, seconds);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}
}  // namespace

// The settings a restored state depends on for its meaning, not just its future (docs/reliability.md):
// the clock's step (time = step * run.dt), each component's own step (its sub-step count per coupling
// interval and its clock), and the land-sea mask (which cells of each state are ocean or land). The
// grids, the component set and the restart fields are in the file's layout and checked by io.
// The mask is recognised by the digest of every component's ocean fractions on its own grid, summed
// over each component's ranks: the same on any rank count, layout and process grid.
std::vector<StateSetting> Driver::describe_state() const {
  std::vector<StateSetting> settings{{"run.dt", exact(clock_.dt()), ""}};
  for (const Slot& s : slots_) settings.push_back({s.info.time_step_key, exact(s.info.time_step), ""});
  std::vector<std::uint64_t> parts(slots_.size(), 0);
  for (std::size_t n = 0; n < slots_.size(); ++n) {
    if (!runs_here(n)) continue;  // concurrent layout: the component's own ranks cover its grid
    const std::vector<double> fractions = slots_[n].mask->ocean_fraction(*slots_[n].decomposition);
    parts[n] = owned_digest(fractions.data(), *slots_[n].decomposition);
  }
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, parts.data(), int(parts.size()), MPI_UINT64_T, MPI_SUM, comm_), comm_);
  std::string digests;
  for (std::uint64_t d : parts) {
    if (!digests.empty()) digests += ',';
    digests += digest_hex(d);
  }
  // Messages show one digest when every component's grid is the same (no refine), which is usual.
  const bool alike = std::all_of(parts.begin(), parts.end(), [&](std::uint64_t d) { return d == parts[0]; });
  const std::string kind = config_.text("grid.mask");
  const std::string file = kind == "file" ? " '" + config_.text("grid.mask_file") + "'" : "";
  const std::string shown = alike ? "digest " + digest_hex(parts[0]) : "digests " + digests;
  settings.push_back({"grid.mask", digests, kind + file + " (ocean-fraction " + shown + ")"});
  return settings;
}

void Driver::restore(OutputSink& sink) {
  const std::string from = config_.text("restart.from");
  if (from.empty()) return;
  ScopedTimer t("restart");
  const long long step = sink.read_restart(from, outputs(), state_settings_);
  // Every rank read the same step, so every rank throws alike.
  const std::string file = "restart file '" + from + "'";
  if (step > clock_.total_steps())
    throw ConfigError(rank_, "",
                      file + " was written at step " + std::to_string(step) +
                          ", beyond run.steps = " + std::to_string(clock_.total_steps()) +
                          " (run.steps counts from the start of the experiment: raise it to continue)");
  if (step % coupling_steps_ != 0)
    throw ConfigError(rank_, "",
                      file + " was written at step " + std::to_string(step) +
                          ", which is not a multiple of coupling.every = " + std::to_string(coupling_steps_) +
                          " (a run resumes between coupling intervals)");
  clock_ = Clock(clock_.dt(), clock_.total_steps(), step);
  // The settings checked above keep this from failing; if a component still refuses the time, that
  // is the file's fault too: one line and exit 2 on every rank, also those not running it.
  std::string error;
  for (std::size_t n = 0; n < components_.size(); ++n) {
    if (!runs_here(n)) continue;
    try {
      components_[n]->restarted(clock_.time());
    } catch (const Error& e) {
      error = file + " cannot restart " + components_[n]->name() + ": " +
              (e.context().empty() ? "" : e.context() + ": ") + e.message();
    }
  }
  throw_config_error_if_any(error, comm_);
  restored_ = true;
  if (log_) *log_ << "meridian: restarted from " << from << " at step " << step << " (" << clock_.date() << ")\n";
}

}  // namespace meridian::core
