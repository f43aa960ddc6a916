#pragma once
// The coupler turns component states into surface heat fluxes, F_s = gamma_s (T_s - T_air) for each
// surface s (positive upward), and hands them back: the atmosphere gains sum_s f_s F_s per unit cell
// area, surface s loses F_s per unit of its own area f_s. What one side loses the other gains, cell by
// cell, so the total energy is conserved to round-off.
//
// Coupling scheme: fluxes are computed once, from the states at the start of a coupling interval, and
// held fixed while every component advances through the interval. No component ever sees another's
// state from inside the interval, so the answer cannot depend on whether components run one after the
// other on the same ranks or at the same time on different ones.

#include <vector>

#include "meridian/core/component.hpp"

namespace meridian::core {

class Coupler {
 public:
  // All components on the same decomposition (sequential layout). Throws Error if a component lacks
  // a coupling field of the contract in component.hpp.
  Coupler(Component& atmosphere, std::vector<Component*> surfaces);
  // Computes the fluxes from the current states and sets every component's imports. Local: no
  // communication, and each cell's flux depends only on that cell.
  void exchange();
  // The longest coupling interval for which holding the fluxes fixed is stable, s:
  // min over surfaces of 1 / (gamma (1/C_surface + 1/C_air)).
  double stable_interval() const;

 private:
  struct Surface {
    Component* component;
    Field* temperature;
    Field* fraction;
    Field* flux;
  };
  Component& atmosphere_;
  Field* air_temperature_;
  Field* air_flux_;
  std::vector<Surface> surfaces_;
};

}  // namespace meridian::core
