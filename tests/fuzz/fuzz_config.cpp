// libFuzzer target over the config parser and validator (core::Config::resolve) with the full option
// registry of a meridian run, built as the app builds it: the driver's options plus each component's.
//
// Input: INI text. If it contains a line "%%", the text after the last such line is split into lines,
// each one a command-line override ("--section.key=value"), as the app passes them on.
//
// The contract under test: for ANY bytes, resolve either returns a Config or throws core::ConfigError.
// A crash, a sanitizer report, any other exception or a hang is a bug. A Config that resolves must
// also round-trip: its to_ini() must resolve again to the same values (what a run records in
// config.ini is what --config accepts back), and every value must read back through its typed getter.
//
// Config::resolve is pure text processing: no MPI call is made, so MPI is never initialised here.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <typeinfo>
#include <vector>

#include "meridian/atmosphere/atmosphere.hpp"
#include "meridian/core/config.hpp"
#include "meridian/core/driver.hpp"
#include "meridian/core/error.hpp"
#include "meridian/earth/geography.hpp"
#include "meridian/earth/surface_exchange.hpp"
#include "meridian/land/land.hpp"
#include "meridian/ocean/ocean.hpp"
#include "meridian/seaice/seaice.hpp"

namespace {

using meridian::core::Config;
using meridian::core::ConfigError;
using meridian::core::OptionKind;
using meridian::core::OptionRegistry;

// Every option of the stock model, as apps/meridian/stock_model.cpp registers it through
// app::Registry::declare_options (the driver's, the model's, each component's with its layout and
// coupling options, the mediator's); built once.
const OptionRegistry& registry() {
  static const OptionRegistry r = [] {
    OptionRegistry options;
    meridian::core::declare_driver_options(options);
    meridian::earth::declare_model_options(options);
    std::vector<std::unique_ptr<meridian::core::Component>> components;
    components.push_back(meridian::atmosphere::make_component());
    components.push_back(meridian::ocean::make_component());
    components.push_back(meridian::land::make_component());
    components.push_back(meridian::seaice::make_component());
    for (const auto& c : components) {
      c->declare_options(options);
      meridian::core::declare_component_options(options, *c);
    }
    const auto mediator = meridian::earth::make_surface_exchange();
    mediator->declare_options(options);
    meridian::core::declare_mediator_options(options, *mediator);
    return options;
  }();
  return r;
}

[[noreturn]] void bug(const std::string& what) {
  std::fprintf(stderr, "fuzz_config: contract broken: %s\n", what.c_str());
  std::abort();  // libFuzzer saves the input as crash-<sha1>
}

void split(const std::string& input, std::string& ini, std::vector<std::string>& overrides) {
  const std::string marker = "\n%%\n";
  const std::size_t at = input.rfind(marker);
  if (at == std::string::npos) {
    ini = input;
    return;
  }
  ini = input.substr(0, at + 1);
  std::size_t begin = at + marker.size();
  while (begin <= input.size()) {
    std::size_t end = input.find('\n', begin);
    if (end == std::string::npos) end = input.size();
    // Overrides come from argv, which cannot hold a NUL byte: cut each one at its first NUL.
    std::string arg = input.substr(begin, end - begin);
    arg = arg.substr(0, arg.find('\0'));
    if (!arg.empty()) overrides.push_back(arg);
    begin = end + 1;
  }
}

// Every resolved value reads back through its typed getter, and to_ini() resolves to the same values.
void check_resolved(const Config& config) {
  for (const auto& spec : registry().specs()) {
    switch (spec.kind) {
      case OptionKind::integer: (void)config.integer(spec.key); break;
      case OptionKind::real: (void)config.real(spec.key); break;
      case OptionKind::boolean: (void)config.boolean(spec.key); break;
      case OptionKind::text:
      case OptionKind::choice: (void)config.text(spec.key); break;
    }
  }
  const std::string written = config.to_ini();
  Config again;
  try {
    again = Config::resolve(registry(), written, "config.ini");
  } catch (const ConfigError& e) {
    bug(std::string("to_ini() of a valid config does not resolve: ") + e.what() + "\n--- to_ini():\n" + written);
  }
  if (again.digest() != config.digest() || again.to_ini() != written)
    bug("to_ini() does not round-trip:\n--- first:\n" + written + "--- second:\n" + again.to_ini());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string ini;
  std::vector<std::string> overrides;
  split(std::string(reinterpret_cast<const char*>(data), size), ini, overrides);
  try {
    const Config config = Config::resolve(registry(), ini, "fuzz.ini", overrides);
    check_resolved(config);
  } catch (const ConfigError&) {
    // The only allowed way to refuse input.
  } catch (const std::exception& e) {
    bug(std::string("exception other than ConfigError: ") + typeid(e).name() + ": " + e.what());
  } catch (...) {
    bug("non-standard exception");
  }
  return 0;
}
