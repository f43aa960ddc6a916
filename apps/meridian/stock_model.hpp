#pragma once
// The stock model: atmosphere, ocean and land with configs/default.ini as its built-in defaults. The
// only place that names these components; `meridian`, meridian-bench and tests/model all use it.
#include "meridian/app/registry.hpp"

namespace meridian::stock {

// Atmosphere first (today's coupler needs it first), then the surfaces in a fixed order.
app::Registry stock_registry();

// configs/default.ini as it was at build time.
const char* default_config_text();

}  // namespace meridian::stock
