#!/usr/bin/python3
"""Plots meridian output: lon/lat maps of one field of one component's history files, and, if the
output directory has a diagnostics.csv, its numeric columns against time.

  plot.py OUTPUT_DIR [--field t_atm] [--component atmosphere] [--times all|last|i,j] [--out DIR]

Reads the HDF5 history files with h5py (no netCDF library needed) and writes PNGs with the
non-interactive Agg backend, so it runs on login nodes and in CI without a display.
"""
import argparse
import csv
import glob
import os
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def history_files(directory, component):
    pattern = re.compile(re.escape(component) + r"_(\d{6,})\.h5$")
    found = [(int(m.group(1)), path) for path in glob.glob(os.path.join(directory, component + "_*.h5"))
             if (m := pattern.search(os.path.basename(path)))]
    return [path for _, path in sorted(found)]


def choose(files, times):
    if times == "all":
        return files
    if times == "last":
        return files[-1:]
    try:
        return [files[int(i)] for i in times.split(",")]
    except (ValueError, IndexError):
        sys.exit(f"plot.py: --times {times!r}: want all, last or indices below {len(files)}")


def plot_map(path, field, out_dir):
    with h5py.File(path, "r") as f:
        if field not in f:
            sys.exit(f"plot.py: {path} has no field {field!r}; it has {sorted(k for k in f if f[k].ndim >= 3)}")
        data = f[field][0]
        if data.ndim == 3:  # levels: show the lowest
            data = data[0]
        lon, lat = f["lon"][:], f["lat"][:]
        units = text(f[field].attrs.get("units", ""))
        date = text(f.attrs.get("model_date", "")) or f"t = {f['time'][0]:g} s"
        step = int(f.attrs.get("step", 0))
    fig, ax = plt.subplots(figsize=(9, 4.5))
    mesh = ax.pcolormesh(lon, lat, data, shading="nearest", cmap="viridis")
    fig.colorbar(mesh, ax=ax, label=units)
    ax.set(xlabel="longitude (degrees east)", ylabel="latitude (degrees north)", title=f"{field} [{units}]  {date}")
    name = os.path.join(out_dir, f"{field}_{step:06d}.png")
    fig.savefig(name, dpi=100)
    plt.close(fig)
    return name


def plot_diagnostics(csv_path, out_dir):
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or "time" not in rows[0]:
        return None
    columns = {}
    for key in rows[0]:
        try:
            columns[key] = np.array([float(r[key]) for r in rows])
        except (TypeError, ValueError):
            pass  # text columns (dates) are not plotted
    series = [k for k in columns if k not in ("time", "step")]
    if not series:
        return None
    days = columns["time"] / 86400.0
    fig, axes = plt.subplots(len(series), 1, figsize=(8, 2.5 * len(series)), sharex=True, squeeze=False)
    for ax, key in zip(axes[:, 0], series):
        ax.plot(days, columns[key], marker=".")
        ax.set_ylabel(key)
        ax.ticklabel_format(axis="y", useOffset=False)
    axes[-1, 0].set_xlabel("model time (days)")
    fig.tight_layout()
    name = os.path.join(out_dir, "diagnostics.png")
    fig.savefig(name, dpi=100)
    plt.close(fig)
    return name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir")
    parser.add_argument("--field", default="t_atm")
    parser.add_argument("--component", default="atmosphere")
    parser.add_argument("--times", default="last", help="all, last, or comma-separated indices")
    parser.add_argument("--out", default=None, help="where PNGs go (default OUTPUT_DIR/plots)")
    args = parser.parse_args()
    out_dir = args.out or os.path.join(args.output_dir, "plots")
    os.makedirs(out_dir, exist_ok=True)
    files = history_files(args.output_dir, args.component)
    if not files:
        sys.exit(f"plot.py: no {args.component}_<step>.h5 files in {args.output_dir}")
    for path in choose(files, args.times):
        print(plot_map(path, args.field, out_dir))
    diagnostics = os.path.join(args.output_dir, "diagnostics.csv")
    if os.path.exists(diagnostics) and (name := plot_diagnostics(diagnostics, out_dir)):
        print(name)


if __name__ == "__main__":
    main()
