#!/usr/bin/python3
"""What history output costs a run: the same run with history written in the foreground, in the
background (output.background) and not at all (output.every = 0), in interleaved rounds.

history_cost.py MERIDIAN --config INI [--ranks N] [--rounds R] [--dir D] [--mpirun M] [--json] [-- MORE OPTIONS]

A run's time is the sum of the rows of its timing.csv (each phase's mean over ranks: the stepping,
the coupler, diagnostics, output and restart; set-up excluded). For each way of writing, the medians
over the rounds of that time and of its `output` row, and the run without history as the baseline:
ratio = baseline / time (1.0: history costs nothing; 0.95: it is 5% of the run). With --json, one
line per way of writing in meridian-bench's format (scripts/bench.sh prints them in its table).
docs/performance.md ("History output") has what these figures were on the development machine.
"""
import argparse
import csv
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

WAYS = {
    "foreground": ["--output.background=false"],
    "background": ["--output.background=true"],
    "none": ["--output.every=0"],
}


def run_once(args, way, folder):
    cmd = [*shlex.split(args.mpirun), "-n", str(args.ranks), args.meridian, "--config", args.config, f"--output.dir={folder}",
           "--output.existing=overwrite", *WAYS[way], *args.extra]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        # meridian's own line, not mpirun's banner about it
        said = [line for line in done.stderr.splitlines() if "error" in line and not line.startswith("mpirun")]
        sys.exit(f"history_cost.py: {' '.join(cmd)} failed with status {done.returncode}: "
                 f"{said[0] if said else done.stderr.strip()[-400:]}")
    with open(os.path.join(folder, "timing.csv")) as f:
        rows = {r["phase"]: float(r["mean_s"]) for r in csv.DictReader(f)}
    return sum(rows.values()), rows.get("output", 0.0)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("meridian")
    p.add_argument("--config", required=True)
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--dir", default=None, help="scratch folder (default: a temporary one, removed)")
    p.add_argument("--mpirun", default="mpirun",
                   help="the MPI launcher and its options (default: mpirun), e.g. 'mpirun --bind-to none'")
    p.add_argument("--json", action="store_true")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = p.parse_args(argv[:len(argv) - len(extra) - (1 if "--" in argv else 0)])
    args.extra = extra  # more meridian options, after --
    if args.rounds < 1 or args.ranks < 1:
        sys.exit("history_cost.py: --rounds and --ranks must be >= 1")
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        times = {way: [] for way in WAYS}
        for _ in range(args.rounds):  # interleaved: a change in the machine's load hits every way alike
            for way in WAYS:
                times[way].append(run_once(args, way, os.path.join(scratch, way)))
    name = os.path.splitext(os.path.basename(args.config))[0]
    baseline = statistics.median(t for t, _ in times["none"])
    for way in ("foreground", "background"):
        total = statistics.median(t for t, _ in times[way])
        output = statistics.median(o for _, o in times[way])
        row = {"name": f"history_{name}_{way}", "ranks": args.ranks, "metric": "run_seconds", "unit": "s",
               "value": total, "baseline_name": "no_history", "baseline": baseline, "ratio": baseline / total,
               "history_share": 1.0 - baseline / total, "output_row_share": output / total,
               "rounds": args.rounds, "run_seconds_each": [t for t, _ in times[way]],
               "baseline_seconds_each": [t for t, _ in times["none"]]}
        if args.json:
            print(json.dumps(row))
        else:
            print(f"{name}, history in the {way}: {total:.3g} s against {baseline:.3g} s without history "
                  f"(medians of {args.rounds}): history costs {100 * row['history_share']:.1f}% of the run; "
                  f"its output row {100 * row['output_row_share']:.1f}%")


if __name__ == "__main__":
    main()
