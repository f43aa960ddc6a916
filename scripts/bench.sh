#!/usr/bin/env bash
# Runs meridian's benchmarks against their baselines and prints one table:
#   halo exchange vs raw MPI at 4096x4096 (bandwidth-bound) and 64x64 (latency-bound), width 2,
#   4 fields; the N=4096 heat stencil (50 steps) vs a hand-written MPI version and vs STREAM.
# Usage: scripts/bench.sh [--quick] [--no-build]     RANKS=2 by default; MERIDIAN_BUILD_DIR=build.
# The raw JSON lines are kept in $MERIDIAN_BENCH_OUT (default: a temporary file, path printed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/env.sh"
build="${MERIDIAN_BUILD_DIR:-$root/build}"
ranks="${RANKS:-2}"
quick=0 build_first=1
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --no-build) build_first=0 ;;
    *) echo "usage: scripts/bench.sh [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done

bench="$build/apps/bench/meridian-bench"
if [[ $build_first -eq 1 || ! -x "$bench" ]]; then
  MERIDIAN_BUILD_DIR="$build" "$root/scripts/build.sh" -DCMAKE_BUILD_TYPE=Release >&2
fi

if [[ $quick -eq 1 ]]; then
  big=1024 steps=20 repeats=(--repeats 3)
else
  big=4096 steps=50 repeats=()
fi
out="${MERIDIAN_BENCH_OUT:-$(mktemp /tmp/meridian-bench.XXXXXX.jsonl)}"
: >"$out"
run() { mpirun -n "$ranks" "$bench" "$@" --json | tee -a "$out" >/dev/null; }
run halo --nx "$big" --ny "$big" --width 2 --fields 4 "${repeats[@]}"
run halo --nx 64 --ny 64 --width 2 --fields 4 "${repeats[@]}"
run stencil --nx "$big" --steps "$steps" "${repeats[@]}"

/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
def fmt(v, digits=4):
    return "-" if v is None else f"{v:.{digits}g}"
print(f"{'name':<28} {'ranks':>5}  {'figure':<32} {'value':>10}  {'baseline':<22} {'value':>10}  {'ratio':>6}")
for r in rows:
    figure = f"{r['metric']} [{r['unit']}]"
    print(f"{r['name']:<28} {r['ranks']:>5}  {figure:<32} {fmt(r['value']):>10}  "
          f"{r['baseline_name']:<22} {fmt(r['baseline']):>10}  {fmt(r['ratio'], 3):>6}")
for r in rows:
    if "checksum" in r:
        print(f"# {r['name']}: checksum {r['checksum']:.15g} (meridian) vs {r['baseline_checksum']:.15g} (hand-written): "
              f"{'identical' if r['checksums_equal'] == 'yes' else 'DIFFERENT'}; {r['mlups']:.0f} MLUP/s")
    if "us_per_exchange" in r:
        print(f"# {r['name']}: {r['us_per_exchange']:.1f} us per exchange vs {r['raw_us_per_exchange']:.1f} us raw, "
              f"{r['bytes_per_rank']} bytes per rank, process grid {r['process_grid']}")
print("# ratio >= 1: meridian at least as fast as its baseline (traffic row: fraction of STREAM triad)")
PY
echo "# JSON lines: $out"
