#!/usr/bin/env bash
# Usage: check_stencil_checksum.sh <meridian-bench> [mpirun]
# Runs the stencil benchmark at 1, 2, 3, 4 and 8 ranks (oversubscribed) and checks that every checksum (meridian and
# hand-written, all rank counts) is the same to 15 significant digits and bit for bit; then checks
# that the halo benchmark's JSON line has the required keys and a positive ratio.
set -euo pipefail
bench=${1:?usage: check_stencil_checksum.sh <meridian-bench> [mpirun]}
mpirun=${2:-mpirun}
fail() { echo "FAIL: $*" >&2; exit 1; }

# The value of "key" in a one-line JSON object (numbers and strings without quotes inside).
json_value() { sed -n "s/.*\"$2\": \"\{0,1\}\([^,\"}]*\)\"\{0,1\}[,}].*/\1/p" <<<"$1"; }

reference=""
for n in 1 2 3 4 8; do
  out=$("$mpirun" -n "$n" --oversubscribe "$bench" stencil --nx 96 --steps 30 --repeats 2 --stream-mib 4 --json) ||
    fail "stencil at $n ranks exited with $?"
  line=$(grep '"name": "stencil_96x96"' <<<"$out") || fail "no stencil_96x96 line at $n ranks: $out"
  ranks=$(json_value "$line" ranks)
  meridian=$(json_value "$line" checksum)
  baseline=$(json_value "$line" baseline_checksum)
  bits=$(json_value "$line" checksum_exact)
  equal=$(json_value "$line" checksums_equal)
  echo "ranks=$ranks checksum=$meridian baseline_checksum=$baseline exact=$bits"
  [[ "$ranks" == "$n" ]] || fail "ranks is '$ranks', expected $n"
  [[ -n "$meridian" && "$meridian" != null ]] || fail "no checksum at $n ranks: $line"
  [[ "$meridian" == "$baseline" && "$equal" == yes ]] ||
    fail "meridian checksum $meridian differs from the hand-written $baseline at $n ranks"
  if [[ -z "$reference" ]]; then
    reference="$meridian $bits"
  else
    [[ "$meridian $bits" == "$reference" ]] || fail "checksum at $n ranks is '$meridian $bits', at 1 rank '$reference'"
  fi
done

out=$("$mpirun" -n 2 --oversubscribe "$bench" halo --nx 64 --width 2 --fields 2 --repeats 3 --json) ||
  fail "halo exited with $?"
line=$(head -n 1 <<<"$out")
for key in name ranks metric unit value baseline_name baseline ratio us_per_exchange raw_us_per_exchange bytes_per_rank \
    start_us finish_us row_visit_floor_us ratio_bound travel_us raw_travel_us self_copy_us plain_self_copy_us \
    memcpy_same_bytes_us messages_per_exchange raw_messages_per_exchange; do
  [[ -n "$(json_value "$line" "$key")" ]] || fail "halo JSON lacks '$key': $line"
done
ratio=$(json_value "$line" ratio)
awk -v r="$ratio" 'BEGIN { exit !(r + 0 > 0) }' || fail "halo ratio '$ratio' is not positive: $line"
bound=$(json_value "$line" ratio_bound)
awk -v b="$bound" 'BEGIN { exit !(b + 0 > 0 && b + 0 <= 1) }' || fail "halo ratio_bound '$bound' is not in (0, 1]: $line"
# One message per distinct peer, as the raw MPI code sends: on 2 ranks (1 x 2 grid) exactly one.
messages=$(json_value "$line" messages_per_exchange)
raw_messages=$(json_value "$line" raw_messages_per_exchange)
[[ "$messages" == 1 && "$raw_messages" == 1 ]] ||
  fail "halo sends $messages messages per exchange (raw MPI $raw_messages), expected 1 to its one peer: $line"
echo "halo: ratio=$ratio ratio_bound=$bound messages=$messages"
echo PASS
