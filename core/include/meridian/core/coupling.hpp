#pragma once
// Couplings as the run's config declares them. Every import of every component and mediator of the
// run has three options in its owner's section:
//
//   [ocean]
//   surface_heat_flux.from = surface_exchange.heat_into_ocean   # "<component or mediator>.<export>"
//   surface_heat_flux.regrid = conservative                     # identity | conservative
//   surface_heat_flux.time = instant                            # instant | mean | accumulate
//
// resolve_couplings() checks them all at load, identically on every rank, and throws one ConfigError
// naming the keys: an import with no source, a source that is not an export of the run, units that
// differ, identity between different grids, a time operation on a mediator's export, or mediators
// that feed each other in a circle (no order to compute them in).

#include <cstddef>
#include <string>
#include <vector>

#include "meridian/core/config.hpp"
#include "meridian/core/coupling_field.hpp"

namespace meridian::core {

// A component or mediator as the coupling rules see it: what it offers and needs, and its grid
// (the run's grid times `refine`; a mediator's is its host's).
struct CouplingParty {
  std::string name;
  bool mediator = false;
  std::vector<CouplingField> imports, exports;
  int refine = 1;
  std::size_t host = 0;  // mediators: index of the component it runs on
};

// One import and where it comes from. Indices are into the run's parties (components first, in
// order, then mediators).
struct Coupling {
  std::string key;  // "ocean.surface_heat_flux": the import, and the prefix of its options
  std::size_t to = 0, from = 0;
  std::string import, source;  // field names at each end
  Regrid regrid = Regrid::conservative;
  TimeOperation time = TimeOperation::instant;
  int to_refine = 1, from_refine = 1;
  std::string units;  // the import's
};

// Declares "<owner>.<import>.from", ".regrid" and ".time" for every import (under the owner's
// section, so --help lists them with its other options).
void declare_coupling_options(OptionRegistry& options, const std::string& owner,
                              const std::vector<CouplingField>& imports);
// Declares "<mediator>.host": the component whose ranks and grid the mediator runs on.
void declare_host_option(OptionRegistry& options, const std::string& mediator);

struct CouplingPlan {
  std::vector<Coupling> couplings;     // every coupled import, parties in order, imports in order
  std::vector<std::size_t> mediators;  // party indices of the mediators in the order they compute
};

// Reads and checks every coupling of `parties`. Local and identical on every rank; throws
// ConfigError as described above.
CouplingPlan resolve_couplings(const Config& config, const std::vector<CouplingParty>& parties);

}  // namespace meridian::core
