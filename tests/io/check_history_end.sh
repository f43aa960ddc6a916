#!/bin/bash
# History at the end of a run (check_history_end.py): run.steps = 20 with output.every = 8 writes
# steps 0, 8, 16 and the last one, 20, and the XDMF lists them; 16 steps write 16 once; a run
# resumed from the step-20 restart adds 24, 32, 40 after them; output.every = 0 writes none; the
# concurrent layout (each component on its own rank) writes the same files, missing values included.
# Usage: check_history_end.sh MERIDIAN MPIEXEC SOURCE_DIR CHECK_HISTORY_END_PY
set -euo pipefail
bin=$1 mpiexec=$2 src=$3 checker=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
  local dir=$1 ranks=2
  shift
  [[ $dir == concurrent ]] && ranks=3
  timeout 120 "$mpiexec" -n $ranks --oversubscribe "$bin" --config "$src/configs/default.ini" --grid.nx=24 --grid.ny=12 \
    --restart.every=0 --output.dir="$work/$dir" "$@" >"$work/$dir.log" 2>&1 \
    || { cat "$work/$dir.log"; exit 1; }
}
run end --run.steps=20 --output.every=8
run exact --run.steps=16 --output.every=8
cp -r "$work/end" "$work/resumed"
run resumed --run.steps=40 --output.every=8 --restart.from="$work/resumed/restart_000020.h5"
run none --run.steps=20 --output.every=0
# Ranks outside a component learn its field metadata (coverage included) by broadcast: a rank that
# missed it would make different HDF5 calls and hang the collective write.
run concurrent --run.steps=20 --output.every=8 --coupling.layout=concurrent --atmosphere.ranks=1 --ocean.ranks=1 \
  --land.ranks=1
/usr/bin/python3 "$checker" "$work"
