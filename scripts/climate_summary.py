#!/usr/bin/python3
"""Summarises the climate of a meridian run of the Earth model: the figures issue 15 asks for.

  climate_summary.py OUTPUT_DIR [--years 1] [--trend-years 5] [--max-trend K_PER_YEAR]
                     [--plot] [--observed CSV]

Reads the last --years model years of history files (ocean_*.h5, land_*.h5, seaice_*.h5 where the
run has sea ice) and OUTPUT_DIR/diagnostics.csv, and prints (the sea's surface temperature is the
open water's and, where the ice writes ice_surface_temperature, the ice's upper surface's, by area):
  - the global, annual mean surface temperature (ocean and land, each cell weighted by its area
    and the surface's fraction) and its annual zonal mean at the equator and poleward of 70 degrees;
  - the seasonal cycle (largest minus smallest monthly mean) over land and over ocean in 30-60 N,
    and their ratio;
  - the annual-mean sea-ice edge in each hemisphere: the latitude nearest the equator where the
    zonal-mean ice cover reaches half the zonal sea fraction;
  - the global-mean surface temperature trend over the last --trend-years complete years of
    diagnostics.csv (least squares through their annual means of the ocean and land means weighted
    by their global areas), K/yr.
With --max-trend it exits 1 if the trend's magnitude exceeds the bound (a spin-up check).
Writes OUTPUT_DIR/surface_temperature_zonal_mean.csv (lat, annual zonal mean degC); with --plot also
OUTPUT_DIR/plots/surface_temperature_zonal_mean.png, the model's annual zonal mean against latitude,
with an observed one drawn over it from --observed (a CSV with columns lat, temperature_degC).
"""
import argparse
import csv
import glob
import os
import re
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also when loaded as a module
from history_variables import spatial  # noqa: E402  (scripts/history_variables.py)

SECONDS_PER_YEAR = 365 * 86400.0


def history(directory, component):
    pattern = re.compile(re.escape(component) + r"_(\d{6,})\.h5$")
    found = [(int(m.group(1)), p) for p in glob.glob(os.path.join(directory, component + "_*.h5"))
             if (m := pattern.search(os.path.basename(p)))]
    return [p for _, p in sorted(found)]


def read(path, *names):
    with h5py.File(path, "r") as f:
        out = [spatial(f, path, n) for n in names]
        out.append(float(f["time"][0]))
        out.append(np.asarray(f["lat"][:], dtype=np.float64))
    return out


def last_year_files(files, years):
    """The files within the last `years` model years of the run (by their own time stamps)."""
    times = []
    for p in files:
        with h5py.File(p, "r") as f:
            times.append(float(f["time"][0]))
    if not times:
        return []
    end = times[-1]
    return [p for p, t in zip(files, times) if t > end - years * SECONDS_PER_YEAR + 1.0]


def surface_fields(directory, years):
    """Monthly (per file) surface temperature sums and weights per cell, from ocean and land."""
    ocean = last_year_files(history(directory, "ocean"), years)
    land = last_year_files(history(directory, "land"), years)
    ice = last_year_files(history(directory, "seaice"), years)
    if not ocean or not land or len(ocean) != len(land):
        sys.exit(f"climate_summary.py: {directory} needs ocean_*.h5 and land_*.h5 for the same times")
    months = []
    for n, (po, pl) in enumerate(zip(ocean, land)):
        t_o, f_o, _, lat = read(po, "t_ocean", "ocean_fraction")
        t_l, f_l, _, _ = read(pl, "t_land", "land_fraction")
        t_o = np.where(f_o > 0, t_o, 0.0)
        if len(ice) == len(ocean):  # the sea's surface: open water and the ice's upper surface
            with h5py.File(ice[n], "r") as f:
                if "ice_surface_temperature" in f:
                    a = np.minimum(np.asarray(f["sea_ice_area_fraction"][0], dtype=np.float64), f_o)
                    t_i = np.asarray(f["ice_surface_temperature"][0], dtype=np.float64)
                    t_o = np.where(f_o > 0, ((f_o - a) * t_o + a * t_i) / np.where(f_o > 0, f_o, 1), 0.0)
        t_l = np.where(f_l > 0, t_l, 0.0)
        months.append((t_o, f_o, t_l, f_l))
    return months, lat


def zonal(values, weights):
    w = weights.sum(axis=-1)
    return np.where(w > 0, (values * weights).sum(axis=-1) / np.where(w > 0, w, 1), np.nan)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output_dir")
    parser.add_argument("--years", type=float, default=1.0, help="model years of history to average")
    parser.add_argument("--trend-years", type=float, default=5.0, help="years of diagnostics.csv for the trend")
    parser.add_argument("--max-trend", type=float, default=None, help="exit 1 if |trend| exceeds this, K/yr")
    parser.add_argument("--plot", action="store_true", help="draw the annual zonal mean (plots/*.png)")
    parser.add_argument("--observed", default=None, help="CSV (lat, temperature_degC) drawn with --plot")
    args = parser.parse_args()

    months, lat = surface_fields(args.output_dir, args.years)
    nx = months[0][0].shape[-1]
    area = np.repeat(np.cos(np.radians(lat))[:, None], nx, axis=1)  # proportional to cell area
    t_o = np.mean([m[0] for m in months], axis=0)
    t_l = np.mean([m[2] for m in months], axis=0)
    f_o, f_l = months[0][1], months[0][3]
    surface = t_o * f_o + t_l * f_l  # the fractions partition each cell
    zonal_mean = zonal(surface, area)
    global_mean = float((surface * area).sum() / area.sum())
    print(f"global annual mean surface temperature {global_mean:.2f} degC "
          f"(ocean {float((t_o * f_o * area).sum() / (f_o * area).sum()):.2f}, "
          f"land {float((t_l * f_l * area).sum() / (f_l * area).sum()):.2f})")
    equator = np.abs(lat) < 10
    print(f"annual zonal mean: equator (10S-10N) {np.nanmean(zonal_mean[equator]):.2f} degC, "
          f"poleward of 70N {np.nanmax(zonal_mean[lat > 70]):.2f} (warmest row), "
          f"poleward of 70S {np.nanmax(zonal_mean[lat < -70]):.2f} (warmest row)")

    band = (lat > 30) & (lat < 60)
    land_monthly = [float((m[2] * m[3] * area)[band].sum() / (m[3] * area)[band].sum()) for m in months]
    ocean_monthly = [float((m[0] * m[1] * area)[band].sum() / (m[1] * area)[band].sum()) for m in months]
    land_cycle, ocean_cycle = np.ptp(land_monthly), np.ptp(ocean_monthly)
    print(f"seasonal cycle 30-60N: land {land_cycle:.2f} K, ocean {ocean_cycle:.2f} K, "
          f"ratio {land_cycle / ocean_cycle:.2f} ({len(months)} history times)")

    ice_files = last_year_files(history(args.output_dir, "seaice"), args.years)
    if ice_files:
        cover = np.mean([read(p, "sea_ice_area_fraction")[0] for p in ice_files], axis=0)
        ice_zonal = cover.sum(axis=-1) / np.maximum(f_o.sum(axis=-1), 1e-12)
        for name, rows in (("north", np.where(lat > 0)[0]), ("south", np.where(lat < 0)[0][::-1])):
            edge = next((lat[j] for j in rows if ice_zonal[j] >= 0.5 and f_o[j].sum() > 0), None)
            print(f"annual-mean sea-ice edge ({name}): "
                  + (f"{edge:.1f} degrees" if edge is not None else "no row half covered"))

    out = os.path.join(args.output_dir, "surface_temperature_zonal_mean.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lat", "surface_temperature_degC"])
        for la, t in zip(lat, zonal_mean):
            w.writerow([f"{la:.4f}", "" if np.isnan(t) else f"{t:.4f}"])

    if args.plot:
        print("wrote " + plot_zonal_mean(args.output_dir, lat, zonal_mean, args.observed))

    trend = diagnostics_trend(os.path.join(args.output_dir, "diagnostics.csv"), args.trend_years, f_o, f_l, area)
    if trend is not None:
        print(f"global mean surface temperature trend over the last {args.trend_years:g} years: {trend:+.4f} K/yr")
        if args.max_trend is not None and abs(trend) > args.max_trend:
            print(f"NOT EQUILIBRATED: |trend| > {args.max_trend} K/yr")
            return 1
    elif args.max_trend is not None:
        print("climate_summary.py: no diagnostics.csv long enough for a trend")
        return 1
    return 0


def plot_zonal_mean(directory, lat, zonal_mean, observed):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(lat, zonal_mean, label="model (annual mean)")
    if observed:
        with open(observed) as f:
            rows = list(csv.DictReader(r for r in f if not r.startswith("#")))
        ax.plot([float(r["lat"]) for r in rows], [float(r["temperature_degC"]) for r in rows], "k--", label="observed")
    ax.axhline(0, color="0.7", linewidth=0.5)
    ax.set_xlabel("latitude (degrees)")
    ax.set_ylabel("surface temperature (degC)")
    ax.set_xlim(-90, 90)
    ax.legend()
    os.makedirs(os.path.join(directory, "plots"), exist_ok=True)
    out = os.path.join(directory, "plots", "surface_temperature_zonal_mean.png")
    fig.savefig(out, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return out


def diagnostics_trend(path, years, f_o, f_l, area):
    """Least-squares slope, K/yr, through the annual means of the last `years` complete model years of the
    area-weighted global mean of ocean and land (annual means: a fit through the seasonal cycle itself
    would be biased by its phase)."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = list(csv.DictReader(row for row in f if not row.startswith("#")))
    if not rows or "ocean_mean_temperature" not in rows[0]:
        return None
    ocean_share = float((f_o * area).sum() / ((f_o + f_l) * area).sum())
    t = np.array([float(r["time"]) for r in rows]) / SECONDS_PER_YEAR
    mean = np.array([ocean_share * float(r["ocean_mean_temperature"]) + (1 - ocean_share) * float(r["land_mean_temperature"])
                     for r in rows])
    whole = int(np.floor(t[-1] + 1e-9))
    first = whole - int(round(years))
    if first < 0:
        return None
    annual = [mean[(t > y) & (t <= y + 1)].mean() for y in range(first, whole)]
    return float(np.polyfit(np.arange(first, whole) + 0.5, annual, 1)[0])


if __name__ == "__main__":
    sys.exit(main())
