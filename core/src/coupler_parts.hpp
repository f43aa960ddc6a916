#pragma once
// The coupler's private parts, shared by coupler.cpp and coupler_state.cpp.
#include <optional>

#include "meridian/core/coupler.hpp"

namespace meridian::core {

// One coupled import.
struct Coupler::Transfer {
  Coupling c;
  Field* dest = nullptr;          // the import, where its owner runs here
  Field* source = nullptr;        // the export, where its owner runs here
  const Field* weight = nullptr;  // the export's coverage fraction, when `weighted`
  bool weighted = false;          // fine to coarse with a coverage fraction (known on every rank)
  bool aliased = false;           // a mediator reads the source's field itself: nothing to copy
  std::size_t sum = 0;            // time operations: index into sums_
  std::optional<Field> staged;    // time operations, source ranks: what this exchange sends
};

// The couplings from one party to another in one direction, sharing a Redistribution.
struct Coupler::Link {
  std::size_t from = 0, to = 0;
  bool to_finer = false;  // the destination's grid is finer: one coupling, coarse values injected
  bool direct = false;    // the same grid and blocks on the same ranks: a copy, no Redistribution
  int ratio = 1;          // fine cells per coarse cell each way
  int values = 0;         // doubles per fine cell sent (to_finer: 1)
  std::vector<std::size_t> transfers;
  std::vector<const Field*> sources;  // what a gather sends, source ranks (fixed once planned)
  std::optional<Redistribution> route;
  std::vector<double> fine_area;  // ratio > 1, destination ranks: m2 of each fine row under the block
};

// An export's sum of value * step over the current interval (restart state).
struct Coupler::Sum {
  std::size_t party = 0;
  std::string field, units;
  Field* source = nullptr;
  std::optional<Field> total;  // on the party's ranks
  bool fresh = true;           // the next sample starts a new interval
};

// A mediator's own fields, on its host's ranks.
struct Coupler::MediatorState {
  std::vector<Field> imports, exports;
  std::vector<bool> coupled;      // per import
  std::vector<std::size_t> parts;  // the coupled imports of its partition(), checked every coupling
  MediatorFields view;
};

}  // namespace meridian::core
