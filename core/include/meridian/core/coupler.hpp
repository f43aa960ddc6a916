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
//
// One mechanism for every layout: each surface sends (T_s, f_s) of every cell to the rank that owns
// the cell in the atmosphere's decomposition (a Redistribution planned once); that rank computes the
// fluxes of its cells exactly as a single rank would, surfaces in a fixed order, and sends -F_s back.
// In the sequential layout every route is a local copy. A surface on a grid r times finer (refine)
// sends its r x r fine cells, and the atmosphere adds their area-weighted fluxes in a fixed order:
// first-order conservative regridding whose bits do not depend on the layout either.

#include <optional>
#include <string>
#include <vector>

#include "meridian/core/component.hpp"
#include "meridian/core/layout.hpp"
#include "meridian/core/redistribution.hpp"

namespace meridian::core {

// A component as the coupler sees it, on every rank of the run.
struct CouplingSide {
  std::string name;
  Component* component = nullptr;  // set up on this rank; nullptr where it is not
  Placement placement;             // its blocks in run ranks
  double exchange_coefficient = 0;  // surfaces, W m-2 K-1
  double heat_capacity = 0;         // J m-2 K-1
  int refine = 1;                   // surfaces: its grid is `refine` times the atmosphere's each way
};

// The routing plan the coupler makes for a surface: (T_s, f_s) of each of its cells to the atmosphere
// rank that owns the cell, one flux per cell back. Collective over `run`. Public so that benchmarks
// time exactly the coupler's plan.
Redistribution plan_surface_route(MPI_Comm run, const Placement& surface, int refine, const Placement& atmosphere);

class Coupler {
 public:
  // Collective over `run` (plans one Redistribution per surface). Throws Error if a component set up
  // on this rank lacks a coupling field of the contract in component.hpp.
  Coupler(MPI_Comm run, CouplingSide atmosphere, std::vector<CouplingSide> surfaces);
  // Computes the fluxes from the current states and sets every component's imports. Collective over
  // the run: surfaces' ranks send their states, the atmosphere's ranks compute and send fluxes back.
  // Time spent waiting for the other side is recorded in the timer phase "<component> wait".
  void exchange();
  // The longest coupling interval for which holding the fluxes fixed is stable, s:
  // min over surfaces of 1 / (gamma (1/C_surface + 1/C_air)). Local, identical on every rank.
  double stable_interval() const;

 private:
  struct Surface {
    CouplingSide side;
    Field* temperature = nullptr;  // nullptr where the surface is not set up here
    Field* fraction = nullptr;
    Field* flux = nullptr;
    std::optional<Redistribution> route;
    std::vector<double> fine_area;  // m2 of each fine row under this rank's atmosphere block
  };
  void compute(const std::vector<const std::vector<double>*>& gathered);

  CouplingSide atmosphere_;
  Field* air_temperature_ = nullptr;
  Field* air_flux_ = nullptr;
  std::vector<double> air_area_;  // m2 of each row of this rank's atmosphere block
  std::vector<Surface> surfaces_;
  std::string wait_phase_;
};

}  // namespace meridian::core
