#!/usr/bin/env bash
# Sets up, builds and runs the main example on 2 ranks, then says where the output is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
source "$root/scripts/env.sh"
"$root/scripts/build.sh"
build="${MERIDIAN_BUILD_DIR:-$root/build}"
out="${MERIDIAN_OUTPUT_DIR:-$root/output}"
# The example is meant to be rerun: each run replaces the previous one in $out (output.existing).
mpirun -n 2 "$build/apps/meridian/meridian" --config "$root/configs/default.ini" --output.dir="$out" \
  --output.existing=overwrite "$@"
echo
echo "Output is in $out: history files <component>_<step>.h5 (netCDF-4: ncdump, xarray), one .xdmf per"
echo "component for ParaView, restart_<step>.h5, diagnostics.csv and timing.csv."
echo "Plot it with: scripts/plot.py $out"
