#!/usr/bin/env bash
# Exact restart, as CIME defines it:
#  ERS: 48 steps, restart, 48 more steps == 96 steps straight (same ranks);
#  ERP: the second half on a different rank count and process grid == the straight run.
# History files, the final restart file and diagnostics.csv must be bitwise identical.
# usage: test_restart.sh MERIDIAN SOURCE_DIR MPIEXEC
set -euo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
compare="/usr/bin/python3 $src/tests/app/compare_outputs.py"
common=(--config "$src/configs/default.ini" --grid.nx=37 --grid.ny=23 --output.every=24 --restart.every=0
        --restart.keep=10 --atmosphere.wind_speed=15 --sunlight.seasonal=true)

"$mpiexec" -n 2 "$bin" "${common[@]}" --run.steps=96 --output.dir="$tmp/straight" >"$tmp/straight.log"

# ERS: stop at 48 (the end-of-run restart), then continue in the same folder.
"$mpiexec" -n 2 "$bin" "${common[@]}" --run.steps=48 --output.dir="$tmp/ers" >"$tmp/ers1.log"
test -f "$tmp/ers/restart_000048.h5"
"$mpiexec" -n 2 "$bin" "${common[@]}" --run.steps=96 --output.dir="$tmp/ers" \
  --restart.from="$tmp/ers/restart_000048.h5" >"$tmp/ers2.log"
grep -q "restarted from" "$tmp/ers2.log"
$compare "$tmp/straight" "$tmp/ers" --files 'atmosphere_*.h5' 'ocean_*.h5' 'land_*.h5' 'restart_000096.h5' --diagnostics

# ERP: first half on 3 ranks (automatic grid), second half on 4 ranks forced to 1x4.
"$mpiexec" -n 3 "$bin" "${common[@]}" --run.steps=48 --output.dir="$tmp/erp" >"$tmp/erp1.log"
"$mpiexec" -n 4 "$bin" "${common[@]}" --run.steps=96 --output.dir="$tmp/erp" --decomp.px=1 --decomp.py=4 \
  --restart.from="$tmp/erp/restart_000048.h5" >"$tmp/erp2.log"
$compare "$tmp/straight" "$tmp/erp" --files 'atmosphere_*.h5' 'ocean_*.h5' 'land_*.h5' 'restart_000096.h5' --diagnostics

# A restart really changes something: comparing the 48-step state with the 96-step one must fail.
if $compare "$tmp/ers/restart_000048.h5" "$tmp/straight/restart_000096.h5" >/dev/null; then
  echo "test_restart: restart files at steps 48 and 96 compare equal; the comparison cannot see differences" >&2
  exit 1
fi
# ERP across layouts: the second half in the concurrent layout (atmosphere on 2 ranks, ocean and land
# on 1 each), from the sequential run's restart file, == the straight sequential run.
"$mpiexec" -n 4 "$bin" "${common[@]}" --run.steps=96 --output.dir="$tmp/ers" --coupling.layout=concurrent \
  --atmosphere.ranks=2 --ocean.ranks=1 --land.ranks=1 --restart.from="$tmp/ers/restart_000048.h5" >"$tmp/erl.log"
grep -q "concurrent layout" "$tmp/erl.log"
$compare "$tmp/straight" "$tmp/ers" --files 'atmosphere_*.h5' 'ocean_*.h5' 'land_*.h5' 'restart_000096.h5' --diagnostics

# The automatic split (every <component>.ranks = 0) on 4 ranks: it says what it chose and predicted,
# measures the interval and each component's idle share, warns exactly when ranks outnumber the
# cores they may use, and gives the straight sequential run's answer.
"$mpiexec" -n 4 "$bin" "${common[@]}" --run.steps=96 --output.dir="$tmp/auto" --coupling.layout=concurrent \
  --atmosphere.ranks=0 --ocean.ranks=0 --land.ranks=0 >"$tmp/auto.log"
split=$(sed -n 's/^meridian: automatic split \([0-9]*\) + \([0-9]*\) + \([0-9]*\) ranks from a calibration; predicted [0-9.e+-]* ms per coupling interval$/\1 \2 \3/p' "$tmp/auto.log")
read -r a o l <<<"$split"
[[ -n "$split" && $((a + o + l)) -eq 4 && $a -ge 1 && $o -ge 1 && $l -ge 1 ]] ||
  { echo "test_restart: no valid automatic split line in:" >&2; cat "$tmp/auto.log" >&2; exit 1; }
grep -q "ms per coupling interval (measured; writes excluded)" "$tmp/auto.log"
[[ $(grep -cE "^  (atmosphere|ocean|land) +[0-9]+ ranks  advance .* idle [0-9.]+%$" "$tmp/auto.log") -eq 3 ]]
if (( 4 > $(nproc) )); then grep -q "ranks per core on a node" "$tmp/auto.log"
else ! grep -q "ranks per core on a node" "$tmp/auto.log"; fi
$compare "$tmp/straight" "$tmp/auto" --files 'atmosphere_*.h5' 'ocean_*.h5' 'land_*.h5' 'restart_000096.h5' --diagnostics
echo "test_restart: ERS, ERP, sequential -> concurrent and the automatic split bitwise identical to the straight run"
