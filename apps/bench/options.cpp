#include "options.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "meridian/core/error.hpp"

namespace meridian::bench {

namespace {
[[noreturn]] void fail(const std::string& message) { throw core::ConfigError(-1, "meridian-bench", message); }

long parse_integer(std::string_view key, const char* text, long min) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < min || value > 1L << 30)
    fail("--" + std::string(key) + " wants an integer >= " + std::to_string(min) + ", got '" + text + "'");
  return value;
}

double parse_positive(std::string_view key, const char* text) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(value > 0.0))
    fail("--" + std::string(key) + " wants a positive number, got '" + text + "'");
  return value;
}
}  // namespace

const char* usage() {
  return "usage: meridian-bench halo    [--nx N] [--ny N] [--width W] [--fields F] [--px P] [--py P] [--repeats R] "
         "[--json]\n"
         "       meridian-bench stencil [--nx N] [--ny N] [--steps S] [--repeats R] [--stream-mib M] [--json]\n"
         "       meridian-bench stream  [--stream-mib M] [--repeats R] [--json]\n"
         "       meridian-bench io      [--nx N] [--ny N] [--fields F] [--width W] [--px P] [--py P] [--repeats R]\n"
         "                              [--dir PARENT] [--json]\n"
         "       meridian-bench setup   [--nx 32] [--ny 16] [--px P] [--py P] [--layout sequential|concurrent] [--dir "
         "PARENT] [--json]\n"
         "       meridian-bench coupled [--nx 144] [--ny 72] [--steps 96] [--config FILE] [--px P] [--py P]\n"
         "                              [--layout sequential|concurrent|both] [--repeats R] [--stream-mib M] [--dir "
         "PARENT] [--json]\n"
         "io: collective HDF5 history write (+fsync) of F global nx x ny float64 fields vs each rank\n"
         "    write()+fsync()ing the same bytes to its own file (and, as ratio_vs_shared_mpiio, vs plain\n"
         "    collective MPI-IO of the same arrays into one shared file). coupled: the atmosphere-ocean-land model\n"
         "    in-process, cell updates/s per rank vs STREAM triad; per layout also redistribution_<layout>:\n"
         "    the coupler's atmosphere <-> ocean gather+scatter on that run's placements (ocean.refine\n"
         "    included), GB/s vs raw MPI Isend/Irecv of the same messages. --dir: where the scratch folder\n"
         "    goes (default: the current directory); it is removed afterwards. setup: the stock model built\n"
         "    (not run) on --nx x --ny cells PER RANK (weak scaling): set-up time and memory, per-rank halo\n"
         "    and coupler plan sizes; concurrent: half the ranks to the atmosphere, a quarter to each surface.\n";
}

Options parse_options(int argc, char** argv) {
  if (argc < 2) fail("missing command (halo, stencil, stream, io, coupled or setup)");
  Options o;
  o.command = argv[1];
  // `--help` anywhere answers with the usage, before any other argument is judged.
  for (int a = 1; a < argc; ++a)
    if (std::string_view(argv[a]) == "--help" || std::string_view(argv[a]) == "-h") {
      o.help = true;
      return o;
    }
  const std::string& c = o.command;
  if (c != "halo" && c != "stencil" && c != "stream" && c != "io" && c != "coupled" && c != "setup")
    fail("unknown command '" + c + "' (halo, stencil, stream, io, coupled or setup)");
  const bool pgrid = c == "halo" || c == "io" || c == "coupled" || c == "setup";
  bool nx_given = false, ny_given = false, steps_given = false;
  for (int a = 2; a < argc; ++a) {
    const std::string_view arg = argv[a];
    if (arg == "--json") {
      o.json = true;
      continue;
    }
    if (arg.substr(0, 2) != "--") fail("unexpected argument '" + std::string(arg) + "'");
    const std::string_view key = arg.substr(2);
    if (a + 1 >= argc) fail("option --" + std::string(key) + " needs a value");
    const char* value = argv[++a];
    if (key == "nx") o.nx = static_cast<int>(parse_integer(key, value, 1)), nx_given = true;
    else if (key == "ny") o.ny = static_cast<int>(parse_integer(key, value, 1)), ny_given = true;
    else if (key == "width" && (c == "halo" || c == "io")) o.width = static_cast<int>(parse_integer(key, value, c == "io" ? 0 : 1));
    else if (key == "fields" && (c == "halo" || c == "io")) o.fields = static_cast<int>(parse_integer(key, value, 1));
    else if (key == "px" && pgrid) o.px = static_cast<int>(parse_integer(key, value, 0));
    else if (key == "py" && pgrid) o.py = static_cast<int>(parse_integer(key, value, 0));
    else if (key == "steps" && (c == "stencil" || c == "coupled"))
      o.steps = static_cast<int>(parse_integer(key, value, 1)), steps_given = true;
    else if (key == "repeats") o.repeats = static_cast<int>(parse_integer(key, value, 1));
    else if (key == "stream-mib" && c != "halo" && c != "io" && c != "setup") o.stream_mib = parse_positive(key, value);
    else if (key == "dir" && (c == "io" || c == "coupled" || c == "setup")) o.dir = value;
    else if (key == "config" && c == "coupled") o.config = value;
    else if (key == "layout" && (c == "coupled" || c == "setup")) o.layout = value;
    else fail("unknown option --" + std::string(key) + " for '" + c + "'");
  }
  if (c == "coupled") {
    // Without --config: the default model at twice its resolution. With it: the file decides what
    // the command line leaves out (0 = keep the file's value).
    const bool file = !o.config.empty();
    if (!nx_given) o.nx = file ? 0 : 144;
    if (!ny_given) o.ny = nx_given ? std::max(1, o.nx / 2) : (file ? 0 : 72);
    if (!steps_given) o.steps = file ? 0 : 96;
    if (o.layout != "sequential" && o.layout != "concurrent" && o.layout != "both")
      fail("--layout '" + o.layout + "' is not one of sequential, concurrent, both");
    if (o.dir.empty()) fail("--dir wants a folder");
    return o;
  }
  if (o.dir.empty()) fail("--dir wants a folder");
  if (c == "setup") {
    // A per-rank block of the model's 2:1 shape unless given.
    if (!nx_given) o.nx = 32;
    if (!ny_given) o.ny = std::max(1, o.nx / 2);
    if (o.layout != "sequential" && o.layout != "concurrent")
      fail("--layout '" + o.layout + "' is not one of sequential, concurrent");
    return o;
  }
  if (o.ny == 0) o.ny = o.nx;
  return o;
}

}  // namespace meridian::bench
