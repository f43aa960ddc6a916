# Sourced by the app tests that feed meridian bad input (test_validation.sh, test_restart_trust.sh,
# test_hostile_input.sh): the one definition of "refused properly" (docs/reliability.md).
#   expect_refusal "expected text" command args...
# runs the command (a whole mpiexec line) with stdout and stderr captured under $tmp, and passes when
# it exits 2 within REFUSAL_SECONDS (default 20) with exactly one stderr line that holds the expected
# text, is at most 600 bytes, has no raw control character, carries no doubled "rank N: rank" prefix,
# and no MPI_Abort banner appears. Prints "ok: <the line>" or a FAIL block, and counts failures in
# $failures (the caller starts it at 0 and fails when it is not 0 at the end).
expect_refusal() {
  local expected="$1"; shift
  local out="$tmp/refusal.stdout" err="$tmp/refusal.stderr" status=0 start=$SECONDS
  "$@" >"$out" 2>"$err" || status=$?
  local seconds=$((SECONDS - start)) lines longest
  lines=$(grep -c . "$err")
  longest=$(wc -L <"$err")
  if [[ $status -ne 2 ]] || [[ $lines -ne 1 ]] || ! grep -qF -- "$expected" "$err" || grep -q "MPI_ABORT" "$err" "$out" ||
     grep -qE "rank [0-9]+: rank" "$err" || [[ $longest -gt 600 ]] || LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$err" ||
     ((seconds > ${REFUSAL_SECONDS:-20})); then
    echo "FAIL: ${*:1:8} ... -> status $status after ${seconds}s, $lines stderr line(s), longest $longest," \
         "expected '$expected':" >&2
    head -c 2000 "$err" | sed 's/^/    /' >&2
    failures=$((failures + 1))
  else
    echo "ok: $(cat "$err")"
  fi
}
