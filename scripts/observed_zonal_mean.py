#!/usr/bin/python3
"""Regenerates docs/data/observed_zonal_mean_{sst,marine_air}.csv, the observed annual zonal means that
scripts/plot.py --observed and scripts/climate_summary.py --observed draw against the model.

  scripts/observed_zonal_mean.py [COADS_CDF] [--out-dir docs/data] [--min-fraction 0.1]

COADS_CDF (default /usr/share/ferret-vis/data/coads_climatology.cdf, from Debian 12's package
ferret-datasets) is the COADS monthly climatology (Woodruff, Slutz, Jenne & Steurer 1987, Bull. Amer.
Meteor. Soc. 68, 1239-1250) on a 2-degree grid, 12 months, ocean only: SST (sea surface temperature) and
AIRT (marine air temperature), degC, missing values flagged.

For each variable:
  1. the annual mean of each cell, from cells with all 12 months only: a cell observed in some months
     only (mostly under winter sea ice or off the ship tracks) would give the mean of its summers;
  2. the zonal mean of each 2-degree latitude band over its cells that have an annual mean (the cells of
     a band have equal areas, so a plain mean), and the fraction of the band's 180 cells that have one;
  3. bands where that fraction is below --min-fraction (default 0.1: 18 cells, 36 degrees of longitude)
     are left out.
Poleward of about 55 degrees the full-year cells are the ice-free seas only (North Atlantic, Norwegian
and Barents Seas; no band south of 56S has more than 11 of its 180 cells): there the table is warmer
than the zonal mean of all ocean, ice-covered included.
"""
import argparse
import os
import sys

import numpy as np

DEFAULT_CDF = "/usr/share/ferret-vis/data/coads_climatology.cdf"
TABLES = (  # (variable, file name, what it is)
    ("SST", "observed_zonal_mean_sst.csv", "sea surface temperature"),
    ("AIRT", "observed_zonal_mean_marine_air.csv", "marine air temperature (ships: over the ocean only)"),
)


def read_coads(path):
    """(lat, {variable: masked array months x lat x lon}) from the COADS climatology."""
    import netCDF4  # Debian python3-netcdf4 (scripts/setup.sh)
    try:
        with netCDF4.Dataset(path) as ds:
            lat = np.asarray(ds.variables["COADSY"][:], dtype=np.float64)
            fields = {name: np.ma.masked_invalid(np.ma.asarray(ds.variables[name][:], dtype=np.float64))
                      for name, _, _ in TABLES}
    except (OSError, KeyError) as e:
        sys.exit(f"observed_zonal_mean.py: {path}: not the COADS climatology (variables COADSY, SST, AIRT): {e}")
    for name, field in fields.items():
        if field.ndim != 3 or field.shape[0] != 12 or field.shape[1] != lat.size:
            sys.exit(f"observed_zonal_mean.py: {path}: {name} has shape {field.shape}, want 12 months x "
                     f"{lat.size} latitudes x longitudes")
    return lat, fields


def zonal_mean(field, min_fraction):
    """Annual zonal mean per latitude band from full-year cells, the fraction of cells with data, and which
    bands are kept."""
    full_year = field.count(axis=0) == 12
    annual = field.mean(axis=0).filled(0.0)
    cells = full_year.sum(axis=1)
    mean = (annual * full_year).sum(axis=1) / np.maximum(cells, 1)
    fraction = cells / field.shape[2]
    return mean, fraction, (cells > 0) & (fraction >= min_fraction)


def write_table(path, lat, mean, fraction, keep, what, source, min_fraction):
    header = [
        f"Observed annual zonal-mean {what}, degC,",
        "per 2-degree latitude band (lat = band centre, degrees north).",
        "Source: COADS monthly climatology (Comprehensive Ocean-Atmosphere Data Set): Woodruff, S. D.,",
        "R. J. Slutz, R. L. Jenne and P. M. Steurer, 1987: A Comprehensive Ocean-Atmosphere Data Set.",
        "Bull. Amer. Meteor. Soc., 68, 1239-1250. US government data (NOAA), public domain.",
        f"Derived from {source} ({DEFAULT_CDF}",
        "in Debian 12's package ferret-datasets 7.6.0-5) by scripts/observed_zonal_mean.py, which regenerates it.",
        "Annual mean per 2-degree cell from cells with all 12 months only; zonal mean over those cells;",
        f"data_fraction = share of the band's 180 cells that have one; bands below {min_fraction:g} left out.",
        "Poleward of about 55 degrees only the ice-free seas have 12 months: warmer than the whole ocean there.",
    ]
    with open(path, "w") as f:
        f.writelines(f"# {line}\n" for line in header)
        f.write("lat,temperature_degC,data_fraction\n")
        for y, t, share in zip(lat[keep], mean[keep], fraction[keep]):
            f.write(f"{y:.1f},{t:.3f},{share:.3f}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("cdf", nargs="?", default=DEFAULT_CDF, help=f"the COADS climatology (default {DEFAULT_CDF})")
    parser.add_argument("--out-dir", default=os.path.join(root, "docs", "data"), help="where the tables go")
    parser.add_argument("--min-fraction", type=float, default=0.1,
                        help="least share of a band's cells with a full year of data for the band to be kept")
    args = parser.parse_args()
    if not os.path.isfile(args.cdf):
        sys.exit(f"observed_zonal_mean.py: {args.cdf} not found; `apt-get install ferret-datasets` (Debian 12) "
                 "provides it at " + DEFAULT_CDF)
    if not 0 <= args.min_fraction <= 1:
        sys.exit(f"observed_zonal_mean.py: --min-fraction {args.min_fraction}: want a share between 0 and 1")
    lat, fields = read_coads(args.cdf)
    os.makedirs(args.out_dir, exist_ok=True)
    for name, filename, what in TABLES:
        mean, fraction, keep = zonal_mean(fields[name], args.min_fraction)
        path = os.path.join(args.out_dir, filename)
        write_table(path, lat, mean, fraction, keep, what, os.path.basename(args.cdf), args.min_fraction)
        print(f"{path}: {keep.sum()} bands, {lat[keep][0]:+.0f} to {lat[keep][-1]:+.0f} degrees")


if __name__ == "__main__":
    main()
