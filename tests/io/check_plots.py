#!/usr/bin/python3
"""Checks scripts/plot.py on a sample output directory (tests/io/write_sample.cpp): maps, zonal means
(CSV against a direct computation, North (1975)'s curve, an observed profile), the animation, masked cells drawn grey,
coastlines drawn; and the observed tables shipped in docs/data (scripts/observed_zonal_mean.py) through plot.py's reader.
Usage: check_plots.py PLOT_PY SAMPLE_DIR WORK_DIR"""
import csv
import importlib.util
import os
import shutil
import subprocess
import sys

import h5py
import matplotlib.image as mpimg
import numpy as np

plot, sample, work = sys.argv[1:4]
failures = []
FILL = 9.969209968386869e36  # netCDF's default double fill value


def check(ok, what):
    if not ok:
        failures.append(what)


def run(directory, *args):
    out = os.path.join(work, "plots-" + "-".join(a.strip("-") for a in args))
    subprocess.run(["/usr/bin/python3", plot, directory, "--out", out, *args], check=True, stdout=subprocess.DEVNULL)
    return out


def png(path):
    """RGB pixels of a PNG, after checking the signature and size."""
    with open(path, "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG")
    check(os.path.getsize(path) > 10000, f"{path}: only {os.path.getsize(path)} bytes")
    return np.rint(mpimg.imread(path)[:, :, :3] * 255).astype(int)


def zonal_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {key: np.array([float(r[key]) if r[key] else np.nan for r in rows]) for key in rows[0]}


def check_zonal_means():
    out = run(sample, "--field", "t_atm", "--times", "all")
    png(os.path.join(out, "t_atm_zonal_mean.png"))
    table = zonal_csv(os.path.join(out, "t_atm_zonal_mean.csv"))
    for step in (24, 48, 72):
        with h5py.File(os.path.join(sample, f"atmosphere_{step:06d}.h5"), "r") as f:
            want, lat = f["t_atm"][0].mean(axis=1), f["lat"][:]
        got = table.get(f"step_{step:06d}")
        check(got is not None and np.allclose(got, want, rtol=0, atol=1e-9), f"zonal mean at step {step}")
    check(np.array_equal(table["lat"], lat), "zonal mean latitudes")
    check("north1975" not in table, "North (1975) curve drawn for a run that is not that experiment")


def check_animation():
    out = run(sample, "--field", "t_atm", "--animate", "--fps", "2")
    movie = os.path.join(out, "t_atm.mp4")
    check(os.path.exists(movie) and os.path.getsize(movie) > 1000, "no animation")
    probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                            "stream=codec_name,nb_read_frames", "-of", "csv=p=0", movie],
                           capture_output=True, text=True)
    check(probe.stdout.strip() == "h264,3", f"animation: ffprobe says {probe.stdout.strip()!r}, want h264,3")
    frame = os.path.join(work, "frame.png")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", movie, "-frames:v", "1", frame], check=True)
    png(frame)


def masked_sample():
    """A copy of the sample whose t_atm is _FillValue west of 180E, with grid.mask = earth."""
    directory = os.path.join(work, "masked")
    os.makedirs(directory)
    shutil.copy(os.path.join(sample, "atmosphere_000072.h5"), directory)
    with h5py.File(os.path.join(directory, "atmosphere_000072.h5"), "r+") as f:
        t = f["t_atm"]
        values = t[...]
        values[..., : values.shape[-1] // 2] = FILL
        t[...] = values
        t.attrs["_FillValue"] = np.float64(FILL)
        f.attrs["config"] = "[grid]\nmask = earth  # real coastlines\n"
    return directory


def check_masked_and_coast():
    directory = masked_sample()
    with_coast, without = run(directory, "--field", "t_atm"), run(directory, "--field", "t_atm", "--no-coast")
    image = png(os.path.join(with_coast, "t_atm_000072.png"))
    bare = png(os.path.join(without, "t_atm_000072.png"))
    grey = np.all(bare == 204, axis=2).mean()  # MASKED_COLOUR "0.8"
    check(0.15 < grey < 0.5, f"masked half of the map: {grey:.3f} of the image light grey")
    plain = png(os.path.join(run(sample, "--field", "t_atm", "--times", "last"), "t_atm_000072.png"))
    check(np.all(plain == 204, axis=2).mean() < 0.01, "light grey on a map without masked cells")
    dark = lambda img: int(np.all(img < 60, axis=2).sum())  # noqa: E731
    check(dark(image) > dark(bare) + 3000, f"coastlines: {dark(image)} dark pixels with, {dark(bare)} without")
    table = zonal_csv(os.path.join(with_coast, "t_atm_zonal_mean.csv"))
    with h5py.File(os.path.join(sample, "atmosphere_000072.h5"), "r") as f:
        want = f["t_atm"][0][:, f["t_atm"].shape[-1] // 2:].mean(axis=1)
    check(np.allclose(table["step_000072"], want, rtol=0, atol=1e-9), "zonal mean counts fill values")


def check_north_curve():
    """A run configured as configs/north1975.ini gets North's analytic curve from its own parameters."""
    directory = os.path.join(work, "north")
    os.makedirs(directory)
    shutil.copy(os.path.join(sample, "atmosphere_000072.h5"), directory)
    config = ("[grid]\nmask = landplanet\n[sunlight]\nenabled = true\nseasonal = false\nq = 300 # W m-2\n"
              "s2 = -0.5\n[atmosphere]\nwind_speed = 0\ndiffusivity = 0.5\nolr_a = 200\nolr_b = 2\n"
              "[land]\nalbedo = 0.25\n")
    with h5py.File(os.path.join(directory, "atmosphere_000072.h5"), "r+") as f:
        f.attrs["config"] = config
        lat = f["lat"][:]
    table = zonal_csv(os.path.join(run(directory, "--field", "t_atm"), "t_atm_zonal_mean.csv"))
    x = np.sin(np.radians(lat))
    want = (300 * 0.75 - 200) / 2 + 300 * -0.5 * 0.75 / (2 + 6 * 0.5) * 0.5 * (3 * x * x - 1)
    check("north1975" in table and np.allclose(table["north1975"], want, rtol=0, atol=1e-12), "North (1975) curve")


def check_observed():
    """--observed draws a reference profile and interpolates it to the model's latitudes in the CSV; a
    bad file is one line naming it, exit non-zero."""
    table_path = os.path.join(work, "observed.csv")
    with open(table_path, "w") as f:  # rows out of order, a comment line, a range narrower than the grid
        f.write("# synthetic profile for the test\nlat,temperature_degC\n60,-5\n-60,0\n0,27\n")
    out = run(sample, "--field", "t_atm", "--observed", table_path)
    png(os.path.join(out, "t_atm_zonal_mean.png"))
    table = zonal_csv(os.path.join(out, "t_atm_zonal_mean.csv"))
    lat = table["lat"]
    inside = (lat >= -60) & (lat <= 60)
    want = np.interp(lat, [-60, 0, 60], [0, 27, -5])
    check("observed" in table and np.allclose(table["observed"][inside], want[inside], rtol=0, atol=1e-12),
          "observed profile at the model's latitudes")
    check("observed" in table and np.all(np.isnan(table["observed"][~inside])), "observed profile outside its range")
    bad = os.path.join(work, "bad.csv")
    with open(bad, "w") as f:
        f.write("latitude,t\n0,1\n")
    result = subprocess.run(["/usr/bin/python3", plot, sample, "--out", os.path.join(work, "bad"), "--observed", bad],
                            capture_output=True, text=True)
    lines = result.stderr.strip().splitlines()
    check(result.returncode != 0 and len(lines) == 1 and bad in lines[0] and "lat, temperature_degC" in lines[0],
          f"a bad --observed file: exit {result.returncode}, stderr {result.stderr!r}")


def check_shipped_tables():
    """docs/data's observed tables: read by plot.py's own reader, cited, latitudes increasing, temperatures
    of Earth's ocean (warmer than 25 degC at the equator), and drawn against a run without complaint."""
    spec = importlib.util.spec_from_file_location("plot", plot)
    reader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reader)
    data = os.path.join(os.path.dirname(os.path.abspath(plot)), "..", "docs", "data")
    for name, low, high in (("observed_zonal_mean_sst.csv", -5, 35), ("observed_zonal_mean_marine_air.csv", -30, 35)):
        path = os.path.join(data, name)
        with open(path) as f:
            text = f.read()
        header = " ".join(line for line in text.splitlines() if line.startswith("#"))
        for cited in ("COADS", "Woodruff", "1987", "Bull. Amer. Meteor. Soc., 68, 1239-1250", "ferret-datasets",
                      "coads_climatology.cdf", "scripts/observed_zonal_mean.py"):
            check(cited in header, f"{name}: header does not cite {cited!r}")
        rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
        in_file_order = np.array([float(r["lat"]) for r in rows])
        share = np.array([float(r["data_fraction"]) for r in rows])
        lat, value = reader.read_observed(path)
        check(len(lat) >= 40 and np.all(np.diff(in_file_order) > 0) and np.array_equal(lat, in_file_order),
              f"{name}: {len(lat)} rows, latitudes not increasing in the file")
        check(-90 <= lat[0] < -40 and 60 < lat[-1] <= 90, f"{name}: latitudes {lat[0]} to {lat[-1]}")
        check(np.all((value > low) & (value < high)), f"{name}: temperatures {value.min()} to {value.max()} degC")
        check(np.all((share >= 0.1) & (share <= 1)), f"{name}: data fractions {share.min()} to {share.max()}")
        equator = np.abs(lat) <= 1
        check(equator.any() and np.all(value[equator] > 25), f"{name}: equatorial bands {value[equator]} degC")
        out = run(sample, "--field", "t_atm", "--observed", path)
        table = zonal_csv(os.path.join(out, "t_atm_zonal_mean.csv"))
        inside = (table["lat"] >= lat[0]) & (table["lat"] <= lat[-1])
        check(np.allclose(table["observed"][inside], np.interp(table["lat"][inside], lat, value), rtol=0, atol=1e-12),
              f"{name}: plot.py's observed column")


check_zonal_means()
check_observed()
check_shipped_tables()
check_north_curve()
check_animation()
check_masked_and_coast()
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("plot.py checks passed")
