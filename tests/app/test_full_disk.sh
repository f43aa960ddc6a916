#!/usr/bin/env bash
# A full disk: the output folder is a 3 MiB tmpfs. When a restart or history file (written in the
# foreground or, output.background, the background) no longer fits, the run must stop by itself with
# status 4 and one line naming the file and "No space left on device"; no partial or temporary file
# may remain; the previous restart must be intact, and resuming from it must reproduce the straight
# run bit for bit. Needs root (mount); skipped (77) otherwise.
# usage: test_full_disk.sh MERIDIAN SOURCE_DIR MPIEXEC
set -uo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
disk="$tmp/disk"
mkdir -p "$disk"
cleanup() { mountpoint -q "$disk" && umount "$disk"; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "test_full_disk: $*" >&2; exit 1; }
compare="/usr/bin/python3 $src/tests/app/compare_outputs.py"
if ! mount -t tmpfs -o size=3m tmpfs "$disk" 2>"$tmp/mount.err"; then
  echo "test_full_disk: skipped, cannot mount a tmpfs: $(cat "$tmp/mount.err")"
  exit 77
fi
steps=400
common=(--config "$src/configs/default.ini" --grid.nx=144 --grid.ny=72 --run.steps=$steps --restart.keep=100
        --diagnostics.every=10)

for kind in history fixed background restart; do  # restart last: its files are resumed below
  rm -rf "${disk:?}"/*
  opts=(--output.every=10 --restart.every=40)
  [[ $kind == restart ]] && opts=(--output.every=0 --restart.every=20)
  [[ $kind == fixed ]] && opts+=(--output.fixed_fields=own_file)  # history files and <component>.fixed.h5
  [[ $kind == background ]] && opts+=(--output.background=true)  # the failure is thrown by the next call
  status=0
  SECONDS=0
  timeout -k 5 120 "$mpiexec" -q -n 3 "$bin" "${common[@]}" "${opts[@]}" --output.dir="$disk/run" \
    >"$tmp/$kind.out" 2>"$tmp/$kind.err" || status=$?
  cat "$tmp/$kind.err"
  [[ $status -eq 4 ]] || fail "$kind: exit status $status after ${SECONDS}s, expected 4"
  [[ $(grep -c . "$tmp/$kind.err") -eq 1 ]] || fail "$kind: expected exactly one line on stderr"
  named=$kind; [[ $kind == restart ]] || named='[a-z]*'
  grep -q "meridian: error: cannot write '$disk/run/${named}_[0-9]*.h5': No space left on device" "$tmp/$kind.err" \
    || fail "$kind: message does not name the $kind file and 'No space left on device'"
  leftovers=$(find "$disk/run" -name '*.tmp' -o -name '*.reserve')
  [[ -z "$leftovers" ]] || fail "$kind: temporary files left behind: $leftovers"
  [[ -f "$disk/run/status.txt" ]] && fail "$kind: status.txt claims success"
  # Every file under a final name is complete.
  /usr/bin/python3 - "$disk/run" <<'PY' || fail "$kind: an incomplete file under a final name"
import glob, sys, h5py
for path in glob.glob(sys.argv[1] + "/*.h5"):
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: o[()] if isinstance(o, h5py.Dataset) else None)
PY
done

# The previous restart is usable: resume from it (off the full disk) and match a straight run.
newest=$(ls "$disk/run"/restart_*.h5 | sort | tail -1)
[[ -n "$newest" ]] || fail "no restart file survived"
cp -r "$disk/run" "$tmp/resumed"
newest="$tmp/resumed/$(basename "$newest")"
echo "test_full_disk: resuming from $newest"
"$mpiexec" -n 3 "$bin" "${common[@]}" --output.every=0 --restart.every=20 --output.dir="$tmp/straight" >/dev/null \
  || fail "straight run failed"
"$mpiexec" -n 3 "$bin" "${common[@]}" --output.every=0 --restart.every=20 --output.dir="$tmp/resumed" \
  --restart.from="$newest" >/dev/null || fail "resuming from $newest failed"
$compare "$tmp/straight" "$tmp/resumed" --files "restart_000$steps.h5" --diagnostics || fail "the resumed run differs from the straight run"
echo "test_full_disk: full disk stopped the run cleanly; the previous restart was intact and resumed bitwise"
