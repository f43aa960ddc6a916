#include "meridian/core/driver.hpp"
#include "meridian/core/health_check.hpp"
#include "meridian/core/layout.hpp"

namespace meridian::core {

void declare_driver_options(OptionRegistry& o) {
  o.add_integer("grid.nx", 72, "cells", "longitudes of the global grid").range(2, 1e7);
  o.add_integer("grid.ny", 36, "cells", "latitudes of the global grid, pole to pole").range(2, 1e7);
  o.add_integer("decomp.px", 0, "ranks", "process grid along longitude, sequential layout only (0 = automatic)")
      .range(0, 1e7);
  o.add_integer("decomp.py", 0, "ranks", "process grid along latitude, sequential layout only (0 = automatic)")
      .range(0, 1e7);
  o.add_integer("run.steps", 96, "steps", "base time steps to run, counted from the start of the experiment").range(0, 1e15);
  o.add_real("run.dt", 1800, "s", "base time step; component steps are multiples of it").range(1e-6, 1e9);
  o.add_integer("run.progress_every", 0, "steps", "progress line interval (0 = about 10 lines per run)").range(0, 1e15);
  o.add_integer("coupling.every", 1, "steps", "coupling interval in base steps").range(1, 1e9);
  o.add_choice("coupling.layout", "sequential", {"sequential", "concurrent"},
               "sequential: every component on every rank, one after the other; concurrent: each component on "
               "its own ranks (<component>.ranks), all advancing at the same time. Same answers either way");
  o.add_text("coupling.resplit", "",
             "concurrent layout: re-splits at given steps, 'STEP:R1,R2,... STEP:...' with one rank count per "
             "component in order; state moves in memory and answers do not change");
  o.add_choice("coupling.rebalance", "off", {"off", "auto"},
               "concurrent layout: auto moves ranks between components when their measured costs drift "
               "(components with <name>.ranks set keep theirs)");
  o.add_integer("coupling.rebalance_every", 20, "intervals", "coupling intervals between two looks at the measured costs")
      .range(1, 1e9)
      .applies_only_with("coupling.rebalance", "auto");
  o.add_real("coupling.rebalance_gain", 0.1, "1",
             "re-split when the predicted interval time falls by more than this fraction, after the cost of moving")
      .range(0, 1)
      .applies_only_with("coupling.rebalance", "auto");
  o.add_text("coupling.components", "",
             "the components of this run, in order, separated by spaces (empty = every component the program has)");
  o.add_text("coupling.mediators", "",
             "the mediators of this run, in order, separated by spaces (empty = every mediator the program has)");
  o.add_text("output.dir", "output", "folder for history, restart, diagnostics and timing files");
  o.add_choice("output.existing", "refuse", {"refuse", "continue", "overwrite"},
               "when output.dir already holds a run's output: refuse to start; continue that run (needs "
               "restart.from; implied when restart.from is inside output.dir); or overwrite it (its files are "
               "deleted once every check has passed, just before the first write)");
  o.add_integer("output.every", 48, "steps", "history output interval; the last step is written too (0 = none)")
      .range(0, 1e15);
  o.add_choice("output.precision", "double", {"double", "single"},
               "number type of the history fields: double (the model's values, bit for bit) or single (32-bit, "
               "each value rounded to the nearest float: half the bytes, about 7 significant digits); restart "
               "files and crash dumps always hold doubles");
  o.add_choice("output.fixed_fields", "every_file", {"every_file", "own_file"},
               "where history's fields that never change (cell_area, land-sea fractions) go: every_file (each "
               "history file stands alone) or own_file (once per run in <component>.fixed.h5, which each history "
               "file names in its CF external_variables and associated_files attributes: fewer bytes per output)");
  // io::OutputSettings::writers_per_node has the same default, for programs that build the sink themselves.
  o.add_integer("output.writers_per_node", 8, "ranks",
                "ranks per node that write a history or restart file's bytes in a collective write (MPI-IO "
                "aggregators, ROMIO's cb_config_list); the others send their blocks to them (0 = the MPI-IO "
                "library's default, one per node)")
      .range(0, 1e6);
  o.add_boolean("output.background", false,
                "write history files on a thread of their own while the model steps on (a copy of the output "
                "fields is kept meanwhile; needs an MPI with MPI_THREAD_MULTIPLE); restart files are written in "
                "the foreground");
  o.add_integer("diagnostics.every", -1, "steps",
                "diagnostics.csv interval (-1 = once a simulated day, in whole coupling intervals; 0 = every "
                "coupling interval)")
      .range(-1, 1e15);
  declare_health_options(o);  // diagnostics.check_every, next to its section
  o.add_integer("restart.every", 0, "steps", "restart interval (0 = only at the end of the run)").range(0, 1e15);
  o.add_text("restart.from", "", "restart file to start from (empty = initial conditions)");
  o.add_integer("restart.keep", 2, "files",
                "restart files of this run kept; older ones of this run are deleted (0 = keep all)").range(0, 1e6);
}

void declare_component_options(OptionRegistry& o, const Component& c) {
  declare_ranks_option(o, c.name());
  declare_synthetic_cost_options(o, c.name());
  declare_refine_option(o, c.name());
  declare_block_options(o, c.name());
  declare_coupling_options(o, c.name(), c.imports());
}

void declare_mediator_options(OptionRegistry& o, const Mediator& m) {
  declare_host_option(o, m.name());
  declare_coupling_options(o, m.name(), m.imports());
}

}  // namespace meridian::core
