#pragma once
// The interface every model component implements (atmosphere, ocean, land...). Components are
// registered explicitly by apps/; the driver and the coupler see them only through this interface,
// and the I/O layer learns what to write from the metadata of fields().
//
// Coupling contract (all fields on the component's own decomposition, W m-2 and kelvin or degC):
//  - role atmosphere: exports "air_temperature"; imports "surface_heat_flux", the heat entering
//    the atmosphere per unit of total cell area.
//  - role surface: exports "surface_temperature" and "surface_fraction" (the part of each cell it
//    covers, 0..1); imports "surface_heat_flux", the heat entering the surface per unit of its own area.
//    exchange_coefficient() is gamma in F = gamma (T_surface - T_air), W m-2 K-1.

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "meridian/core/config.hpp"
#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/reproducible_sum.hpp"
#include "meridian/core/sphere_grid.hpp"
#include "meridian/core/surface_mask.hpp"

namespace meridian::core {

// A member added here must also travel in broadcast_info (core/src/layout.cpp): ranks outside a
// component in the concurrent layout know its fields only from there.
struct FieldMetadata {
  std::string name;           // variable name in files: "t_atm"
  std::string units;          // UDUNITS: "K", "degC", "W m-2"
  std::string long_name;      // "atmosphere column temperature"
  std::string standard_name;  // CF standard name, "" where none exists
  bool restart = false;       // prognostic: checkpointed and restored
  bool output = false;        // written to history files
  // Physically possible values, in `units` (CF valid_min/valid_max). A value outside them, or NaN or
  // Inf in any restart field, stops the run with a crash dump (core/health_check.hpp). Infinite
  // bounds: no range check.
  double valid_min = -std::numeric_limits<double>::infinity();
  double valid_max = std::numeric_limits<double>::infinity();
  // The cells this field describes: the name of another field of the same component, a fraction
  // 0..1 (its lowest level), e.g. "ocean_fraction" for an ocean temperature. Where that fraction is
  // <= 0 the field means nothing, and history files hold the CF _FillValue there (restart files keep
  // the real values). "" (the default): every cell.
  std::string coverage{};
};

// A field as the framework sees it: metadata plus the component's storage (not owned).
struct FieldEntry {
  FieldMetadata meta;
  Field* field = nullptr;
};

// A global mean to report: sum(weight * value) / sum(weight) over every owned cell of every rank.
struct GlobalMean {
  std::string name;  // "atmosphere_mean_temperature": a column of diagnostics.csv
  ExactAccumulator weighted;
  ExactAccumulator weight;
};

enum class CouplingRole { atmosphere, surface };

// What a component gets at setup. References stay valid for the component's lifetime.
struct ComponentContext {
  const Config& config;
  const Decomposition& decomposition;  // this component's ranks and blocks
  const SphereGrid& grid;
  const SurfaceMask& mask;
  double base_dt;  // run.dt, s
};

class Component {
 public:
  virtual ~Component() = default;
  // Also the INI section of its options: "atmosphere".
  virtual std::string name() const = 0;
  virtual CouplingRole role() const = 0;
  // Declares every option under [name()] with default, units and description.
  virtual void declare_options(OptionRegistry& options) const = 0;
  // Reads options, allocates fields, plans halo exchanges, sets the initial state. Collective over
  // the decomposition's communicator; throws ConfigError on an invalid option value.
  virtual void setup(const ComponentContext& context) = 0;
  // Every field with its metadata, in a fixed order (the order of files and checkpoints).
  virtual std::vector<FieldEntry> fields() = 0;
  // Coupling fields by contract name (see above); nullptr if the name is not one it has.
  virtual Field* coupling_field(const std::string& name) = 0;
  virtual double exchange_coefficient() const = 0;  // surfaces only; W m-2 K-1
  // Heat capacity per unit area, J m-2 K-1: with gamma it bounds the stable coupling interval.
  virtual double heat_capacity() const = 0;
  // The halo width its numerics need (0 if it has no lateral transport).
  virtual int halo_width() const = 0;
  // Its configured time step and the largest stable one, s.
  virtual double time_step() const = 0;
  virtual double stable_time_step() const = 0;
  // The name of the option that sets time_step(), for error messages ("ocean.dt").
  virtual std::string time_step_key() const = 0;
  // Advances `duration` seconds (a whole number of time_step()) with the imports held fixed.
  // Collective over its communicator.
  virtual void advance(double duration) = 0;
  // Called after a restart has overwritten the prognostic fields with the state at `time` (s since
  // the start of the experiment): refresh halos, derived state and the component's own clock.
  virtual void restarted(double time) = 0;
  // Adds the heat content of each owned cell (J) to `joules`: the conserved total energy.
  virtual void add_energy(ExactAccumulator& joules) const = 0;
  // Global means to report in diagnostics.csv.
  virtual void add_diagnostics(std::vector<GlobalMean>& means) const = 0;
};

}  // namespace meridian::core
