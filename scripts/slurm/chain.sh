#!/usr/bin/env bash
# Runs a meridian experiment as a chain of Slurm jobs: submits scripts/slurm/meridian.sbatch, and each
# job that stops at its wall-time limit (after writing a restart file) resubmits itself from the newest
# restart until the run is complete. Resumes an interrupted chain: if OUTPUT_DIR/status.txt says
# "stopped", the first job starts from that restart.
#
#   scripts/slurm/chain.sh --output-dir DIR [--config FILE] [--wait [SECONDS]] [-- SBATCH_OPTIONS...]
#
# --wait polls until the run is complete (exit 0) or a job failed (exit 1), for at most SECONDS
# (default 3600). Extra sbatch options (e.g. -n 64 -t 12:00:00) follow `--`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
output_dir="" config="" wait_seconds=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --output-dir) output_dir="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --wait)
      wait_seconds=3600
      if [[ "${2:-}" =~ ^[0-9]+$ ]]; then wait_seconds="$2"; shift; fi
      shift ;;
    --) shift; break ;;
    *) echo "chain.sh: unknown argument '$1'; see the header of $0" >&2; exit 2 ;;
  esac
done
[[ -n "$output_dir" ]] || { echo "chain.sh: --output-dir is required" >&2; exit 2; }
mkdir -p "$output_dir"
output_dir="$(cd "$output_dir" && pwd)"
[[ -z "$config" ]] || config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"

restart=""
if [[ -f "$output_dir/status.txt" ]]; then
  read -r state step last <"$output_dir/status.txt"
  if [[ "$state" == complete ]]; then echo "chain.sh: run already complete at step $step"; exit 0; fi
  [[ "$state" == stopped ]] && restart="$last"
fi
rm -f "$output_dir/status.txt"

job=$(MERIDIAN_ROOT="$root" MERIDIAN_CHAIN=1 MERIDIAN_OUTPUT_DIR="$output_dir" MERIDIAN_CONFIG="$config" \
  MERIDIAN_RESTART="$restart" sbatch --parsable --chdir="$output_dir" --export=ALL "$@" \
  "$root/scripts/slurm/meridian.sbatch")
echo "chain.sh: submitted job $job${restart:+ (from $restart)}; output in $output_dir"
[[ "$wait_seconds" -gt 0 ]] || exit 0

deadline=$((SECONDS + wait_seconds))
while ((SECONDS < deadline)); do
  if [[ -f "$output_dir/status.txt" ]]; then
    read -r state step last <"$output_dir/status.txt"
    if [[ "$state" == complete ]]; then echo "chain.sh: run complete at step $step"; exit 0; fi
  fi
  # No job of the chain left in the queue and not complete: a job failed.
  if [[ -z "$(squeue -h -n meridian -o %i 2>/dev/null)" ]]; then
    sleep 1
    if [[ -f "$output_dir/status.txt" ]] && read -r state step last <"$output_dir/status.txt" && [[ "$state" == complete ]]; then
      echo "chain.sh: run complete at step $step"; exit 0
    fi
    if [[ -z "$(squeue -h -n meridian -o %i 2>/dev/null)" ]]; then
      echo "chain.sh: no job left in the queue and the run is not complete; see $output_dir/meridian-*.out" >&2
      exit 1
    fi
  fi
  sleep 0.5
done
echo "chain.sh: timed out after $wait_seconds s" >&2
exit 1
