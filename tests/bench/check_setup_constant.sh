#!/usr/bin/env bash
# Usage: check_setup_constant.sh <meridian-bench> [mpirun]
# Weak scaling of set-up: `meridian-bench setup` builds the stock model on the same 8 x 4 cells per
# rank at 9 ranks (3 x 3) and 16 ranks (4 x 4). Both grids have interior ranks (eight distinct
# neighbours; 4 ranks, 2 x 2, have none), so the largest per-rank plan must be the same: halo
# messages and bytes, coupler routes, messages and bytes. An O(ranks) structure in a plan, or a route
# to every rank, makes them differ. Sizes only, never times.
set -euo pipefail
bench=${1:?usage: check_setup_constant.sh <meridian-bench> [mpirun]}
mpirun=${2:-mpirun}
fail() { echo "FAIL: $*" >&2; exit 1; }
json_value() { sed -n "s/.*\"$2\": \"\{0,1\}\([^,\"}]*\)\"\{0,1\}[,}].*/\1/p" <<<"$1"; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

keys=(max_halo_messages max_halo_bytes_per_level max_coupler_routes max_coupler_messages max_coupler_bytes)
declare -A seen
for ranks in 9 16; do
  line=$("$mpirun" -n $ranks --oversubscribe "$bench" setup --nx 8 --ny 4 --dir "$scratch" --json) ||
    fail "setup on $ranks ranks exited with $?"
  echo "$ranks ranks: $line"
  for key in "${keys[@]}"; do
    value=$(json_value "$line" "$key")
    [[ -n "$value" ]] || fail "setup JSON lacks '$key': $line"
    if [[ -n "${seen[$key]:-}" && "${seen[$key]}" != "$value" ]]; then
      fail "per-rank $key grows with the rank count: ${seen[$key]} at 9 ranks, $value at $ranks"
    fi
    seen[$key]=$value
  done
done
# An interior rank of the atmosphere (width 2) and of the ocean (width 1) has eight distinct
# neighbours each: 16 messages. Atmosphere: 2 x (8 + 4) x 2 sides + 4 corners x 2 x 2 = 64 values;
# ocean: 2 x (8 + 4) + 4 = 28 values; 92 doubles per level.
[[ ${seen[max_halo_messages]} == 16 ]] || fail "interior rank sends ${seen[max_halo_messages]} halo messages, not 16"
[[ ${seen[max_halo_bytes_per_level]} == $(( (64 + 28) * 8 )) ]] ||
  fail "interior rank sends ${seen[max_halo_bytes_per_level]} halo bytes per level, not $(( (64 + 28) * 8 ))"
[[ -z "$(ls -A "$scratch")" ]] || fail "setup left files behind in its --dir: $(ls -A "$scratch")"
echo PASS
