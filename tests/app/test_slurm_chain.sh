#!/usr/bin/env bash
# A real single-node Slurm cluster runs scripts/slurm/chain.sh; a wall-time signal forced mid-run
# (scancel --signal=USR1 --batch, what --signal=B:USR1@120 does at the limit) makes the first job
# checkpoint and resubmit itself; the chain completes with output bitwise equal to a straight run.
# Then, under srun, a wall-time warning and a SIGTERM to every task each stop a job cleanly (status 0).
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

# Under srun (MERIDIAN_LAUNCHER=srun) both ways a stop arrives end cleanly: the wall-time warning to
# the batch shell (B:USR1, forwarded to srun, which forwards it to every task) and Slurm's SIGTERM to
# every task at a hard time limit or scancel. Each job must report meridian's status 0, leave
# status.txt "stopped" naming a restart file that exists, and end COMPLETED with exit code 0:0.
long="--grid.nx=144 --grid.ny=72 --run.steps=300000 --output.every=0 --restart.every=0 --diagnostics.every=10"
for how in "USR1 --batch" "TERM"; do
  out="$tmp/srun-${how%% *}"
  mkdir -p "$out"
  job=$(MERIDIAN_LAUNCHER=srun MERIDIAN_ARGS="$long" MERIDIAN_OUTPUT_DIR="$out/run" MERIDIAN_ROOT="$src" \
        MERIDIAN_CONFIG="$src/configs/default.ini" sbatch --parsable --export=ALL -n 2 -t 5 --chdir="$out" \
        "$src/scripts/slurm/meridian.sbatch")
  deadline=$((SECONDS + 60))
  until [[ -f "$out/run/diagnostics.csv" ]] && (($(wc -l <"$out/run/diagnostics.csv") > 5)); do
    ((SECONDS < deadline)) || { cat "$out"/meridian-*.out >&2; echo "test_slurm_chain: srun job $job never ran" >&2; exit 1; }
    sleep 0.1
  done
  # shellcheck disable=SC2086
  scancel --signal=$how "$job"
  until [[ $(squeue -h -j "$job" 2>/dev/null | wc -l) -eq 0 ]]; do
    ((SECONDS < deadline)) || { echo "test_slurm_chain: srun job $job did not stop on $how" >&2; exit 1; }
    sleep 0.2
  done
  sleep 0.5  # the job's output file closes
  grep -q "meridian exited with status 0" "$out/meridian-$job.out" ||
    { cat "$out/meridian-$job.out" >&2; echo "test_slurm_chain: srun, $how: meridian did not exit 0" >&2; exit 1; }
  read -r state _ restart <"$out/run/status.txt"
  [[ $state == stopped && -f $restart ]] || { echo "test_slurm_chain: srun, $how: status.txt '$state $restart'" >&2; exit 1; }
  exit_code=$(scontrol show job "$job" | sed -n 's/.*JobState=\([A-Z]*\).*/\1/p; s/.* ExitCode=\([0-9:]*\).*/\1/p' | tr '\n' ' ')
  [[ $exit_code == "COMPLETED 0:0 " ]] || { echo "test_slurm_chain: srun, $how: job ended '$exit_code'" >&2; exit 1; }
  echo "test_slurm_chain: srun, scancel --signal=$how: clean stop at $(basename "$restart"), job $exit_code"
done
