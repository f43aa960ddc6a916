#!/usr/bin/env bash
# Usage: check_io_coupled.sh <meridian-bench> [mpirun]
# Runs `meridian-bench io` (256x256, 2 ranks) and `meridian-bench coupled` (8 steps, 2 and 3 ranks)
# with --json and checks that each prints its lines with the keys scripts/bench.sh reads, that every
# figure is a positive number, that the redistribution rows send the bytes the route arithmetic says
# (nothing where every route is local), that io leaves no scratch folder behind, and that every
# command answers --help.
set -euo pipefail
bench=${1:?usage: check_io_coupled.sh <meridian-bench> [mpirun]}
mpirun=${2:-mpirun}
fail() { echo "FAIL: $*" >&2; exit 1; }

# The value of "key" in a one-line JSON object (numbers and strings without quotes inside).
json_value() { sed -n "s/.*\"$2\": \"\{0,1\}\([^,\"}]*\)\"\{0,1\}[,}].*/\1/p" <<<"$1"; }
positive() { awk -v v="$1" 'BEGIN { exit !(v ~ /^[-+0-9.eE]+$/ && v + 0 > 0) }'; }
# The line of `out` whose name is $2.
row() { grep -F "{\"name\": \"$2\"," <<<"$1" || true; }
# Checks that `line` has every key and that the figures named after `--` are positive numbers.
check_line() {
  local what=$1 line=$2; shift 2
  local key checking_keys=1
  for key in "$@"; do
    if [[ $key == -- ]]; then checking_keys=0; continue; fi
    local value
    value=$(json_value "$line" "$key")
    [[ -n "$value" ]] || fail "$what JSON lacks '$key': $line"
    if [[ $checking_keys -eq 0 ]]; then
      positive "$value" || fail "$what: '$key' is '$value', not a positive number: $line"
    fi
  done
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Every command answers --help (and -h) with the usage and status 0, whatever else is on the line.
for args in "--help" "coupled --help" "io --nx 8 -h" "halo --json --help"; do
  # shellcheck disable=SC2086
  help=$("$mpirun" -n 1 "$bench" $args) || fail "meridian-bench $args exited with $?"
  grep -q '^usage: meridian-bench halo' <<<"$help" || fail "meridian-bench $args printed no usage: $help"
done

out=$("$mpirun" -n 2 --oversubscribe "$bench" io --nx 256 --ny 256 --repeats 2 --dir "$scratch" --json) ||
  fail "io exited with $?"
[[ $(wc -l <<<"$out") -eq 1 ]] || fail "io printed more than one line: $out"
line=$out
[[ $(json_value "$line" name) == io_256x256_f4 ]] || fail "io name: $line"
[[ $(json_value "$line" ranks) == 2 ]] || fail "io ranks: $line"
check_line io "$line" metric unit baseline_name process_grid -- \
  value baseline ratio seconds raw_seconds write_history_seconds bytes file_bytes shared_mpiio_seconds \
  ratio_vs_shared_mpiio single_shared_mpiio_seconds single_ratio_vs_shared_mpiio
[[ $(json_value "$line" bytes) == 2097152 ]] || fail "io bytes is not 4 x 256 x 256 x 8: $line"
[[ -z "$(ls -A "$scratch")" ]] || fail "io left files behind in its --dir: $(ls -A "$scratch")"
echo "io: ratio=$(json_value "$line" ratio) value=$(json_value "$line" value) GB/s"

out=$("$mpirun" -n 2 --oversubscribe "$bench" coupled --steps 8 --repeats 1 --stream-mib 4 --dir "$scratch" --json) ||
  fail "coupled exited with $?"
[[ $(wc -l <<<"$out") -eq 2 ]] || fail "coupled printed $(wc -l <<<"$out") lines, not the model and its redistribution: $out"
line=$(sed -n 1p <<<"$out")
[[ $(json_value "$line" name) == coupled_sequential_144x72 ]] || fail "coupled name: $line"
[[ $(json_value "$line" ranks) == 2 ]] || fail "coupled ranks: $line"
[[ $(json_value "$line" steps) == 8 ]] || fail "coupled steps: $line"
check_line coupled "$line" metric unit baseline_name layout process_grid other_s -- \
  value baseline ratio seconds_per_simulated_day wall_s stream_gbs atmosphere_s ocean_s land_s coupler_s
[[ -z "$(ls -A "$scratch")" ]] || fail "coupled left files behind in its --dir: $(ls -A "$scratch")"
echo "coupled: ratio=$(json_value "$line" ratio) value=$(json_value "$line" value) Mcells/s per rank"

# The coupler's atmosphere <-> ocean route, timed on the run's placements. Sequential layout, same
# grid (ocean.refine = 1): both sides have the same blocks, every route is a local copy.
redis_keys=(metric unit baseline_name routes fine_grid -- us_per_round refine values_per_cell)
line=$(sed -n 2p <<<"$out")
[[ $(json_value "$line" name) == redistribution_sequential ]] || fail "second coupled row: $line"
check_line redistribution "$line" "${redis_keys[@]}"
[[ $(json_value "$line" bytes_per_rank) == 0 && $(json_value "$line" messages_per_rank) == 0 &&
   $(json_value "$line" value) == 0 && $(json_value "$line" ratio) == null &&
   $(json_value "$line" routes) == "all local" ]] || fail "sequential 144x72 routes are all local, yet: $line"

# Both layouts on the same 3 ranks (1+1+1: one rank per component): per layout the model and its
# redistribution, then the comparison.
out=$("$mpirun" -n 3 --oversubscribe "$bench" coupled --layout both --steps 8 --repeats 1 --stream-mib 4 --dir "$scratch" --json) ||
  fail "coupled --layout both exited with $?"
[[ $(wc -l <<<"$out") -eq 5 ]] || fail "coupled --layout both printed $(wc -l <<<"$out") lines: $out"
conc=$(row "$out" coupled_concurrent_144x72)
[[ $(json_value "$conc" layout) == concurrent ]] || fail "no concurrent model row: $out"
[[ $(json_value "$conc" split) == 1+1+1 ]] || fail "3 ranks, 3 components: not a 1+1+1 split in: $conc"
check_line coupled_layouts "$(sed -n 5p <<<"$out")" -- value baseline ratio
echo "layouts: $(sed -n 5p <<<"$out")"
line=$(row "$out" redistribution_sequential)
[[ $(json_value "$line" bytes_per_rank) == 0 ]] || fail "sequential layout on 3 ranks: routes not all local: $line"
# Concurrent 1+1+1: the ocean's rank sends (T, f) of all 144 x 72 cells to the atmosphere's rank and
# gets one flux per cell back; the busier rank sends 144 * 72 * 2 doubles, in one message.
line=$(row "$out" redistribution_concurrent)
check_line redistribution "$line" "${redis_keys[@]}" value baseline ratio raw_us_per_round
[[ $(json_value "$line" bytes_per_rank) == $((144 * 72 * 2 * 8)) ]] || fail "concurrent bytes per rank: $line"
[[ $(json_value "$line" messages_per_rank) == 1 ]] || fail "concurrent messages per rank: $line"
echo "redistribution: $line"

# A refined ocean on an odd grid in the sequential layout, 2 ranks: the blocks no longer line up.
# Atmosphere 37 columns in 2x1 blocks of 19 and 18, i.e. fine columns [0, 38) and [38, 74); ocean 74
# columns in blocks of 37. Fine column 37 belongs to ocean rank 1 but atmosphere rank 0: rank 1 sends
# (T, f) of that column (36 fine rows) and rank 0 sends the fluxes back.
nx=37 ny=18 refine=2
coarse0=$(( (nx + 1) / 2 * refine )) fine0=$(( nx * refine / 2 ))
sed "s/^\[ocean\]$/[ocean]\nrefine = $refine/" "$(dirname "$0")/../../configs/default.ini" >"$scratch/refined.ini"
out=$("$mpirun" -n 2 --oversubscribe "$bench" coupled --config "$scratch/refined.ini" --nx $nx --ny $ny --steps 4 \
  --repeats 1 --stream-mib 4 --dir "$scratch" --json) || fail "coupled with ocean.refine = 2 exited with $?"
rm "$scratch/refined.ini"
line=$(row "$out" redistribution_sequential)
check_line redistribution "$line" "${redis_keys[@]}" value baseline ratio
[[ $(json_value "$line" refine) == $refine && $(json_value "$line" fine_grid) == $((nx * refine))x$((ny * refine)) ]] ||
  fail "refined ocean grid: $line"
[[ $(json_value "$line" bytes_per_rank) == $(( (coarse0 - fine0) * ny * refine * 2 * 8 )) ]] ||
  fail "refined sequential bytes per rank, expected $(( (coarse0 - fine0) * ny * refine * 2 * 8 )): $line"
echo "refined: $line"

# Bad input fails on every rank with status 2 and one message.
if "$mpirun" -n 2 --oversubscribe "$bench" coupled --layout diagonal --json >/dev/null 2>"$scratch/err"; then
  fail "coupled --layout diagonal succeeded"
fi
grep -q "is not one of sequential, concurrent, both" "$scratch/err" || fail "no clear message for a bad --layout: $(cat "$scratch/err")"
echo PASS
