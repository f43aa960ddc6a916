#include "options.hpp"

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
  return "usage: meridian-bench halo    [--nx N] [--ny N] [--width W] [--fields F] [--px P] [--py P] [--repeats R] [--json]\n"
         "       meridian-bench stencil [--nx N] [--ny N] [--steps S] [--repeats R] [--stream-mib M] [--json]\n"
         "       meridian-bench stream  [--stream-mib M] [--repeats R] [--json]\n";
}

Options parse_options(int argc, char** argv) {
  if (argc < 2) fail("missing command (halo, stencil or stream)");
  Options o;
  o.command = argv[1];
  if (o.command != "halo" && o.command != "stencil" && o.command != "stream")
    fail("unknown command '" + o.command + "' (halo, stencil or stream)");
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
    if (key == "nx") o.nx = static_cast<int>(parse_integer(key, value, 1));
    else if (key == "ny") o.ny = static_cast<int>(parse_integer(key, value, 1));
    else if (key == "width" && o.command == "halo") o.width = static_cast<int>(parse_integer(key, value, 1));
    else if (key == "fields" && o.command == "halo") o.fields = static_cast<int>(parse_integer(key, value, 1));
    else if (key == "px" && o.command == "halo") o.px = static_cast<int>(parse_integer(key, value, 0));
    else if (key == "py" && o.command == "halo") o.py = static_cast<int>(parse_integer(key, value, 0));
    else if (key == "steps" && o.command == "stencil") o.steps = static_cast<int>(parse_integer(key, value, 1));
    else if (key == "repeats") o.repeats = static_cast<int>(parse_integer(key, value, 1));
    else if (key == "stream-mib" && o.command != "halo") o.stream_mib = parse_positive(key, value);
    else fail("unknown option --" + std::string(key) + " for '" + o.command + "'");
  }
  if (o.ny == 0) o.ny = o.nx;
  return o;
}

}  // namespace meridian::bench
