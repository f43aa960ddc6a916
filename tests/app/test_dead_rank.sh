#!/usr/bin/env bash
# A rank dies (kill -9) in the middle of a 4-rank run that writes restarts often. The job must end
# by itself well within 60 s (mpirun tears it down; no rank may hang in a collective), the newest
# restart file under its final name must be complete (every dataset of a good restart, readable),
# a stale .tmp must never be taken for a restart, and resuming from the newest restart must give
# output bitwise identical to a straight run. Then the same with ranks moving between the components at
# every coupling boundary (coupling.resplit), so that the kill lands in the middle of a move or next to one.
# usage: test_dead_rank.sh MERIDIAN SOURCE_DIR MPIEXEC
set -uo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
launcher=""
cleanup() { [[ -n "$launcher" ]] && kill -9 "$launcher" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "test_dead_rank: $*" >&2; exit 1; }
compare="/usr/bin/python3 $src/tests/app/compare_outputs.py"
steps=2000
common=(--config "$src/configs/default.ini" --grid.nx=144 --grid.ny=72 --run.steps=$steps --output.every=1000
        --restart.every=20 --restart.keep=3 --diagnostics.every=10)

"$mpiexec" -n 4 "$bin" "${common[@]}" --output.dir="$tmp/straight" >"$tmp/straight.log" || fail "straight run failed"

# Kills rank 2 of a run of `common` plus the arguments given, writing to $tmp/$1, once a few restart
# files exist, then checks what must hold and resumes (in the sequential layout) from the newest restart.
kill_and_resume() {
local name="$1"; shift
local killed="$tmp/$name"
# The victim run, in its own process group so that the test can clean up whatever is left.
setsid timeout -k 5 60 "$mpiexec" -n 4 "$bin" "${common[@]}" "$@" --output.dir="$killed" >"$killed.log" 2>&1 &
launcher=$!
for _ in $(seq 1 600); do  # until a few restart files exist
  n=$(ls "$killed"/restart_*.h5 2>/dev/null | wc -l)
  [[ $n -ge 2 ]] && break
  sleep 0.05
done
mpirun_pid=$(pgrep -P "$launcher" | head -1)  # timeout's child: mpirun or mpiexec, by whatever name
[[ -n "$mpirun_pid" ]] || fail "mpirun not found under the launcher (pid $launcher)"
ranks=($(pgrep -P "$mpirun_pid" -x meridian))
[[ ${#ranks[@]} -eq 4 ]] || fail "expected 4 rank processes under mpirun $mpirun_pid, found ${#ranks[@]}"
victim=${ranks[2]}
start_ns=$(date +%s%N)
kill -9 "$victim"
status=0
wait "$launcher" || status=$?
launcher=""
elapsed=$(( ($(date +%s%N) - start_ns) / 1000000000 ))  # whole seconds
echo "test_dead_rank: killed rank pid $victim; job ended with status $status after ${elapsed}s"
# mpirun itself exits 137 (rank killed by signal 9), so only the clock tells the timeout apart.
if [[ $elapsed -ge 55 || $status -eq 124 ]]; then
  cat "$killed.log"; fail "the job hung: it was ended by the 60 s timeout, not by mpirun"
fi
[[ $status -ne 0 ]] || fail "the job reported success after losing a rank"
for pid in "${ranks[@]}"; do
  state=$(ps -o stat= -p "$pid" 2>/dev/null)  # a zombie (Z) is dead; a container's PID 1 may never reap it
  [[ -z "$state" || "$state" == Z* ]] || { ps -o pid,ppid,stat,cmd -p "$pid"; fail "rank process $pid still alive after the job ended"; }
done
[[ -f "$killed/status.txt" ]] && fail "status.txt claims the run ended normally"

# Plant a stale, larger-step .tmp: it must not be mistaken for the newest restart.
newest=$(ls "$killed"/restart_*.h5 | sort | tail -1)
[[ -n "$newest" ]] || fail "no restart file under a final name"
echo "garbage" >"$killed/restart_999999.h5.tmp"
newest_again=$(ls "$killed"/restart_*.h5 | sort | tail -1)
[[ "$newest" == "$newest_again" ]] || fail "a .tmp file is listed as a restart"
step=$((10#$(basename "$newest" .h5 | sed 's/restart_//')))
echo "test_dead_rank: newest complete restart: $newest (step $step)"
/usr/bin/python3 - "$newest" "$tmp/straight/restart_00$steps.h5" <<'PY' || fail "$newest is not a complete restart file"
import sys, h5py
def names(path):
    out = []
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] in (b"meridian-restart", "meridian-restart")
        f.visititems(lambda n, o: out.append((n, o.shape)) if isinstance(o, h5py.Dataset) else None)
        for n, _ in out: f[n][()]  # every byte readable
    return sorted(out)
got, want = names(sys.argv[1]), names(sys.argv[2])
assert got == want, f"datasets {got} != {want}"
PY

"$mpiexec" -n 4 "$bin" "${common[@]}" --output.dir="$killed" --restart.from="$newest" >"$killed-resumed.log" \
  || fail "resuming from $newest failed"
$compare "$tmp/straight" "$killed" --files "restart_00$steps.h5" 'atmosphere_*.h5' 'ocean_*.h5' 'land_*.h5' \
  --diagnostics || fail "the resumed run differs from the straight run"
echo "test_dead_rank ($name): job ended by itself, newest restart complete, resumed run bitwise identical"
}

kill_and_resume killed
# Ranks moving between the components at every coupling boundary (moves take most of the wall time):
# a rank killed mid-move must leave the newest restart whole, since a move writes no file.
schedule=""
for ((s = 2; s < steps; s += 2)); do
  case $(( s / 2 % 3 )) in 0) schedule+="$s:2,1,1 " ;; 1) schedule+="$s:1,2,1 " ;; 2) schedule+="$s:1,1,2 " ;; esac
done
kill_and_resume killed-moving --coupling.layout=concurrent --atmosphere.ranks=2 --ocean.ranks=1 --land.ranks=1 \
  --coupling.resplit="$schedule"
grep -q "re-split" "$tmp/killed-moving.log" || fail "the moving run was killed before its first move"
