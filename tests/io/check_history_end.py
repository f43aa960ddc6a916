#!/usr/bin/python3
"""Checks the folders check_history_end.sh made: which history steps exist, what the XDMF lists,
and that the last history step holds the final state (the end-of-run restart), masked."""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np

work = sys.argv[1]
failures = []
components = ("atmosphere", "ocean", "land")


def check(ok, what):
    if not ok:
        failures.append(what)


def history_steps(folder, component):
    names = glob.glob(os.path.join(work, folder, f"{component}_*.h5"))
    return sorted(int(re.search(r"_(\d+)\.h5$", n).group(1)) for n in names)


def xdmf_steps(folder, component):
    grids = ET.parse(os.path.join(work, folder, f"{component}.xdmf")).getroot().findall("./Domain/Grid/Grid")
    return [int(g.get("Name").rsplit("_", 1)[1]) for g in grids], [float(g.find("Time").get("Value")) for g in grids]


for folder, want in (("end", [0, 8, 16, 20]), ("concurrent", [0, 8, 16, 20]), ("exact", [0, 8, 16]), ("resumed", [0, 8, 16, 20, 24, 32, 40])):
    for component in components:
        check(history_steps(folder, component) == want, f"{folder}: {component} steps {history_steps(folder, component)}")
        steps, times = xdmf_steps(folder, component)
        check(steps == want, f"{folder}: {component}.xdmf lists steps {steps}, want {want}")
        check(times == [1800.0 * s for s in want], f"{folder}: {component}.xdmf times {times}")
for component in components:
    check(history_steps("none", component) == [], f"none: {component} has history with output.every = 0")

# The last history file holds the final state: the end-of-run restart's fields, NaN where the
# surface does not cover the cell, the real (stale) value kept in the restart there.
for folder, component, name in [(d, c, n) for d in ("end", "concurrent")
                                for c, n in (("atmosphere", "t_atm"), ("ocean", "t_ocean"), ("land", "t_land"))]:
    with h5py.File(os.path.join(work, folder, "restart_000020.h5"), "r") as restart:
        with h5py.File(os.path.join(work, folder, f"{component}_000020.h5"), "r") as f:
            history, state = f[name][0], restart[component][name][0]
            check(f.attrs["step"] == 20, f"{folder}/{component}_000020.h5: step attribute {f.attrs['step']}")
            check(not np.isnan(state).any(), f"{folder}: restart {component}/{name} holds NaN")
            if component == "atmosphere":
                check(np.array_equal(history, state), f"{folder}: {name} at step 20 is not the final state")
                continue
            covered = f[f"{component}_fraction"][0] > 0
            check(np.array_equal(history[covered], state[covered]), f"{folder}: {name} at step 20 is not the final state")
            check(np.isnan(history[~covered]).all() and (~covered).any(), f"{folder}: {name}: uncovered cells not NaN")
            check(np.isnan(f[name].attrs.get("_FillValue", 0.0)), f"{folder}: {name} has no NaN _FillValue")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("history end checks passed")
