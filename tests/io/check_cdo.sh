#!/bin/bash
# Runs meridian for 20 steps on 2 ranks and checks its history files with CDO (check_cdo.py):
# fldmean against diagnostics.csv, remapcon onto other grids, missing values.
# Usage: check_cdo.sh MERIDIAN MPIEXEC SOURCE_DIR CHECK_CDO_PY
set -euo pipefail
bin=$1 mpiexec=$2 src=$3 checker=$4
command -v cdo >/dev/null || { echo "check_cdo: cdo is not installed (scripts/setup.sh installs it)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$mpiexec" -n 2 --oversubscribe "$bin" --config "$src/configs/default.ini" --grid.nx=36 --grid.ny=18 \
  --run.steps=20 --output.every=10 --diagnostics.every=10 --restart.every=0 --output.dir="$work/run" >"$work/log" 2>&1 \
  || { cat "$work/log"; exit 1; }
/usr/bin/python3 "$checker" "$work/run" 20
