// tracer_model: a complete meridian program (command line, config, restarts, output, exit statuses)
// around two components of its own, coupled in the config.
#include <memory>

#include "meridian/app/run.hpp"
#include "forcing.hpp"
#include "tracer.hpp"

// The built-in configuration: what runs without --config.
constexpr const char* default_ini = R"(
[grid]
nx = 24
ny = 12
[run]
steps = 8
[tracer]
target.from = forcing.target  # the tracer's import, from the forcing's export
target.time = mean            # its mean over each coupling interval
)";

int main(int argc, char** argv) {
  meridian::app::Registry registry("tracer_model");
  registry.add_component("forcing", [] { return std::make_unique<Forcing>(); });
  registry.add_component("tracer", [] { return std::make_unique<Tracer>(); });
  registry.set_defaults(default_ini, "main.cpp");
  registry.set_version("1.0");
  return meridian::app::run(argc, argv, registry);
}
