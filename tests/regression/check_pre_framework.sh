#!/bin/bash
# The framework refactor (issue 12) must change no answer: configs/default.ini and configs/earth.ini (as
# earth_reference.ini keeps it)
# run by today's code give restart states bit-for-bit equal to those the code before the refactor
# wrote (the .h5 files beside this script; how they were made is in README.md).
# Usage: check_pre_framework.sh MERIDIAN RANKS SCRATCH
set -euo pipefail
meridian=$1 ranks=$2 scratch=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
rm -rf "$scratch" && mkdir -p "$scratch"
run() { "${MPIEXEC:-mpiexec}" --oversubscribe -n "$ranks" "$meridian" "$@" > "$scratch/log" 2>&1 || { cat "$scratch/log"; exit 1; }; }
run --config "$src/configs/default.ini" --output.dir="$scratch/default" --output.every=0
/usr/bin/python3 "$here/check_restart_states.py" "$here/default_restart_000192.h5" "$scratch/default/restart_000192.h5"
# configs/earth.ini has since gained new physics (issue 15); its old content, kept beside this script,
# reaches the old physics through options that default to it.
run --config "$here/earth_reference.ini" --output.dir="$scratch/earth" --run.steps=96 --restart.every=0 --output.every=0
/usr/bin/python3 "$here/check_restart_states.py" "$here/earth_restart_000096.h5" "$scratch/earth/restart_000096.h5"
