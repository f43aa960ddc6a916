#!/usr/bin/env bash
# Sea ice across a restart on another rank count and layout (issue 12): 96 steps straight on 2 ranks
# == 48 steps on 3 ranks, then 48 more on 4 ranks in the concurrent layout with the ice on a rank of
# its own. A coupling with a time operation (land temperature averaged over each interval) makes the
# coupler's interval sums part of the restart. History, the final restart and diagnostics.csv must be
# bitwise identical.
# usage: test_seaice_restart.sh MERIDIAN SOURCE_DIR MPIEXEC
set -euo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
compare="/usr/bin/python3 $src/tests/app/compare_outputs.py"
common=(--config "$src/configs/seaice.ini" --grid.nx=37 --grid.ny=23 --output.every=24 --restart.every=0
        --restart.keep=10 --ocean.initial_temperature=-1.7 --ocean.heat_capacity=1e8
        --atmosphere.initial=uniform --atmosphere.initial_temperature=-20 --surface_exchange.land_temperature.time=mean)
files=('atmosphere_*.h5' 'ocean_*.h5' 'land_*.h5' 'seaice_*.h5' 'restart_000096.h5')

"$mpiexec" -n 2 "$bin" "${common[@]}" --run.steps=96 --output.dir="$tmp/straight" >"$tmp/straight.log"
"$mpiexec" -n 3 "$bin" "${common[@]}" --run.steps=48 --output.dir="$tmp/erp" >"$tmp/erp1.log"
"$mpiexec" -n 4 "$bin" "${common[@]}" --run.steps=96 --output.dir="$tmp/erp" --coupling.layout=concurrent \
  --atmosphere.ranks=1 --ocean.ranks=1 --land.ranks=1 --seaice.ranks=1 \
  --restart.from="$tmp/erp/restart_000048.h5" >"$tmp/erp2.log"
grep -q "restarted from" "$tmp/erp2.log"
$compare "$tmp/straight" "$tmp/erp" --files "${files[@]}" --diagnostics

# The restart carries the ice and the interval sum, and there is ice to carry.
/usr/bin/python3 - "$tmp/erp/restart_000048.h5" <<'PY'
import sys
import h5py
with h5py.File(sys.argv[1], "r") as f:
    assert "seaice/ice_volume" in f, "no ice in the restart file"
    assert "land/surface_temperature_interval_sum" in f, "no interval sum in the restart file"
    assert f["seaice/ice_volume"][()].max() > 0, "no ice has formed: the test would compare nothing"
PY
echo "test_seaice_restart: sea ice, 2 ranks straight == 3 ranks then 4 ranks concurrent, bitwise"
