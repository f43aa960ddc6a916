#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite. Extra arguments go to ctest, e.g. `-L mpi`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
source "$root/scripts/env.sh"
"$root/scripts/build.sh"
cd "${MERIDIAN_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "$(nproc)" "$@"
