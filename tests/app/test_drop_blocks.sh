#!/usr/bin/env bash
# Weighted blocks and land-block elimination (issue 14, core/block_layout.hpp): on a mask whose
# south-west quarter is land, the ocean's 3 ranks cover a 2x2 block grid with the all-land block
# dropped. With sea ice on 6 ranks in the concurrent layout:
#   - the dropping run writes every history file and diagnostics.csv bit for bit as the plain run,
#     with weighted extents too, while ranks move between components (coupling.resplit), and while
#     coupling.rebalance = auto re-cuts weighted blocks as their measured costs drift;
#   - its restart (0 in the dropped block) resumes on 3 ranks in the sequential layout, bit for bit;
#   - --check names the blocks dropped and the ranks saved;
#   - the options where they cannot apply are one line naming the key, exit 2.
# usage: test_drop_blocks.sh MERIDIAN SOURCE_DIR MPIEXEC
set -euo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
compare="/usr/bin/python3 $src/tests/app/compare_outputs.py"
source "$src/tests/app/expect_refusal.sh"
failures=0

# 36 x 18 ocean fractions, northernmost line first: land (0) in the southern 9 rows west of column 18.
awk 'BEGIN { for (j = 17; j >= 0; --j) { line = ""; for (i = 0; i < 36; ++i) line = line (i ? " " : "") ((j < 9 && i < 18) ? 0 : 1); print line } }' \
  >"$tmp/mask.txt"
common=(--config "$src/configs/seaice.ini" --grid.nx=36 --grid.ny=18 --grid.mask=file --grid.mask_file="$tmp/mask.txt"
        --output.every=12 --restart.every=48 --restart.keep=10 --diagnostics.every=0 --run.steps=96
        --surface_exchange.land_temperature.time=mean)
concurrent=(--coupling.layout=concurrent --atmosphere.ranks=1 --ocean.ranks=3 --land.ranks=1 --seaice.ranks=1)
history=('atmosphere_*.h5' 'ocean_*.h5' 'land_*.h5' 'seaice_*.h5')

"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --output.dir="$tmp/plain" >"$tmp/plain.log"

"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --ocean.drop_empty_blocks=true --check >"$tmp/check.log"
grep -q "ocean 3 ranks (2x2 process grid, blocks 18 x 9 cells; 1 of 4 blocks dropped (no cost): 1 rank saved)" \
  "$tmp/check.log" || { echo "test_drop_blocks: --check does not report the dropped block:"; cat "$tmp/check.log"; exit 1; }

"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --ocean.drop_empty_blocks=true --output.dir="$tmp/dropped" \
  >"$tmp/dropped.log"
$compare "$tmp/plain" "$tmp/dropped" --files "${history[@]}" --diagnostics

# Weighted extents, with ranks moving to and from the ocean: each split gets its own block grid,
# dropping what it can.
"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --ocean.drop_empty_blocks=true --ocean.blocks=weighted \
  --coupling.resplit="24:2,2,1,1 60:1,3,1,1" --output.dir="$tmp/moving" >"$tmp/moving.log"
grep -q "extents weighted by cost" "$tmp/moving.log" ||
  { echo "test_drop_blocks: no weighted extents in the log:"; cat "$tmp/moving.log"; exit 1; }
[[ $(grep -c "re-split" "$tmp/moving.log") -ge 2 ]] || { echo "test_drop_blocks: no re-split"; cat "$tmp/moving.log"; exit 1; }
$compare "$tmp/plain" "$tmp/moving" --files "${history[@]}" --diagnostics

# Blocks that follow measured costs: the ocean's synthetic cost moves between the hemispheres with the
# season (it sleeps, so the cores stay free); coupling.rebalance = auto re-cuts its weighted blocks on
# 4 ranks at least once, and the answers stay the plain run's.
"$mpiexec" -n 7 "$bin" "${common[@]}" --coupling.layout=concurrent --atmosphere.ranks=1 --ocean.ranks=4 --land.ranks=1 \
  --seaice.ranks=1 --ocean.blocks=weighted --ocean.synthetic_cost=2e-4 --ocean.synthetic_tilt=0.9 \
  --ocean.synthetic_period=172800 --coupling.rebalance=auto --coupling.rebalance_every=6 --output.dir="$tmp/recut" \
  >"$tmp/recut.log"
grep -q "re-cut the blocks of ocean by measured cost at step .*ocean's slowest block predicted" "$tmp/recut.log" ||
  { echo "test_drop_blocks: the ocean's blocks were not re-cut as its costs drifted"; cat "$tmp/recut.log"; exit 1; }
grep "re-cut" "$tmp/recut.log"
$compare "$tmp/plain" "$tmp/recut" --files "${history[@]}" --diagnostics

# The dropping run's restart, resumed on 3 ranks in the sequential layout.
mkdir -p "$tmp/resumed"
cp "$tmp/dropped/diagnostics.csv" "$tmp/resumed/"
"$mpiexec" -n 3 "$bin" "${common[@]}" --output.dir="$tmp/resumed" --output.existing=continue \
  --restart.from="$tmp/dropped/restart_000048.h5" >"$tmp/resumed.log"
$compare "$tmp/plain" "$tmp/resumed" --files 'atmosphere_000096.h5' 'ocean_000096.h5' 'seaice_000096.h5' --diagnostics
# And the plain run's restart resumed with the block dropped: its land values are read, checked, unused.
mkdir -p "$tmp/resumed-dropping"
cp "$tmp/plain/diagnostics.csv" "$tmp/resumed-dropping/"
"$mpiexec" -n 6 "$bin" "${common[@]}" "${concurrent[@]}" --ocean.drop_empty_blocks=true \
  --output.dir="$tmp/resumed-dropping" --output.existing=continue --restart.from="$tmp/plain/restart_000048.h5" \
  >"$tmp/resumed-dropping.log"
$compare "$tmp/plain" "$tmp/resumed-dropping" --files 'atmosphere_000096.h5' 'ocean_000096.h5' --diagnostics

expect_refusal "ocean.drop_empty_blocks" "$mpiexec" -q -n 2 "$bin" "${common[@]}" --ocean.drop_empty_blocks=true \
  --output.dir="$tmp/refused"
expect_refusal "atmosphere.drop_empty_blocks = true: atmosphere gives no cell costs" "$mpiexec" -q -n 6 "$bin" \
  "${common[@]}" "${concurrent[@]}" --atmosphere.drop_empty_blocks=true --output.dir="$tmp/refused"
((failures == 0)) || exit 1
echo "test_drop_blocks: dropped, weighted, moving and resumed runs are the plain run's, bit for bit"
