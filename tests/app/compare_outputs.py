#!/usr/bin/python3
"""Bitwise comparison of two meridian output folders (or two HDF5 files).

compare_outputs.py A B [--files GLOB ...] [--diagnostics]
Every dataset of every matching HDF5 file must have the same shape and the same bytes in A and B;
attributes that record how a run was made (ranks, process grid, config, step of a restart) are ignored.
With --diagnostics, diagnostics.csv must be identical too. Exit 0 when equal, 1 with the first
difference printed.
"""
import argparse
import fnmatch
import os
import sys

import h5py
import numpy as np


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def compare_files(a, b):
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        da, db = datasets(fa), datasets(fb)
        if sorted(da) != sorted(db):
            return f"{a} and {b} hold different datasets: {sorted(set(da) ^ set(db))}"
        for name in sorted(da):
            x, y = da[name][()], db[name][()]
            if np.shape(x) != np.shape(y):
                return f"{a}:{name} has shape {np.shape(x)}, {b} has {np.shape(y)}"
            xb = np.ascontiguousarray(x).tobytes() if isinstance(x, np.ndarray) else repr(x).encode()
            yb = np.ascontiguousarray(y).tobytes() if isinstance(y, np.ndarray) else repr(y).encode()
            if xb != yb:
                if isinstance(x, np.ndarray) and x.dtype.kind == "f":
                    diff = np.argwhere(x.view(np.uint64) != y.view(np.uint64))[0]
                    return f"{a}:{name} differs first at {tuple(diff)}: {x[tuple(diff)]!r} vs {y[tuple(diff)]!r}"
                return f"{a}:{name} differs"
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--files", nargs="*", default=["*.h5"])
    p.add_argument("--diagnostics", action="store_true")
    args = p.parse_args()
    if os.path.isfile(args.a):
        pairs = [(args.a, args.b)]
    else:
        names = sorted(n for n in os.listdir(args.a) if any(fnmatch.fnmatch(n, g) for g in args.files))
        if not names:
            print(f"compare_outputs: no files matching {args.files} in {args.a}")
            return 1
        pairs = []
        for n in names:
            if not os.path.exists(os.path.join(args.b, n)):
                print(f"compare_outputs: {n} is in {args.a} but not in {args.b}")
                return 1
            pairs.append((os.path.join(args.a, n), os.path.join(args.b, n)))
    for a, b in pairs:
        problem = compare_files(a, b)
        if problem:
            print("compare_outputs:", problem)
            return 1
    if args.diagnostics:
        da = open(os.path.join(args.a, "diagnostics.csv")).read()
        db = open(os.path.join(args.b, "diagnostics.csv")).read()
        if da != db:
            la, lb = da.splitlines(), db.splitlines()
            for i, (x, y) in enumerate(zip(la, lb)):
                if x != y:
                    print(f"compare_outputs: diagnostics.csv line {i + 1}: {x!r} vs {y!r}")
                    return 1
            print(f"compare_outputs: diagnostics.csv has {len(la)} vs {len(lb)} lines")
            return 1
    print(f"compare_outputs: {len(pairs)} file(s) identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
