// meridian: the stock coupled atmosphere-ocean-land model, config-driven under mpirun or Slurm.
// Everything but the choice of components is meridian::app::run (apps/app/include/meridian/app/run.hpp,
// which states the exit statuses); the components are named in stock_model.cpp.
#include "meridian/app/run.hpp"
#include "stock_model.hpp"

int main(int argc, char** argv) { return meridian::app::run(argc, argv, meridian::stock::stock_registry()); }
