#pragma once
// Text a meridian program prints before a run: --help and --check.
#include <iosfwd>

#include "meridian/app/registry.hpp"
#include "meridian/core/config.hpp"
#include "meridian/core/driver.hpp"

namespace meridian::app {

// Usage, `program`'s description, and every option of `registry` grouped by section with type,
// default, units and description.
void print_help(std::ostream& out, const Registry& program, const core::OptionRegistry& registry);

// Collective: decomposition, memory per rank and output volumes of a validated run.
void print_check(std::ostream* out, core::Driver& driver, const core::Config& config, int ranks);

}  // namespace meridian::app
