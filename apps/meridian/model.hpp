#pragma once
// The concrete model: which components make up a meridian run. The only place that names them.
#include <memory>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/core/config.hpp"

namespace meridian::app {

// Atmosphere first (the coupler's contract), then the surfaces in a fixed order.
std::vector<std::unique_ptr<core::Component>> make_components();

// Every option of the run: the driver's and each component's.
core::OptionRegistry declare_all_options();

}  // namespace meridian::app
