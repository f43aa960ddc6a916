#!/usr/bin/env bash
# Sets up, builds and runs the main example on 2 ranks, then says where the output is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
source "$root/scripts/env.sh"
"$root/scripts/build.sh"
build="${MERIDIAN_BUILD_DIR:-$root/build}"
mpirun -n 2 "$build/apps/bench/meridian-bench" halo --nx 512 --ny 512 --width 2 --fields 4
