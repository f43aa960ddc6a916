#pragma once
// The interface every model component implements. Components are registered by apps/ (or a user's
// main through meridian::app::Registry); the driver sees them only through this interface, the I/O
// layer learns what to write from the metadata of fields(), and the coupler moves the fields they
// export and import by name, as the run's config declares (core/coupling.hpp). A component never
// knows which components it is coupled to.

#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "meridian/core/byte_packer.hpp"
#include "meridian/core/config.hpp"
#include "meridian/core/coupling_field.hpp"
#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/reproducible_sum.hpp"
#include "meridian/core/sphere_grid.hpp"

namespace meridian::core {

// A member added here must also be packed by pack_metadata below (broadcast_info sends it to the ranks
// outside a component; io compares it across the ranks before a file write): ranks outside a
// component in the concurrent layout know its fields only from there.
struct FieldMetadata {
  std::string name{};         // variable name in files: "t_atm"
  std::string units{};        // UDUNITS: "K", "degC", "W m-2"
  std::string long_name{};    // "atmosphere column temperature"
  std::string standard_name{};  // CF standard name, "" where none exists
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
  // the real values); conservative regridding from a finer grid weights by it. "" : every cell.
  std::string coverage{};
  // Non-empty: the field is fixed input for the whole run, set by these config keys, separated by
  // spaces (a land-sea mask: "grid.mask grid.mask_file"). Restart files record its digest under the
  // first key, and restarting a run whose field differs is refused naming the keys' values.
  std::string fixed_by{};
};

// A field as the framework sees it: metadata plus the component's storage (not owned).
struct FieldEntry {
  FieldMetadata meta;
  Field* field = nullptr;
};

// Every member of `m` appended to `b`, and read back in the same order: the one list of what a
// field's metadata is made of (core/src/component.cpp).
void pack_metadata(BytePacker& b, const FieldMetadata& m);
void unpack_metadata(ByteReader& r, FieldMetadata& m);

// The names of the fields a history file reads of `fields`: the output fields and the coverage
// fields that mask them. What a background history write copies, and what --check counts for it.
std::set<std::string> history_field_names(const std::vector<FieldEntry>& fields);

// A global mean to report: sum(weight * value) / sum(weight) over every owned cell of every rank.
struct GlobalMean {
  std::string name;  // "atmosphere_mean_temperature": a column of diagnostics.csv
  ExactAccumulator weighted;
  ExactAccumulator weight;
};

// What a component gets at setup. References stay valid for the component's lifetime.
struct ComponentContext {
  const Config& config;
  const Decomposition& decomposition;  // this component's ranks and blocks
  const SphereGrid& grid;              // its own grid (run grid times "<name>.refine")
  double base_dt;                      // run.dt, s
};

class Component {
 public:
  virtual ~Component() = default;
  // Also the INI section of its options: "atmosphere".
  virtual std::string name() const = 0;
  // Declares every option under [name()] with default, units and description.
  virtual void declare_options(OptionRegistry& options) const = 0;
  // The fields it offers to others and the fields it needs, by name, with units and standard names.
  // Fixed for the component type: callable before setup() (the config declares a coupling for every
  // import, core/coupling.hpp). Every name must be one that coupling_field() knows after setup().
  virtual std::vector<CouplingField> exports() const = 0;
  virtual std::vector<CouplingField> imports() const = 0;
  // Reads options, allocates fields, plans halo exchanges, sets the initial state. Collective over
  // the decomposition's communicator; throws ConfigError on an invalid option value.
  virtual void setup(const ComponentContext& context) = 0;
  // Every field with its metadata, in a fixed order (the order of files and checkpoints). Not const:
  // it hands out the storage a restart writes into.
  virtual std::vector<FieldEntry> fields() = 0;
  // The one-level field on this rank's block (halo allowed) that holds an export or an import,
  // nullptr for any other name. The coupler reads exports' owned cells between advances and
  // writes imports' owned cells; a component refreshes halos of imports itself if it needs them.
  virtual Field* coupling_field(const std::string& name) = 0;
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
  // Adds what it holds of the run's conserved total to `joules` (J for an energy-conserving model),
  // per owned cell; 0 for a component that holds none. Local.
  virtual void add_energy(ExactAccumulator& joules) const = 0;
  // Adds the energy that crossed the system's outer boundary into this component since the last
  // reset_energy_input() (J: sunlight absorbed minus radiation to space, say), per owned cell.
  // Energy exchanged with other components through the coupler is not counted. Keep the count in a
  // restart field (per cell, so it is the same whatever the layout): a resumed run's budget is then
  // the straight run's. The driver adds it up and resets it at every diagnostics row, and checks
  // that the change of add_energy() equals it. Default: nothing enters (a closed component). Local.
  virtual void add_energy_input(ExactAccumulator& /*joules*/) const {}
  // Starts the count of add_energy_input() again from zero. Local.
  virtual void reset_energy_input() {}
  // Global means to report in diagnostics.csv. Local.
  virtual void add_diagnostics(std::vector<GlobalMean>& means) const = 0;
  // The relative work of every cell of `grid` (its own grid), nx * ny values >= 0, i fastest, for
  // "<name>.blocks = weighted" and "<name>.drop_empty_blocks" (core/block_layout.hpp); empty: every
  // cell costs the same. Zero marks a cell where the component does nothing: its values there must
  // never change its answers, and fields it writes to files should hold 0 there, as a dropped block
  // does. Called on every rank of the run before setup. Local.
  virtual std::vector<double> cell_costs(const Config& /*config*/, const SphereGrid& /*grid*/) const { return {}; }
  // The bytes one time_step() must move to and from memory per owned cell (reads plus writes, each
  // array counted once, as STREAM counts them), so that a benchmark can state the component's speed
  // as a fraction of the machine's memory bandwidth; 0 where not stated. Valid after setup. Local.
  virtual double bytes_per_cell_step() const { return 0.0; }
};

}  // namespace meridian::core
