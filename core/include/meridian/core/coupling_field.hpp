#pragma once
// What components and mediators say about the fields they export and import (component.hpp,
// mediator.hpp), and the operations a coupling applies (coupling.hpp).

#include <string>

namespace meridian::core {

// A field a component or mediator offers (export) or needs (import). A coupling connects an import
// to an export of the same `units` (exactly as written); `standard_name` documents what it means.
struct CouplingField {
  std::string name;           // "air_temperature": what couplings in the config call it
  std::string units;          // "degC", "W m-2", "1"
  std::string standard_name;  // CF standard name, "" where none exists
  std::string description;    // one line for --help and `--check`
  // Imports only: may be left uncoupled ("<owner>.<name>.from" empty), and then the owner sees
  // no field (mediators: nullptr in MediatorFields). Components' imports are always required.
  bool optional = false;
};

// How an import is mapped from its source's grid onto its own. Grids are the run's lon-lat grid
// times a whole refinement, so cells nest: conservative regridding is exact overlap averaging.
enum class Regrid {
  identity,      // the same grid
  conservative,  // first-order conservative: a coarse cell gets the area-weighted mean of the fine
                 // cells it covers (weighted also by the source's coverage fraction where it has
                 // one); a fine cell gets the value of the coarse cell it lies in
};

// What an import receives from a component's export over a coupling interval of length T. Every
// coupling exchanges at the start of an interval what the source holds at that time; mean and
// accumulate hold what the source's steps of the interval before produced (the instant value in the
// first interval of an experiment).
enum class TimeOperation {
  instant,     // the export's value at the coupling time
  mean,        // sum over the source's steps of value * step / T
  accumulate,  // sum over the source's steps of value * step; units "<export units> s"
};

}  // namespace meridian::core
