#!/usr/bin/env bash
# A real single-node Slurm cluster runs scripts/slurm/chain.sh; a wall-time signal forced mid-run
# (scancel --signal=USR1 --batch, what --signal=B:USR1@120 does at the limit) makes the first job
# checkpoint and resubmit itself; the chain completes with output bitwise equal to a straight run.
# usage: test_slurm_chain.sh MERIDIAN SOURCE_DIR MPIEXEC   (needs root; installs nothing)
set -euo pipefail
bin="$1" src="$2" mpiexec="$3"
if [[ $(id -u) -ne 0 ]] || ! command -v slurmctld >/dev/null; then
  echo "test_slurm_chain: needs root and Debian's slurmctld/slurmd (scripts/setup.sh installs them); skipped"
  exit 77
fi
tmp="$(mktemp -d)"
export MERIDIAN_SLURM_DIR="$tmp/slurm"
cleanup() {
  "$src/scripts/slurm-local.sh" stop || true
  rm -rf "$tmp" || true
}
trap cleanup EXIT
eval "$("$src/scripts/slurm-local.sh" start)"
compare="/usr/bin/python3 $src/tests/app/compare_outputs.py"
steps=3000
args="--grid.nx=144 --grid.ny=72 --run.steps=$steps --output.every=1000 --restart.every=0 --restart.keep=10 --diagnostics.every=10"

# shellcheck disable=SC2086
"$mpiexec" -n 2 "$bin" --config "$src/configs/default.ini" $args --output.dir="$tmp/straight" >/dev/null

export MERIDIAN_BIN="$bin" MERIDIAN_ARGS="$args"
"$src/scripts/slurm/chain.sh" --output-dir "$tmp/chain" --config "$src/configs/default.ini" -- -n 2 -t 5
job=""
for _ in $(seq 1 600); do
  job="$(squeue -h -n meridian -t RUNNING -o %i | head -n 1)"
  rows=0
  [[ -f "$tmp/chain/diagnostics.csv" ]] && rows=$(wc -l <"$tmp/chain/diagnostics.csv")
  [[ -n "$job" && $rows -gt 5 ]] && break
  sleep 0.05
done
[[ -n "$job" ]] || { echo "test_slurm_chain: the first job never ran" >&2; exit 1; }
scancel --signal=USR1 --batch "$job"
echo "test_slurm_chain: sent USR1 to the batch shell of job $job"

deadline=$((SECONDS + 240))
until [[ -f "$tmp/chain/status.txt" ]] && grep -q '^complete' "$tmp/chain/status.txt"; do
  if ((SECONDS > deadline)); then
    echo "test_slurm_chain: chain did not complete" >&2
    cat "$tmp"/chain/meridian-*.out >&2 || true
    exit 1
  fi
  sleep 0.2
done
sleep 1  # let the last job's output file close
cat "$tmp"/chain/meridian-*.out
jobs_run=$(ls "$tmp"/chain/meridian-*.out | wc -l)
[[ $jobs_run -ge 2 ]] || { echo "test_slurm_chain: expected a resubmitted job, saw $jobs_run job(s)" >&2; exit 1; }
grep -q "resubmitting from" "$tmp"/chain/meridian-*.out
$compare "$tmp/straight" "$tmp/chain" --files "restart_00$steps.h5" 'atmosphere_*.h5' 'ocean_*.h5' 'land_*.h5' --diagnostics
echo "test_slurm_chain: $jobs_run jobs, output bitwise equal to the straight run"
