#pragma once
// Text meridian prints before a run: --help and --check.
#include <iosfwd>

#include "meridian/core/config.hpp"
#include "meridian/core/driver.hpp"

namespace meridian::app {

// Every option grouped by section with type, default, units and description.
void print_help(std::ostream& out, const core::OptionRegistry& registry);

// Collective: decomposition, memory per rank and output volumes of a validated run.
void print_check(std::ostream* out, core::Driver& driver, const core::Config& config, int ranks);

}  // namespace meridian::app
