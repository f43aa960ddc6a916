#pragma once
// A mediator computes exchange quantities cell by cell from several components' exports: merged
// surface fields, fluxes by a bulk law, a budget closure. It is the model's physics at the seams,
// which the framework runs without knowing it (NUOPC's mediator, FMS's exchange grid).
//
// A mediator lives on the ranks and grid of a host component ("<mediator>.host", the first
// component by default). At the start of every coupling interval the coupler delivers each import,
// regridded onto the host's grid, calls compute() on every host rank, then delivers the exports to
// whoever imports them. Imports and exports are coupled in the config exactly like components'
// (core/coupling.hpp), so fields from any component reach any other through any number of mediators.

#include <limits>
#include <string>
#include <vector>

#include "meridian/core/config.hpp"
#include "meridian/core/coupling_field.hpp"
#include "meridian/core/decomposition.hpp"
#include "meridian/core/field.hpp"
#include "meridian/core/sphere_grid.hpp"

namespace meridian::core {

// What compute() works on: the host rank's owned block of every import and export, in the order of
// imports() and exports(). Fields have no halo. An optional import left uncoupled is nullptr.
struct MediatorFields {
  std::vector<const Field*> imports;
  std::vector<Field*> exports;
};

// What a mediator gets at setup, on its host's ranks. References stay valid for its lifetime.
struct MediatorContext {
  const Config& config;
  const Decomposition& decomposition;  // the host's
  const SphereGrid& grid;              // the host's
};

class Mediator {
 public:
  virtual ~Mediator() = default;
  // Also the INI section of its options: "surface_exchange".
  virtual std::string name() const = 0;
  // Declares its options under [name()] (the framework adds "<name>.host" and its couplings).
  virtual void declare_options(OptionRegistry& options) const = 0;
  // Fixed for the mediator type, callable before setup(), like a component's.
  virtual std::vector<CouplingField> imports() const = 0;
  virtual std::vector<CouplingField> exports() const = 0;
  // Imports that are surface fractions (0..1) partitioning each cell of the host's grid: the
  // framework checks at every coupling that, where any of them is coupled, they sum to 1 within
  // round-off (1e-12), and stops the run with the cell, its position and every fraction otherwise.
  virtual std::vector<std::string> partition() const { return {}; }
  // Reads options; throws ConfigError for an invalid value. Called on the host's ranks only. Local.
  virtual void setup(const MediatorContext& context) = 0;
  // Computes every export on the host rank's owned cells from the imports. Called on every host
  // rank at every coupling; must give the same bits for a cell whatever the decomposition (read only
  // that cell, or neighbours in a fixed order). Local.
  virtual void compute(const MediatorFields& fields) = 0;
  // The longest coupling interval, s, for which holding its exports fixed over an interval is
  // stable; infinity if it sets no limit. From the config alone, so identical on every rank. Local.
  virtual double stable_interval(const Config& /*config*/) const { return std::numeric_limits<double>::infinity(); }
  // A short description of the limit above for error messages ("gamma and heat capacities").
  virtual std::string stable_interval_reason() const { return {}; }
};

}  // namespace meridian::core
