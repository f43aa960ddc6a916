#!/usr/bin/python3
"""Reads a meridian run's history files with CDO, the way a climate scientist checks them:
cdo fldmean against meridian's own global means (diagnostics.csv), cdo remapcon onto other grids
(the global mean is conserved, values stay in range, cells no surface covers stay missing).
Usage: check_cdo.py RUN_DIR STEP   (RUN_DIR holds <component>_<STEP>.h5 and diagnostics.csv)"""
import csv
import os
import subprocess
import sys

import numpy as np
import xarray as xr

run, step = sys.argv[1], int(sys.argv[2])
work = os.path.join(run, "cdo")
os.makedirs(work, exist_ok=True)
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def history(component):
    return os.path.join(run, f"{component}_{step:06d}.h5")


def cdo(*args):
    return subprocess.run(["cdo", "-s", *args], check=True, capture_output=True, text=True).stdout


def fldmean(*operators):
    return float(cdo("outputf,%.17g", "-fldmean", *operators))


def relative(a, b):
    return abs(a - b) / abs(b)


def band_areas(nx, ny):
    """Exact areas (unit sphere) of an equal-angle nx x ny lon-lat grid from pole to pole, (ny, nx)."""
    edges = np.radians(np.linspace(-90.0, 90.0, ny + 1))
    return np.repeat((np.diff(np.sin(edges)) * 2 * np.pi / nx)[:, None], nx, axis=1)


with open(os.path.join(run, "diagnostics.csv")) as f:
    diagnostics = {int(row["step"]): row for row in csv.DictReader(f)}
row = diagnostics[step]

with xr.open_dataset(history("atmosphere")) as ds:
    source = ds.t_atm.values[0]
ny, nx = source.shape

# 1. cdo fldmean == diagnostics.csv. meridian sums exactly (correctly rounded means); CDO adds the
# n = nx * ny products area * value in plain double, so its mean is within about n * eps of the
# exact one (measured on 36 x 18: 4e-16). CDO weights by cell_area because the variables name it
# in cell_measures; with the areas CDO computes from the bounds (great-circle edges, up to 0.5%
# off) it would agree only to 5e-7 on a 36 x 18 grid.
tolerance = nx * ny * np.finfo(float).eps
t_atm = fldmean("-selname,t_atm", history("atmosphere"))
want = float(row["atmosphere_mean_temperature"])
check(relative(t_atm, want) <= tolerance, f"cdo fldmean t_atm {t_atm!r} vs diagnostics {want!r}")
# Surface means are weighted by area x fraction: mean(T f, missing -> 0) / mean(f) is the same sum.
for component, name in (("ocean", "t_ocean"), ("land", "t_land")):
    covered = fldmean("-setmisstoc,0", f"-expr,x={name}*{component}_fraction", history(component))
    fraction = fldmean(f"-selname,{component}_fraction", history(component))
    want = float(row[f"{component}_mean_temperature"])
    check(relative(covered / fraction, want) <= 2 * tolerance,
          f"cdo area x fraction mean of {name} {covered / fraction!r} vs diagnostics {want!r}")

# 2. Missing values: NaN exactly where the surface fraction is 0, and CDO counts them as missing.
for component, name in (("ocean", "t_ocean"), ("land", "t_land")):
    with xr.open_dataset(history(component)) as ds:
        values, fraction = ds[name].values[0], ds[f"{component}_fraction"].values[0]
        check(np.array_equal(np.isnan(values), fraction <= 0), f"{name}: NaN cells are not the uncovered ones")
        check(0 < np.count_nonzero(fraction <= 0) < fraction.size, f"{component}: the mask covers nothing or all")
    info = cdo("info", f"-selname,{name}", history(component)).splitlines()[-1].split()
    missing = int(info[[n for n, word in enumerate(info) if word == ":"][1] - 1])  # "Gridsize Miss : Minimum"
    check(missing == np.count_nonzero(fraction <= 0), f"cdo info counts {missing} missing {name} cells")

# 3. remapcon of t_atm onto coarser and finer unaligned grids: the area-weighted global mean
# (exact band areas; CDO's remapping clips cells along latitude circles, so this is the measure
# it conserves) is conserved (measured: equal to the last bit), and every value is a convex
# combination of source values.
source_mean = np.sum(source * band_areas(nx, ny)) / (4 * np.pi)
for tx, ty in ((nx * 2 // 3, ny * 2 // 3), (2 * nx, 2 * ny)):
    target_path = os.path.join(work, f"t_atm_r{tx}x{ty}.nc")
    cdo("-f", "nc4", f"remapcon,r{tx}x{ty}", "-selname,t_atm", history("atmosphere"), target_path)
    with xr.open_dataset(target_path) as ds:
        target = ds.t_atm.values[0]
    check(target.shape == (ty, tx), f"r{tx}x{ty}: shape {target.shape}")
    mean = np.sum(target * band_areas(tx, ty)) / (4 * np.pi)
    check(relative(mean, source_mean) <= 1e-13, f"r{tx}x{ty}: global mean {mean!r}, source {source_mean!r}")
    slack = 1e-13 * np.abs(source).max()
    check(source.min() - slack <= target.min() and target.max() <= source.max() + slack,
          f"r{tx}x{ty}: values outside the source range")

# 4. remapcon of t_ocean: onto the grid twice as fine with aligned edges every cell is its parent
# cell (missing where the parent is); onto a coarser unaligned grid a cell is missing exactly when
# every source cell it overlaps is, and valid cells stay within the range of valid source values.
with xr.open_dataset(history("ocean")) as ds:
    ocean = ds.t_ocean.values[0]
grid = os.path.join(work, "twice.txt")
with open(grid, "w") as f:
    f.write(f"gridtype = lonlat\nxsize = {2 * nx}\nysize = {2 * ny}\nxfirst = {90 / nx}\nxinc = {180 / nx}\n"
            f"yfirst = {-90 + 45 / ny}\nyinc = {90 / ny}\n")
cdo("-f", "nc4", f"remapcon,{grid}", "-selname,t_ocean", history("ocean"), os.path.join(work, "twice.nc"))
with xr.open_dataset(os.path.join(work, "twice.nc")) as ds:
    fine = ds.t_ocean.values[0]
parent = np.repeat(np.repeat(ocean, 2, axis=0), 2, axis=1)
check(np.array_equal(np.isnan(fine), np.isnan(parent)), "twice as fine: missing cells are not the parents' ones")
valid = ~np.isnan(parent)
check(np.all(np.abs(fine[valid] - parent[valid]) <= 4 * np.finfo(float).eps * np.abs(parent[valid])),
      "twice as fine: a cell differs from its parent")

cx, cy = nx * 2 // 3, ny * 2 // 3
cdo("-f", "nc4", f"remapcon,r{cx}x{cy}", "-selname,t_ocean", history("ocean"), os.path.join(work, "coarse.nc"))
with xr.open_dataset(os.path.join(work, "coarse.nc")) as ds:
    coarse, lon, lat = ds.t_ocean.values[0], ds.lon.values, ds.lat.values


def overlapping(lo, hi, edges, period=None):
    """Indices of the source cells [edges[k], edges[k+1]] that overlap (lo, hi) with positive length."""
    shifts = (-period, 0.0, period) if period else (0.0,)
    return sorted({k for s in shifts for k in range(len(edges) - 1)
                   if min(hi + s, edges[k + 1]) - max(lo + s, edges[k]) > 1e-9})


lat_edges, lon_edges = np.linspace(-90, 90, ny + 1), np.linspace(0, 360, nx + 1)
wrong = 0
for j, y in enumerate(lat):
    rows = overlapping(y - 90 / cy, y + 90 / cy, lat_edges)
    for i, x in enumerate(lon):
        cols = overlapping(x - 180 / cx, x + 180 / cx, lon_edges, 360.0)
        wrong += bool(np.isnan(coarse[j, i])) != bool(np.all(np.isnan(ocean[np.ix_(rows, cols)])))
check(wrong == 0, f"coarse: {wrong} cells missing or not against the source cells they overlap")
check(0 < np.count_nonzero(np.isnan(coarse)) < coarse.size, "coarse: no missing cell or only missing cells")
slack = 1e-13 * np.nanmax(np.abs(ocean))
check(np.nanmin(ocean) - slack <= np.nanmin(coarse) and np.nanmax(coarse) <= np.nanmax(ocean) + slack,
      "coarse: ocean values outside the range of valid source values")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"cdo checks passed: fldmean t_atm {t_atm!r} = diagnostics {float(row['atmosphere_mean_temperature'])!r}")
