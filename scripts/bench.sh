#!/usr/bin/env bash
# Runs meridian's benchmarks against their baselines and prints one table:
#   halo exchange vs raw MPI at 4096x4096 (bandwidth-bound) and 64x64 (latency-bound), width 2,
#   4 fields (the messages that travel vs raw MPI of the same bytes in one message per peer, the self
#   copy on its own vs a plain loop and memcpy); the heat stencil at 256^2, 1024^2 and 4096^2 vs
#   the best plain MPI code for it (stencil_baseline.cpp) and vs STREAM;
#   a parallel HDF5 history write (+fsync) of 4 fields vs raw POSIX write+fsync of the same bytes
#   (the file's), 5 interleaved repeats: medians, their ratio and min..max of each; the same with
#   output.precision = single against raw writes of that smaller file's bytes;
#   what history costs configs/cluster.ini's model day, written in the foreground and in the background
#   (output.background), vs the same run without history (scripts/history_cost.py, 3 interleaved rounds);
#   the coupled model (144x72, 96 steps) in cell updates/s per rank vs STREAM triad / 16 B, and per
#   layout the coupler's atmosphere <-> ocean redistribution (gather + scatter on the run's
#   placements) in GB/s vs raw MPI Isend/Irecv of the same messages (redistribution_<layout> rows);
#   set-up of the stock model at SETUP_RANKS (default 1 2 4 8 16 32 64, oversubscribed) ranks with
#   the same 32 x 16 cells per rank: time, memory growth and per-rank plan sizes (weak scaling).
# Usage: scripts/bench.sh [--quick] [--no-build]     RANKS=2 by default; MERIDIAN_BUILD_DIR=build.
# IO_NX (default 4096: 4 fields = 512 MiB; 8192 = 2 GiB) sets the io grid; IO_DIR (default: the
# current directory) the file system it writes to, in a scratch folder removed afterwards.
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
  big=1024 stencil_runs=("256 400" "1024 40") repeats=(--repeats 3) io_nx=${IO_NX:-1024}
else
  big=4096 stencil_runs=("256 4000" "1024 400" "4096 50") repeats=() io_nx=${IO_NX:-4096}
fi
io_dir="${IO_DIR:-.}"
io_need_mib=$(( io_nx * io_nx * 4 * 8 / 1048576 * 2 ))  # the HDF5 file and the raw files of one repeat
io_free_mib=$(df -Pm "$io_dir" | awk 'NR == 2 { print $4 }')
if (( io_free_mib < io_need_mib + 1024 )); then
  echo "scripts/bench.sh: only ${io_free_mib} MiB free in $io_dir, io at ${io_nx}^2 needs ${io_need_mib} MiB" >&2
  exit 1
fi
out="${MERIDIAN_BENCH_OUT:-$(mktemp /tmp/meridian-bench.XXXXXX.jsonl)}"
: >"$out"
run() { mpirun -n "$ranks" "$bench" "$@" --json | tee -a "$out" >/dev/null; }
run halo --nx "$big" --ny "$big" --width 2 --fields 4 "${repeats[@]}"
run halo --nx 64 --ny 64 --width 2 --fields 4 "${repeats[@]}"
# The stencil at a small block (latency-bound), cache-resident and memory-bound sizes; steps so
# that each size runs about as long.
for size_steps in "${stencil_runs[@]}"; do
  read -r n n_steps <<<"$size_steps"
  run stencil --nx "$n" --steps "$n_steps" "${repeats[@]}"
done
run io --nx "$io_nx" --ny "$io_nx" --fields 4 --dir "$io_dir" "${repeats[@]}"
# What history costs the model at configs/cluster.ini's interval (0.25 degrees, one model day), in the
# foreground and the background, against the same run without history (scripts/history_cost.py).
if [[ $quick -eq 1 ]]; then history_grid=(-- --grid.nx=360 --grid.ny=180) history_rounds=1; else history_grid=() history_rounds=3; fi
/usr/bin/python3 "$root/scripts/history_cost.py" "$build/apps/meridian/meridian" --config "$root/configs/cluster.ini" \
  --ranks "$ranks" --rounds "$history_rounds" --dir "$io_dir" --json "${history_grid[@]}" | tee -a "$out" >/dev/null
# Concurrent layout needs a rank per component: compare layouts from 3 ranks up.
if [[ "${RANKS:-2}" -ge 3 ]]; then run coupled --layout both "${repeats[@]}"; else run coupled "${repeats[@]}"; fi
if [[ $quick -eq 1 ]]; then setup_ranks=${SETUP_RANKS:-1 4 16}; else setup_ranks=${SETUP_RANKS:-1 2 4 8 16 32 64}; fi
for n in $setup_ranks; do
  mpirun -n "$n" --oversubscribe "$bench" setup --nx 32 --ny 16 --dir "$io_dir" --json | tee -a "$out" >/dev/null
done

/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
def fmt(v, digits=4):
    return "-" if v is None else f"{v:.{digits}g}"
print(f"{'name':<28} {'ranks':>5}  {'figure':<32} {'value':>10}  {'baseline':<26} {'value':>10}  {'ratio':>6}")
for r in rows:
    figure = f"{r['metric']} [{r['unit']}]"
    print(f"{r['name']:<28} {r['ranks']:>5}  {figure:<32} {fmt(r['value']):>10}  "
          f"{r['baseline_name']:<26} {fmt(r['baseline']):>10}  {fmt(r['ratio'], 3):>6}")
for r in rows:
    if "checksum" in r:
        print(f"# {r['name']}: checksum {r['checksum']:.15g} (meridian) vs {r['baseline_checksum']:.15g} (hand-written): "
              f"{'identical' if r['checksums_equal'] == 'yes' else 'DIFFERENT'}; {r['mlups']:.0f} MLUP/s")
    if "raw_seconds" in r:
        print(f"# {r['name']}: median {r['seconds']:.3g} s [{r['min_seconds']:.3g}..{r['max_seconds']:.3g}] for "
              f"{r['file_bytes'] / 2**20:.0f} MiB ({r['bytes'] / 2**20:.0f} MiB of fields; write_history {r['write_history_seconds']:.3g} s "
              f"+ fsync) vs raw write+fsync of the same bytes median {r['raw_seconds']:.3g} s "
              f"[{r['min_raw_seconds']:.3g}..{r['max_raw_seconds']:.3g}], {r['repeats']} interleaved repeats; "
              f"ratio of medians {r['ratio']:.3g}, process grid {r['process_grid']}")
        if "single_seconds" in r:
            print(f"# {r['name']}: output.precision = single: median {r['single_seconds']:.3g} s for "
                  f"{r['single_file_bytes'] / 2**20:.0f} MiB vs raw write+fsync of those bytes {r['single_raw_seconds']:.3g} s: "
                  f"ratio {r['single_ratio']:.3g}; {r['single_vs_double']:.3g}x the double file's speed")
    if "history_share" in r:
        print(f"# {r['name']}: history costs {100 * r['history_share']:.1f}% of the run (median of {r['rounds']} "
              f"interleaved rounds against the run without history; its output row {100 * r['output_row_share']:.1f}%); "
              f"the goal is < 5%")
    if "seconds_per_simulated_day" in r:
        split = ", ".join(f"{p} {r[p + '_fraction'] * 100:.0f}%" for p in ("atmosphere", "ocean", "land", "coupler", "other")
                          if r.get(p + "_fraction") is not None)
        print(f"# {r['name']}: {r['seconds_per_simulated_day']:.3g} s per simulated day, {r['steps']:.0f} steps; "
              f"wall split {split} (halo exchanges inside components)")
    if "us_per_round" in r:
        print(f"# {r['name']}: {r['us_per_round']:.1f} us per gather+scatter round vs {r['raw_us_per_round']:.1f} us raw, "
              f"{r['bytes_per_rank']} bytes and {r['messages_per_rank']} messages per rank ({r['routes']}), "
              f"{r['surface']} on a {r['fine_grid']} grid (refine {r['refine']})")
    if "us_per_exchange" in r:
        print(f"# {r['name']}: {r['us_per_exchange']:.1f} us per exchange vs {r['raw_us_per_exchange']:.1f} us raw + plain "
              f"self copy; messages that travel {r['travel_us']:.1f} us vs {r['raw_travel_us']:.1f} us raw "
              f"({r['messages_per_exchange']} vs {r['raw_messages_per_exchange']} messages per exchange, "
              f"{r['bytes_per_rank']} bytes per rank); self copy {r['self_copy_us']:.1f} us vs {r['plain_self_copy_us']:.1f} us "
              f"plain loop, {r['memcpy_same_bytes_us']:.1f} us memcpy of its {r['self_copy_bytes']} bytes; "
              f"process grid {r['process_grid']}")
setup = [r for r in rows if r["name"].startswith("setup_")]
if setup:
    print(f"# set-up, weak scaling ({setup[0]['name']}): per rank, largest over ranks; halo bytes per exchange of one level")
    print(f"# {'ranks':>5} {'grid':>9} {'setup_s':>9} {'rss+KiB':>8} {'halo_msgs':>9} {'halo_B':>7} {'coupler_msgs':>12} {'coupler_B':>9}")
    for r in setup:
        print(f"# {r['ranks']:>5} {r['process_grid']:>9} {r['value']:>9.3g} {r['max_setup_rss_kib']:>8.0f} {r['max_halo_messages']:>9.0f} "
              f"{r['max_halo_bytes_per_level']:>7.0f} {r['max_coupler_messages']:>12.0f} {r['max_coupler_bytes']:>9.0f}")
print("# ratio >= 1: meridian at least as fast as its baseline (traffic and coupled rows: fraction of STREAM triad; "
      "redistribution: '-' where every route is local, nothing crosses ranks)")
PY
echo "# JSON lines: $out"
