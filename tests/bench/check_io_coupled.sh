#!/usr/bin/env bash
# Usage: check_io_coupled.sh <meridian-bench> [mpirun]
# Runs `meridian-bench io` (256x256, 2 ranks) and `meridian-bench coupled` (8 steps, 2 ranks) with
# --json and checks that each prints one line with the keys scripts/bench.sh reads, that every
# figure is a positive number, and that io leaves no scratch folder behind.
set -euo pipefail
bench=${1:?usage: check_io_coupled.sh <meridian-bench> [mpirun]}
mpirun=${2:-mpirun}
fail() { echo "FAIL: $*" >&2; exit 1; }

# The value of "key" in a one-line JSON object (numbers and strings without quotes inside).
json_value() { sed -n "s/.*\"$2\": \"\{0,1\}\([^,\"}]*\)\"\{0,1\}[,}].*/\1/p" <<<"$1"; }
positive() { awk -v v="$1" 'BEGIN { exit !(v ~ /^[-+0-9.eE]+$/ && v + 0 > 0) }'; }
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

out=$("$mpirun" -n 2 --oversubscribe "$bench" io --nx 256 --ny 256 --repeats 2 --dir "$scratch" --json) ||
  fail "io exited with $?"
[[ $(wc -l <<<"$out") -eq 1 ]] || fail "io printed more than one line: $out"
line=$out
[[ $(json_value "$line" name) == io_256x256_f4 ]] || fail "io name: $line"
[[ $(json_value "$line" ranks) == 2 ]] || fail "io ranks: $line"
check_line io "$line" metric unit baseline_name process_grid -- \
  value baseline ratio seconds raw_seconds write_history_seconds bytes file_bytes
[[ $(json_value "$line" bytes) == 2097152 ]] || fail "io bytes is not 4 x 256 x 256 x 8: $line"
[[ -z "$(ls -A "$scratch")" ]] || fail "io left files behind in its --dir: $(ls -A "$scratch")"
echo "io: ratio=$(json_value "$line" ratio) value=$(json_value "$line" value) GB/s"

out=$("$mpirun" -n 2 --oversubscribe "$bench" coupled --steps 8 --repeats 1 --stream-mib 4 --dir "$scratch" --json) ||
  fail "coupled exited with $?"
[[ $(wc -l <<<"$out") -eq 1 ]] || fail "coupled printed more than one line: $out"
line=$out
[[ $(json_value "$line" name) == coupled_sequential_144x72 ]] || fail "coupled name: $line"
[[ $(json_value "$line" ranks) == 2 ]] || fail "coupled ranks: $line"
[[ $(json_value "$line" steps) == 8 ]] || fail "coupled steps: $line"
check_line coupled "$line" metric unit baseline_name layout process_grid other_s -- \
  value baseline ratio seconds_per_simulated_day wall_s stream_gbs atmosphere_s ocean_s land_s coupler_s
[[ -z "$(ls -A "$scratch")" ]] || fail "coupled left files behind in its --dir: $(ls -A "$scratch")"
echo "coupled: ratio=$(json_value "$line" ratio) value=$(json_value "$line" value) Mcells/s per rank"

# Both layouts on the same 3 ranks (1+1+1 or the calibrated split): one row each and a comparison.
out=$("$mpirun" -n 3 --oversubscribe "$bench" coupled --layout both --steps 8 --repeats 1 --stream-mib 4 --dir "$scratch" --json) ||
  fail "coupled --layout both exited with $?"
[[ $(wc -l <<<"$out") -eq 3 ]] || fail "coupled --layout both printed $(wc -l <<<"$out") lines: $out"
conc=$(sed -n 2p <<<"$out")
[[ $(json_value "$conc" layout) == concurrent ]] || fail "second row is not the concurrent layout: $conc"
[[ $(json_value "$conc" split) =~ ^[0-9]+\+[0-9]+\+[0-9]+$ ]] || fail "no rank split in: $conc"
check_line coupled_layouts "$(sed -n 3p <<<"$out")" -- value baseline ratio
echo "layouts: $(sed -n 3p <<<"$out")"

# Bad input fails on every rank with status 2 and one message.
if "$mpirun" -n 2 --oversubscribe "$bench" coupled --layout diagonal --json >/dev/null 2>"$scratch/err"; then
  fail "coupled --layout diagonal succeeded"
fi
grep -q "is not one of sequential, concurrent, both" "$scratch/err" || fail "no clear message for a bad --layout: $(cat "$scratch/err")"
echo PASS
