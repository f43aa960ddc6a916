#include "reports.hpp"

#include <cstdio>
#include <ostream>

#include "meridian/core/error.hpp"

namespace meridian::app {

void print_help(std::ostream& out, const Registry& program, const core::OptionRegistry& registry) {
  out << "usage: " << program.program() << " [--config FILE] [--check] [--section.key=VALUE ...]\n\n"
      << program.description();
  if (program.has_defaults()) {
    const std::string& source = program.defaults_source();
    out << " Without --config it runs the embedded default\n"
           "(" << source << "). Options are read from the INI file, where [section] names the prefix,\n"
           "and can be overridden on the command line as --section.key=value. The defaults listed below\n"
           "are " << source << "'s values (the declared ones where it sets none): an option a config\n"
           "file leaves out takes them, so an empty config file runs what no --config runs. A key may\n";
  } else {
    out << " Without --config it runs the defaults listed\n"
           "below. Options are read from the INI file, where [section] names the prefix, and can be\n"
           "overridden on the command line as --section.key=value. An option a config file leaves out\n"
           "takes its default, so an empty config file runs what no --config runs. A key may\n";
  }
  out << "appear once per file; an option marked \"only with\" is refused unless the other one agrees.\n\n"
         "  --config FILE   run configuration (INI)\n"
         "  --check         validate the configuration, print the decomposition and estimates, and exit\n"
         "  --help          this text\n"
         "  --version       version and git revision\n";
  std::string section;
  for (const core::OptionSpec& s : registry.specs()) {
    const std::string sec = s.key.substr(0, s.key.find('.'));
    if (sec != section) out << "\n[" << (section = sec) << "]\n";
    out << "  --" << s.key << " (default: " << (s.default_value.empty() ? "\"\"" : s.default_value)
        << (s.units.empty() || s.units == "1" ? "" : " " + s.units) << ")\n      " << s.description << "; "
        << s.allowed();
    for (const auto& [other, value] : s.only_with) out << "; only with " << other << " = " << value;
    out << "\n";
  }
}

void print_check(std::ostream* out, core::Driver& driver, const core::Config& config, int ranks) {
  const bool background = config.boolean("output.background") && config.integer("output.every") > 0;
  unsigned long long local[2] = {driver.field_bytes_per_rank(), background ? driver.field_bytes_per_rank(true) : 0};
  unsigned long long largest[2] = {0, 0};  // over ranks: the largest block's
  const MPI_Comm comm = driver.comm();
  MERIDIAN_MPI(MPI_Allreduce(local, largest, 2, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm), comm);
  const unsigned long long max_bytes = largest[0];
  if (!out) return;
  const double mib = 1024.0 * 1024.0;
  const long long steps = config.integer("run.steps"), every = config.integer("output.every");
  const long long outputs = every > 0 ? steps / every + 1 : 0;
  std::size_t fixed_once = 0;
  const double per_output = double(driver.history_bytes_per_output(&fixed_once)) / mib;
  char buf[256];
  *out << "configuration is valid\n";
  *out << "  grid          " << config.integer("grid.nx") << " x " << config.integer("grid.ny")
       << (config.has("grid.mask") ? " (" + config.text("grid.mask") + ")" : std::string()) << "\n";
  *out << "  ranks         " << ranks << ", " << driver.describe_layout() << "\n";
  std::snprintf(buf, sizeof buf, "  memory        %.2f MiB of fields per rank (largest block)\n", double(max_bytes) / mib);
  *out << buf;
  if (background) {
    std::snprintf(buf, sizeof buf,
                  "                and %.2f MiB per rank for the copy of the output fields (output.background)\n",
                  double(largest[1]) / mib);
    *out << buf;
  }
  std::snprintf(buf, sizeof buf, "  history       %lld outputs of %.2f MiB = %.2f MiB in %s\n", outputs, per_output,
                per_output * double(outputs), config.text("output.dir").c_str());
  *out << buf;
  if (outputs > 0 && fixed_once > 0) {
    std::snprintf(buf, sizeof buf,
                  "                and %.2f MiB of fixed fields once (output.fixed_fields = own_file)\n",
                  double(fixed_once) / mib);
    *out << buf;
  }
  std::snprintf(buf, sizeof buf, "  run           %lld steps of %g s = %.3g days\n", steps, config.real("run.dt"),
                double(steps) * config.real("run.dt") / 86400.0);
  *out << buf;
  *out << "  time steps    " << driver.describe_time_steps() << "\n";
  const std::vector<std::string> couplings = driver.describe_couplings();
  *out << "  couplings     " << couplings.size() << (couplings.empty() ? "\n" : ":\n");
  for (const std::string& line : couplings) *out << "    " << line << "\n";
}

}  // namespace meridian::app
