#!/usr/bin/env bash
# Live re-splitting (issue 14): ranks move between components while the run goes on, the state
# migrating in memory (core/src/driver_resplit.cpp). With sea ice and a time-averaged coupling (so the
# coupler's interval sums move too) on 6 ranks in the concurrent layout:
#   - a run re-split at random coupling boundaries (the seed is printed) writes every history file,
#     the restarts and diagnostics.csv bit for bit as the run that never re-splits, with history
#     written in the foreground or in the background (output.background);
#   - a restart written after re-splits resumes on 3 ranks in the sequential layout, bit for bit;
#   - a schedule that does not fit is one line naming coupling.resplit, exit 2.
# usage: test_resplit.sh MERIDIAN SOURCE_DIR MPIEXEC
set -euo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
compare="/usr/bin/python3 $src/tests/app/compare_outputs.py"
common=(--config "$src/configs/seaice.ini" --grid.nx=37 --grid.ny=23 --output.every=12 --restart.every=48
        --restart.keep=10 --ocean.initial_temperature=-1.7 --ocean.heat_capacity=1e8 --diagnostics.every=0
        --atmosphere.initial=uniform --atmosphere.initial_temperature=-20 --surface_exchange.land_temperature.time=mean
        --run.steps=96)
concurrent=(--coupling.layout=concurrent --atmosphere.ranks=3 --ocean.ranks=1 --land.ranks=1 --seaice.ranks=1)
files=('atmosphere_*.h5' 'ocean_*.h5' 'land_*.h5' 'seaice_*.h5' 'restart_000048.h5' 'restart_000096.h5')

# Six ranks over four components, at least one each: a random split at each of a few random
# coupling boundaries (coupling.every = 2 in seaice.ini).
seed="${MERIDIAN_TEST_SEED:-$(( $(date +%s) % 100000 ))}"
RANDOM=$seed
schedule="" step=0
while :; do
  step=$(( step + 2 * (1 + RANDOM % 12) ))
  (( step < 96 )) || break
  (( step != 48 )) || continue  # 48 is set below
  a=1 b=1 c=1 d=1
  for _ in 1 2; do
    case $(( RANDOM % 4 )) in 0) a=$((a + 1)) ;; 1) b=$((b + 1)) ;; 2) c=$((c + 1)) ;; 3) d=$((d + 1)) ;; esac
  done
  schedule+="$step:$a,$b,$c,$d "
done
schedule+="48:1,2,2,1"  # one always on the restart step: the restart is written after a re-split
echo "test_resplit: seed $seed (MERIDIAN_TEST_SEED=$seed reproduces), schedule: $schedule"

"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --output.dir="$tmp/static" >"$tmp/static.log"
"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --output.dir="$tmp/moving" \
  --coupling.resplit="$schedule" >"$tmp/moving.log"
moves=$(grep -c "re-split" "$tmp/moving.log" || true)
(( moves >= 1 )) || { echo "test_resplit: no re-split happened"; cat "$tmp/moving.log"; exit 1; }
$compare "$tmp/static" "$tmp/moving" --files "${files[@]}" --diagnostics

# Again with history written on a thread of its own (output.background): a re-split replaces the
# decompositions while a write may be in hand, and the files must still be the static run's. Six
# ranks on this test's cores have no spare hardware thread: the run says so.
"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --output.dir="$tmp/moving-background" \
  --coupling.resplit="$schedule" --output.background=true >"$tmp/moving-background.log"
$compare "$tmp/static" "$tmp/moving-background" --files "${files[@]}" --diagnostics
grep -q "note: output.background = true, but a rank has fewer than 2 hardware threads" "$tmp/moving-background.log" ||
  { echo "test_resplit: no note on the missing hardware thread"; cat "$tmp/moving-background.log"; exit 1; }

# The restart written after the re-split at step 48, resumed on another rank count and layout.
mkdir -p "$tmp/resumed"
cp "$tmp/moving/diagnostics.csv" "$tmp/resumed/"
"$mpiexec" -n 3 "$bin" "${common[@]}" --output.dir="$tmp/resumed" --output.existing=continue \
  --restart.from="$tmp/moving/restart_000048.h5" >"$tmp/resumed.log"
$compare "$tmp/static" "$tmp/resumed" --files 'atmosphere_000060.h5' 'seaice_000096.h5' 'restart_000096.h5' --diagnostics

# Resumed at step 48 in the concurrent layout with the same schedule: it starts from its configured
# split and takes up the move scheduled for step 48 at once; splits.csv lists both, in that order.
mkdir -p "$tmp/caught-up"
cp "$tmp/moving/diagnostics.csv" "$tmp/caught-up/"
"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --output.dir="$tmp/caught-up" --output.existing=continue \
  --coupling.resplit="$schedule" --restart.from="$tmp/moving/restart_000048.h5" >"$tmp/caught-up.log"
sed -n 2,3p "$tmp/caught-up/splits.csv" | cut -d, -f1,3- | tr '\n' ' ' | grep -q "^48,3,1,1,1 48,1,2,2,1 " ||
  { echo "test_resplit: splits.csv of the resumed run:"; cat "$tmp/caught-up/splits.csv"; exit 1; }
$compare "$tmp/static" "$tmp/caught-up" --files 'atmosphere_000096.h5' 'restart_000096.h5' --diagnostics

# coupling.rebalance = auto with costs that drift apart (a synthetic cost that sleeps, so the balance
# and not the two cores is measured): the atmosphere's grows while the ocean's shrinks. At least one
# move must happen, and the files must still be the run's that never moved.
drift=(--coupling.layout=concurrent
       --atmosphere.synthetic_cost=3.5e-5 --atmosphere.synthetic_swing=0.9 --atmosphere.synthetic_period=691200
       --ocean.synthetic_cost=7e-5 --ocean.synthetic_swing=-0.9 --ocean.synthetic_period=691200)
"$mpiexec" -n 6 "$bin" "${common[@]}" "${drift[@]}" --output.dir="$tmp/drift-static" >"$tmp/drift-static.log"
"$mpiexec" -n 6 "$bin" "${common[@]}" "${drift[@]}" --output.dir="$tmp/drift-auto" --coupling.rebalance=auto --coupling.rebalance_every=6 \
  >"$tmp/drift-auto.log"
grep -q "re-split atmosphere,ocean,land,seaice .*predicted" "$tmp/drift-auto.log" ||
  { echo "test_resplit: coupling.rebalance = auto did not move ranks as the costs drifted apart"; cat "$tmp/drift-auto.log"; exit 1; }
grep "re-split" "$tmp/drift-auto.log"
# splits.csv: the split the run started with, then one row per move, as the log says.
rows=$(( $(wc -l <"$tmp/drift-auto/splits.csv") - 2 ))
logged=$(grep -c "re-split atmosphere" "$tmp/drift-auto.log")
head -1 "$tmp/drift-auto/splits.csv" | grep -q "^step,time,atmosphere_ranks,ocean_ranks,land_ranks,seaice_ranks$"
[[ $rows -eq $logged ]] || { echo "test_resplit: splits.csv has $rows moves, the log $logged"; exit 1; }
$compare "$tmp/drift-static" "$tmp/drift-auto" --files 'atmosphere_*.h5' 'ocean_*.h5' 'restart_000096.h5' --diagnostics

# A split that leaves a component no rank, or does not add up: one line naming the key, exit 2.
set +e
"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --output.dir="$tmp/bad" --coupling.resplit="8:3,3,0,0" \
  >"$tmp/bad.log" 2>&1
status=$?
set -e
[[ $status -eq 2 ]] || { echo "test_resplit: bad schedule exit $status, expected 2"; cat "$tmp/bad.log"; exit 1; }
grep -q "coupling.resplit" "$tmp/bad.log" || { echo "test_resplit: the error does not name coupling.resplit"; cat "$tmp/bad.log"; exit 1; }
echo "test_resplit: $moves re-splits, every file bitwise equal to the static run; resumed on 3 ranks sequential, equal"
