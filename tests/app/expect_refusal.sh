# Sourced by the app tests that feed meridian bad input (test_validation.sh, test_restart_trust.sh,
# test_hostile_input.sh, test_drop_blocks.sh): the one definition of "refused properly" (docs/reliability.md).
#   expect_refusal "expected text" command args...
# runs the command (a whole mpiexec line) with stdout and stderr captured under $tmp, and passes when
# it exits 2 within REFUSAL_SECONDS (default 20) with exactly one stderr line that holds the expected
# text, is at most 600 bytes, has no raw control character, carries no doubled "rank N: rank" prefix,
# and no MPI_Abort banner appears. Prints "ok: <the line>" or a FAIL block, and counts failures in
# $failures (the caller starts it at 0 and fails when it is not 0 at the end).
expect_refusal() {
  local expected="$1"; shift
  local out="$tmp/refusal.stdout" err="$tmp/refusal.stderr" status=0 start=$SECONDS
  "$@" >"$out" 2>"$err.raw" || status=$?
  # Open MPI 4.1's launcher sometimes prints libevent's "[warn] Epoll MOD(1) on fd N failed ... Bad file
  # descriptor" when every rank exits at once (its event loop racing the closed pipes): the launcher's
  # line, not meridian's, so it does not count against the one line meridian may print.
  grep -vE '^\[warn\] Epoll [A-Z]+\([0-9]+\) on fd [0-9]+ failed' "$err.raw" >"$err" || true
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
