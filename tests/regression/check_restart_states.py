#!/usr/bin/python3
"""Compares every state dataset of a reference restart file with a new one, bit for bit.

Usage: check_restart_states.py REFERENCE NEW
Each dataset of REFERENCE (component/field) must exist in NEW with the same shape and the same bits;
NEW may hold more (state added since). Exit 1 naming the first difference.
"""
import sys

import h5py
import numpy as np


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def main():
    reference, new = (datasets(h5py.File(p, "r")) for p in sys.argv[1:3])
    failures = []
    for name, ref in sorted(reference.items()):
        if name not in new:
            failures.append(f"{name}: missing from {sys.argv[2]}")
        elif new[name].shape != ref.shape:
            failures.append(f"{name}: shape {new[name].shape}, reference {ref.shape}")
        elif not np.array_equal(new[name].view(np.uint64), ref.view(np.uint64)):
            diff = np.argwhere(new[name].view(np.uint64) != ref.view(np.uint64))
            at = tuple(diff[0])
            failures.append(f"{name}: {len(diff)} values differ, first at {at}: {new[name][at]!r} vs {ref[at]!r}")
        else:
            print(f"{name}: {ref.size} values bit-for-bit equal")
    for f in failures:
        print("DIFFERENT " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
