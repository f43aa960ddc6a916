#!/usr/bin/env bash
# Numerical blow-up: a physically impossible state (atmosphere at 1000 degC, accepted by option
# validation but outside t_atm's valid range [-150, 150] degC) is caught at the first check
# (diagnostics.check_every, default output.every): every rank exits 3, rank 0 prints one line naming
# component, field, cell and step, crash dumps crash_<component>_<step>.h5 hold every field, and no
# history or restart file is written from the bad state. With diagnostics.check_every = 0 the same run
# goes to the end (the check, not something else, stopped it).
# usage: test_blowup.sh MERIDIAN SOURCE_DIR MPIEXEC
set -uo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_blowup: $*" >&2; exit 1; }
common=(--config "$src/configs/default.ini" --grid.nx=37 --grid.ny=23 --run.steps=24 --output.every=4
        --atmosphere.initial_temperature=1000)

status=0
timeout 120 "$mpiexec" -q -n 3 "$bin" "${common[@]}" --output.dir="$tmp/run" >"$tmp/out" 2>"$tmp/err" || status=$?
cat "$tmp/err"
[[ $status -eq 3 ]] || fail "exit status $status, expected 3"
[[ $(grep -c . "$tmp/err") -eq 1 ]] || fail "expected exactly one line on stderr"
grep -q "meridian: error: numerical blow-up at step 4: atmosphere field 't_atm' = .* degC is outside its valid range \[-150, 150\] degC at lon 4.865, lat -86.09 degrees (i=0, j=0); crash dump written to $tmp/run/crash_atmosphere_000004.h5" "$tmp/err" \
  || fail "message does not name component, field, cell and step"
grep -q "MPI_ABORT" "$tmp/out" "$tmp/err" && fail "the run was aborted instead of ending cleanly"
for c in atmosphere ocean land; do
  [[ -f "$tmp/run/crash_${c}_000004.h5" ]] || fail "no crash dump for $c"
done
[[ -e "$tmp/run/atmosphere_000004.h5" ]] && fail "a history file was written from the bad state"
ls "$tmp/run"/restart_*.h5 >/dev/null 2>&1 && fail "a restart file was written from the bad state"
ls "$tmp/run"/*.tmp >/dev/null 2>&1 && fail "temporary files left behind"
/usr/bin/python3 - "$tmp/run" <<'PY' || fail "crash dump content"
import sys, h5py, numpy as np
d = sys.argv[1]
with h5py.File(f"{d}/crash_atmosphere_000004.h5", "r") as f:
    title = f.attrs["title"]
    title = title.decode() if isinstance(title, bytes) else str(title)
    assert "CRASH DUMP" in title and "numerical blow-up" in title, title
    t = f["t_atm"][()]
    assert t.shape == (1, 23, 37) and t[0, 0, 0] > 150, t[0, 0, 0]
    assert f["t_atm"].attrs["valid_max"] == 150 and f["t_atm"].attrs["valid_min"] == -150
    assert "surface_heat_flux" in f
with h5py.File(f"{d}/crash_ocean_000004.h5", "r") as f:
    assert {"t_ocean", "ocean_fraction", "ocean_heat_flux"} <= set(f)
PY

status=0
timeout 120 "$mpiexec" -q -n 3 "$bin" "${common[@]}" --diagnostics.check_every=0 --output.dir="$tmp/unchecked" \
  >"$tmp/out2" 2>"$tmp/err2" || status=$?
[[ $status -eq 0 && -f "$tmp/unchecked/restart_000024.h5" ]] || fail "with check_every=0 the run did not complete ($status)"

# An explicit interval that is not a multiple of coupling.every still checks (at the interval it crosses).
status=0
timeout 120 "$mpiexec" -q -n 2 "$bin" "${common[@]}" --coupling.every=2 --output.every=0 --diagnostics.check_every=3 \
  --output.dir="$tmp/odd" >/dev/null 2>"$tmp/err3" || status=$?
[[ $status -eq 3 ]] && grep -q "numerical blow-up at step 4:" "$tmp/err3" || fail "check_every=3 with coupling.every=2: status $status"
echo "test_blowup: blow-up stopped the run with status 3, one message and crash dumps"
