#!/usr/bin/env bash
# Usage: check_history_cost.sh MERIDIAN SOURCE_DIR MPIEXEC
# scripts/history_cost.py (scripts/bench.sh's history rows) on a small run: one JSON line per way of
# writing history with the keys bench.sh reads, positive times, ratio = baseline / time, the history
# and output-row shares that follow from them, the median among the rounds, and no scratch left
# behind; a config that does not exist is one line naming it and a non-zero status.
set -euo pipefail
bin=$1 src=$2 mpiexec=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cost=(/usr/bin/python3 "$src/scripts/history_cost.py" "$bin" --mpirun "$mpiexec" --dir "$scratch")

out=$("${cost[@]}" --config "$src/configs/default.ini" --ranks 2 --rounds 2 --json -- --run.steps=12 --output.every=4) ||
  fail "history_cost.py exited with $?"
echo "$out"
/usr/bin/python3 - "$out" <<'PY' || fail "history_cost.py's JSON is not what scripts/bench.sh reads"
import json, sys
rows = [json.loads(line) for line in sys.argv[1].splitlines()]
assert [r["name"] for r in rows] == ["history_default_foreground", "history_default_background"], rows
for r in rows:
    assert r["ranks"] == 2 and r["metric"] == "run_seconds" and r["unit"] == "s" and r["baseline_name"] == "no_history", r
    assert r["value"] > 0 and r["baseline"] > 0, r
    assert abs(r["ratio"] - r["baseline"] / r["value"]) < 1e-12, r
    assert abs(r["history_share"] - (1 - r["ratio"])) < 1e-12, r
    assert 0 < r["output_row_share"] < 1, r  # the output row is part of the run's time
    assert len(r["run_seconds_each"]) == 2 and len(r["baseline_seconds_each"]) == 2, r
    assert min(r["run_seconds_each"]) <= r["value"] <= max(r["run_seconds_each"]), r
PY
[[ -z "$(ls -A "$scratch")" ]] || fail "history_cost.py left files behind in its --dir: $(ls -A "$scratch")"

status=0
err=$("${cost[@]}" --config "$scratch/missing.ini" --rounds 1 2>&1 >/dev/null) || status=$?
[[ $status -ne 0 ]] || fail "a missing config gave status 0"
[[ $(grep -c . <<<"$err") -eq 1 ]] || fail "a missing config gave more than one line: $err"
grep -q "config file '$scratch/missing.ini' does not exist" <<<"$err" || fail "the line does not name the config: $err"
echo "check_history_cost: ok"
