#!/usr/bin/env bash
# One run owns an output folder, and nothing already written changes until new data is safely in
# place (docs/reliability.md, "Output folders are owned"):
# - a second run into a folder in use is refused (the lock), and a killed run leaves no stuck lock;
# - a new run into a folder holding another run's output is refused unless it continues it
#   (restart.from inside it, or output.existing = continue) or overwrites it;
# - restart.keep prunes only this run's restart files (and those of the run it continues, up to the
#   step resumed from); status.txt never names a missing file; restart.keep = 0 keeps every file;
# - a write that fails on the first write over an old run (diagnostics.csv) leaves the old file as it
#   was, exits 4, and config.ini is never left empty; so does resuming from a restart holding a NaN;
# - a wall-time signal before the first step (during start-up) stops cleanly: restart, status 0.
# usage: test_output_folder.sh MERIDIAN SOURCE_DIR MPIEXEC
set -uo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
launcher=""
cleanup() { [[ -n "$launcher" ]] && kill -9 "$launcher" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "test_output_folder: FAIL: $*" >&2; exit 1; }
small=(--config "$src/configs/default.ini" --grid.nx=24 --grid.ny=12 --output.every=4 --restart.every=4
       --diagnostics.every=2)
fingerprint() { (cd "$1" && find . -type f -exec md5sum {} + | sort); }
refused() {  # refused "expected text" args...: status 2, one line with the text
  local status=0
  timeout 60 "$mpiexec" -q -n 2 "$bin" "${@:2}" >"$tmp/out" 2>"$tmp/err" || status=$?
  [[ $status -eq 2 && $(wc -l <"$tmp/err") -eq 1 ]] && grep -qF -- "$1" "$tmp/err" ||
    { cat "$tmp/err" >&2; fail "expected status 2 and '$1', got status $status"; }
  echo "ok (refused): $(cat "$tmp/err")"
}
run() { "$mpiexec" -n 2 "$bin" "$@" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "run failed: $*"; }; }
finish() {  # finish LOG WHAT: waits for the background run; it must exit 0 and say stopped in status.txt
  local status=0 dir="${1%.log}"
  wait "$launcher" || status=$?
  launcher=""
  [[ $status -eq 0 ]] || { cat "$1" >&2; fail "$2: the run exited $status"; }
  read -r state step restart <"$dir/status.txt"
  [[ $state == stopped && -f "$restart" ]] || fail "$2: status.txt says '$state $step $restart'"
}

# 1. An old run (16 steps, every restart kept); a new run into its folder is refused, changing nothing.
old="$tmp/old"
run "${small[@]}" --run.steps=16 --restart.keep=0 --output.dir="$old"
ls "$old"/restart_0000{04,08,12,16}.h5 >/dev/null || fail "restart.keep = 0 did not keep every restart file"
before="$(fingerprint "$old")"
refused "output.dir = '$old' holds another run's output" "${small[@]}" --run.steps=8 --output.dir="$old"
refused "output.existing = continue needs restart.from" "${small[@]}" --output.existing=continue --output.dir="$old"
refused "output.existing = overwrite would delete restart.from" "${small[@]}" --output.existing=overwrite \
  --restart.from="$old/restart_000008.h5" --output.dir="$old"
cp "$old/restart_000008.h5" "$tmp/elsewhere.h5"
refused "holds another run's output" "${small[@]}" --restart.from="$tmp/elsewhere.h5" --output.dir="$old"
[[ "$(fingerprint "$old")" == "$before" ]] || fail "a refused run changed the old folder"

# 2. Continuing from step 8 to 12 with restart.keep = 2 prunes only files up to step 8 and its own:
#    restart_000016 (the old run went further) is never deleted; status.txt names a file that exists.
cont="$tmp/cont"
cp -r "$old" "$cont"
run "${small[@]}" --run.steps=12 --restart.keep=2 --restart.from="$cont/restart_000008.h5" --output.dir="$cont"
read -r state step restart <"$cont/status.txt"
[[ $state == complete && $step -eq 12 && -f "$restart" ]] || fail "status.txt says '$state $step $restart'"
[[ ! -e "$cont/restart_000004.h5" && -f "$cont/restart_000008.h5" && -f "$cont/restart_000016.h5" ]] ||
  fail "restart.keep pruned the wrong files: $(ls "$cont")"
# The diagnostics rows are those of a straight 12-step run.
run "${small[@]}" --run.steps=12 --output.dir="$tmp/straight12"
cmp "$cont/diagnostics.csv" "$tmp/straight12/diagnostics.csv" || fail "continued diagnostics.csv differs from a straight run"

# 3. output.existing = overwrite: a shorter run replaces the old one; no file of the old run is left.
over="$tmp/over"
cp -r "$old" "$over"
run "${small[@]}" --run.steps=8 --restart.keep=1 --output.existing=overwrite --output.dir="$over"
read -r state step restart <"$over/status.txt"
[[ $state == complete && $step -eq 8 && -f "$restart" ]] || fail "overwrite: status.txt says '$state $step $restart'"
[[ "$(cd "$over" && ls restart_*.h5)" == restart_000008.h5 ]] || fail "overwrite left old restarts: $(ls "$over")"
[[ ! -e "$over/atmosphere_000016.h5" ]] || fail "overwrite left the old run's history files"
cmp -s "$over/diagnostics.csv" "$tmp/straight12/diagnostics.csv" && fail "overwrite kept the old diagnostics"

# 4. A first write that fails (here diagnostics.csv.tmp is a folder, as a full disk would fail it)
#    leaves diagnostics.csv as it was, exits 4 with one line; config.ini is whole.
broken="$tmp/broken"
cp -r "$old" "$broken"
mkdir "$broken/diagnostics.csv.tmp"
diag_before="$(md5sum <"$broken/diagnostics.csv")"
status=0
timeout 60 "$mpiexec" -q -n 2 "$bin" "${small[@]}" --run.steps=16 --restart.from="$broken/restart_000008.h5" \
  --output.dir="$broken" >"$tmp/out" 2>"$tmp/err" || status=$?
[[ $status -eq 4 && $(wc -l <"$tmp/err") -eq 1 ]] && grep -q "diagnostics.csv" "$tmp/err" ||
  { cat "$tmp/err" >&2; fail "a failed diagnostics write gave status $status"; }
[[ "$(md5sum <"$broken/diagnostics.csv")" == "$diag_before" ]] || fail "the failed run changed diagnostics.csv"
grep -q "^\[grid\]" "$broken/config.ini" || fail "config.ini is not whole"
echo "ok (status 4): $(cat "$tmp/err")"

# A NaN in the restart a run resumes from in place: whether the restore refuses it (status 2) or the
# health check finds it (status 3), the earlier run's diagnostics rows are unchanged (a row with a
# NaN is not written over them; the health check runs every output.every = 4 steps, rows every 2).
nan="$tmp/nan"
cp -r "$old" "$nan"
/usr/bin/python3 - "$nan/restart_000008.h5" <<'PY' || fail "cannot plant a NaN in a restart file"
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    d = f["atmosphere/t_atm"]; a = d[()]; a[0, 3, 3] = float("nan"); d[...] = a
PY
diag_before="$(md5sum <"$nan/diagnostics.csv")"
status=0
timeout 60 "$mpiexec" -q -n 2 "$bin" "${small[@]}" --run.steps=16 --restart.from="$nan/restart_000008.h5" \
  --output.dir="$nan" >"$tmp/out" 2>"$tmp/err" || status=$?
[[ $status -eq 2 || $status -eq 3 ]] || { cat "$tmp/err" >&2; fail "resuming from a NaN gave status $status"; }
[[ "$(md5sum <"$nan/diagnostics.csv")" == "$diag_before" ]] || fail "resuming from a NaN changed diagnostics.csv"
echo "ok (status $status): $(cat "$tmp/err")"

# 5. Two runs at once into one folder: the second is refused while the first runs; the first
#    is then stopped by SIGUSR1 and exits 0. A run killed with SIGKILL leaves no stuck lock.
busy="$tmp/busy"
long=(--config "$src/configs/default.ini" --grid.nx=144 --grid.ny=72 --run.steps=100000 --output.every=0
      --restart.every=200 --diagnostics.every=10)
"$mpiexec" -n 2 "$bin" "${long[@]}" --output.dir="$busy" >"$busy.log" 2>&1 &
launcher=$!
for _ in $(seq 1 600); do [[ -s "$busy/diagnostics.csv" ]] && break; sleep 0.05; done
[[ -s "$busy/diagnostics.csv" ]] || fail "the first run never started"
[[ ! -e "$busy/status.txt" ]] || fail "status.txt exists while a run is in progress"
refused "output.dir = '$busy' is in use by another meridian run (process" "${long[@]}" --output.dir="$busy"
refused "is in use by another meridian run" "${long[@]}" --output.existing=overwrite --output.dir="$busy"
kill -USR1 "$launcher"
finish "$busy.log" "SIGUSR1 to mpirun"

killed="$tmp/killed"
setsid "$mpiexec" -n 2 "$bin" "${long[@]}" --output.dir="$killed" >"$tmp/killed.log" 2>&1 &
launcher=$!
for _ in $(seq 1 600); do ls "$killed"/restart_*.h5 >/dev/null 2>&1 && break; sleep 0.05; done
ranks="$(pgrep -P "$launcher" || true)"
[[ -n "$ranks" ]] || fail "no rank processes of the run to kill"
# shellcheck disable=SC2086
kill -9 $ranks
wait "$launcher" 2>/dev/null
launcher=""
newest="$(ls "$killed"/restart_*.h5 | tail -n 1)"
run "${small[@]}" --grid.nx=144 --grid.ny=72 --run.steps=$(( $(basename "$newest" .h5 | sed 's/restart_0*//') + 20 )) \
  --output.every=0 --restart.every=0 --restart.from="$newest" --output.dir="$killed"
grep -q "^complete" "$killed/status.txt" || fail "resuming after a kill -9 did not complete (stuck lock?)"

# 6. A signal during start-up (before the first step): the ranks do not die; a restart is written
#    and status.txt says stopped; status 0. The signal goes straight to the rank processes.
early="$tmp/early"
"$mpiexec" -n 2 "$bin" "${long[@]}" --grid.nx=720 --grid.ny=360 --run.dt=100 --ocean.dt=0 --output.dir="$early" \
  >"$early.log" 2>&1 &
launcher=$!
for _ in $(seq 1 400); do
  ranks="$(pgrep -P "$launcher" || true)"
  [[ $(wc -w <<<"$ranks") -ge 2 ]] && break
  sleep 0.01
done
sleep 0.3  # in MPI_Init or set-up: far from the first step on this grid
# shellcheck disable=SC2086
kill -USR1 $ranks
finish "$early.log" "a signal during start-up"
echo "ok: early signal stopped at step $step with $restart"
echo "test_output_folder: ok"
