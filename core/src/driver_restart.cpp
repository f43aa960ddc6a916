// Restarts as the driver sees them: what shaped the state (recorded in every restart file) and
// restoring it; the file format and its checks are io's (io/src/restart_*).
#include <algorithm>
#include <charconv>
#include <ostream>
#include <sstream>

#include "meridian/core/agreement.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/state_digest.hpp"
#include "meridian/core/timers.hpp"
#include "text_list.hpp"

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
// interval and its clock), and the fixed input fields (FieldMetadata::fixed_by: which cells of each
// state are ocean or land). The grids, the component set and the restart fields are in the file's
// layout and checked by io. A fixed field is recognised by its digest summed over its component's
// ranks: the same on any rank count, layout and process grid.
std::vector<StateSetting> Driver::describe_state() const {
  std::vector<StateSetting> settings{{"run.dt", exact(clock_.dt()), ""}};
  for (const Slot& s : slots_) settings.push_back({s.info.time_step_key, exact(s.info.time_step), ""});
  // Every fixed field of every component, in order, known on every rank from the components' info.
  struct Fixed {
    std::size_t slot;
    std::string field, key;
  };
  std::vector<Fixed> fixed;
  for (std::size_t n = 0; n < slots_.size(); ++n)
    for (const FieldMetadata& m : slots_[n].info.fields)
      if (!m.fixed_by.empty()) fixed.push_back({n, m.name, m.fixed_by});
  // "grid.mask grid.mask_file": the first key names the setting, and every key set shows its value.
  const auto shown_value = [&](const std::string& keys) {
    std::istringstream in(keys);
    std::string key, out;
    while (in >> key)
      if (config_.has(key) && !config_.text(key).empty())
        out += out.empty() ? config_.text(key) : ", " + key + " = '" + config_.text(key) + "'";
    return out;
  };
  std::vector<std::uint64_t> parts(fixed.size(), 0);
  for (std::size_t k = 0; k < fixed.size(); ++k) {
    const std::size_t n = fixed[k].slot;
    if (!runs_here(n)) continue;  // concurrent layout: the component's own ranks cover its grid
    for (const FieldEntry& f : components_[n]->fields())
      if (f.meta.name == fixed[k].field) parts[k] = owned_digest(*f.field, *slots_[n].decomposition);
  }
  MERIDIAN_MPI(MPI_Allreduce(MPI_IN_PLACE, parts.data(), int(parts.size()), MPI_UINT64_T, MPI_SUM, comm_), comm_);
  // One setting per key, its fields' digests in order; messages show one digest when they agree.
  std::vector<std::string> keys;
  for (const Fixed& f : fixed)
    if (std::find(keys.begin(), keys.end(), f.key) == keys.end()) keys.push_back(f.key);
  for (const std::string& key : keys) {
    std::string digests, names;
    for (std::size_t k = 0; k < fixed.size(); ++k)
      if (fixed[k].key == key) {
        append_item(digests, digest_hex(parts[k]));
        append_item(names, components_[fixed[k].slot]->name() + "." + fixed[k].field, ", ");
      }
    settings.push_back({key.substr(0, key.find(' ')), digests,
                        shown_value(key) + " (digests of " + names + ": " + digests + ")"});
  }
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
