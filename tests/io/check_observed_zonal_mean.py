#!/usr/bin/python3
"""Checks scripts/observed_zonal_mean.py on a small synthetic COADS-like file: annual means only from cells
with all 12 months, zonal means over those, the data fraction and the band threshold, the citation in the
header, tables that plot.py's reader takes; and one line, exit non-zero, for a missing or foreign file.
Usage: check_observed_zonal_mean.py OBSERVED_ZONAL_MEAN_PY PLOT_PY WORK_DIR"""
import csv
import importlib.util
import os
import subprocess
import sys

import netCDF4
import numpy as np

script, plot, work = sys.argv[1:4]
failures = []
FILL = np.float32(-1e34)  # COADS's missing value


def check(ok, what):
    if not ok:
        failures.append(what)


def synthetic(path):
    """4 bands x 20 cells. Band 0: no cell with 12 months. Band 1: 2 full-year cells (10%) at 5 and 7 degC,
    and a cell with 11 months. Band 2: 1 full-year cell (5%, below the threshold). Band 3: all 20 cells
    full-year, a seasonal cycle around 27 + i/10 degC (cell i); AIRT is SST - 1 everywhere."""
    sst = np.full((12, 4, 20), FILL, dtype=np.float32)
    season = 3 * np.sin(2 * np.pi * (np.arange(12) + 0.5) / 12)[:, None]
    sst[:6, 0, :] = 10.0
    sst[:, 1, 3], sst[:, 1, 9] = 5.0 + season[:, 0], 7.0
    sst[1:, 1, 12] = -40.0  # 11 months: left out
    sst[:, 2, 0] = 1.0
    sst[:, 3, :] = 27 + np.arange(20) / 10 + season
    with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as ds:
        ds.createDimension("COADSX", 20)
        ds.createDimension("COADSY", 4)
        ds.createDimension("TIME", None)
        ds.createVariable("COADSY", "f8", ("COADSY",))[:] = [-3.0, -1.0, 1.0, 3.0]
        for name, values in (("SST", sst), ("AIRT", np.where(sst == FILL, FILL, sst - 1))):
            var = ds.createVariable(name, "f4", ("TIME", "COADSY", "COADSX"), fill_value=FILL)
            var.missing_value = FILL
            var[:] = values


def table(path):
    with open(path) as f:
        text = f.read()
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    return text, {key: np.array([float(r[key]) for r in rows]) for key in rows[0]}


source = os.path.join(work, "coads_like.cdf")
out = os.path.join(work, "tables")
os.makedirs(work, exist_ok=True)
synthetic(source)
subprocess.run(["/usr/bin/python3", script, source, "--out-dir", out], check=True, stdout=subprocess.DEVNULL)
spec = importlib.util.spec_from_file_location("plot", plot)
reader = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reader)
for name, offset in (("observed_zonal_mean_sst.csv", 0), ("observed_zonal_mean_marine_air.csv", -1)):
    path = os.path.join(out, name)
    text, got = table(path)
    if not np.array_equal(got["lat"], [-1.0, 3.0]):
        check(False, f"{name}: bands {got['lat']}, want -1 and 3")
        continue
    check(np.allclose(got["temperature_degC"], [6.0 + offset, 27.95 + offset], rtol=0, atol=5e-4),
          f"{name}: temperatures {got['temperature_degC']}")
    check(np.array_equal(got["data_fraction"], [0.1, 1.0]), f"{name}: data fractions {got['data_fraction']}")
    for cited in ("Woodruff", "1239-1250", "ferret-datasets", "coads_like.cdf", "scripts/observed_zonal_mean.py"):
        check(cited in text, f"{name}: no {cited!r} in the header")
    lat, value = reader.read_observed(path)
    check(np.array_equal(lat, got["lat"]) and np.array_equal(value, got["temperature_degC"]),
          f"{name}: plot.py's reader reads {lat}, {value}")

for bad, why in ((os.path.join(work, "absent.cdf"), "apt-get install ferret-datasets"), (script, "COADS")):
    result = subprocess.run(["/usr/bin/python3", script, bad, "--out-dir", os.path.join(work, "bad")],
                            capture_output=True, text=True)
    lines = result.stderr.strip().splitlines()
    check(result.returncode != 0 and len(lines) == 1 and bad in lines[0] and why in lines[0],
          f"{bad}: exit {result.returncode}, stderr {result.stderr!r}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("observed_zonal_mean.py checks passed")
