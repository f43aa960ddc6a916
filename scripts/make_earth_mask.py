#!/usr/bin/python3
"""Regenerates domains/earth/data/earth_land_fraction.pgm, the land fraction that grid.mask = earth reads.

  scripts/make_earth_mask.py [--out domains/earth/data/earth_land_fraction.pgm] [--cells-per-degree 4]
                             [--samples 8] [--shorelines i]

GMT's grdlandmask (Debian packages gmt and gmt-gshhg-low) rasterises the GSHHG shorelines onto
pixel-registered sub-cells (`--samples` x `--samples` per output cell); each output cell gets the
area-weighted mean of its sub-cells (weights dlon * (sin north - sin south)), so coastal cells carry a
fractional land cover instead of 0 or 1. Lakes (GSHHG level 2: Caspian, Great Lakes) are water, islands
in lakes land; Antarctica's coast is its ice front, so ice shelves count as land.

Output: binary PGM (P5), 8 bits, rows north first from 90N, columns east from 0E, value =
round(255 * land fraction). Runs in latitude bands of 10 degrees, so memory stays small.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import netCDF4
import numpy as np

BAND = 10  # degrees of latitude per grdlandmask call


def band_fraction(north, cells, samples, shorelines, scratch):
    """Land fraction of the cells between north - BAND and north (rows north first)."""
    step = 1.0 / (cells * samples)
    grid = os.path.join(scratch, "band.nc")
    # -N: ocean 0, land 1, lake 0, island in a lake 1, pond on that island 0.
    subprocess.run(["gmt", "grdlandmask", f"-R0/360/{north - BAND}/{north}", f"-I{step!r}", "-r",
                    f"-D{shorelines}", "-N0/1/0/1/0", f"-G{grid}=nb"], check=True, cwd=scratch)  # gmt.history there
    with netCDF4.Dataset(grid) as ds:
        lat = ds.variables["lat"][:]
        land = np.asarray(ds.variables["z"][:], dtype=np.float64)
    if lat[0] < lat[-1]:
        land = land[::-1]  # north first
    rows, cols = BAND * cells, 360 * cells
    if land.shape != (rows * samples, cols * samples):
        sys.exit(f"make_earth_mask.py: grdlandmask gave {land.shape}, want {(rows * samples, cols * samples)}")
    edges = np.radians(north - np.arange(rows * samples + 1) * step)
    weight = (np.sin(edges[:-1]) - np.sin(edges[1:])).reshape(rows, samples)
    per_row = land.reshape(rows, samples, cols, samples).mean(axis=3)  # equal widths in longitude
    return np.einsum("rsc,rs->rc", per_row, weight) / weight.sum(axis=1)[:, None]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--out", default=os.path.join(root, "domains", "earth", "data", "earth_land_fraction.pgm"))
    parser.add_argument("--cells-per-degree", type=int, default=4)
    parser.add_argument("--samples", type=int, default=8, help="sub-cells per cell, each way")
    parser.add_argument("--shorelines", default="i", choices="cli",
                        help="GSHHG resolution: crude, low or intermediate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        bands = [band_fraction(north, args.cells_per_degree, args.samples, args.shorelines, scratch)
                 for north in range(90, -90, -BAND)]
    fraction = np.vstack(bands)
    pixels = np.rint(255 * np.clip(fraction, 0, 1)).astype(np.uint8)
    rows, cols = pixels.shape
    header = (f"P5\n# meridian land fraction from GSHHG ({args.shorelines}) via gmt grdlandmask, "
              f"{args.samples}x{args.samples} samples per cell; see README.md\n{cols} {rows}\n255\n")
    with open(args.out + ".tmp", "wb") as f:
        f.write(header.encode("ascii"))
        f.write(pixels.tobytes())
    os.replace(args.out + ".tmp", args.out)
    area = np.diff(np.sin(np.radians(np.linspace(90, -90, rows + 1))))[:, None] * -1
    print(f"{args.out}: {cols} x {rows}, land {float((fraction * area).sum() / (area.sum() * cols)):.4f} of the surface")


if __name__ == "__main__":
    main()
