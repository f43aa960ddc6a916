#!/usr/bin/python3
"""Plots meridian output: maps, zonal means, an animation and the diagnostics time series.

  plot.py OUTPUT_DIR [--field t_atm] [--component atmosphere] [--times all|last|i,j]
                     [--animate] [--fps 6] [--no-coast] [--out DIR]

Writes into --out (default OUTPUT_DIR/plots):
  FIELD_STEP.png         a lon-lat map per chosen time. Coastlines are the 0.5 contour of the land
                         fraction: the shipped 1/4-degree raster (domains/earth/data) for grid.mask = earth,
                         else the run's own land_fraction / ocean_fraction history. Masked cells (CF
                         _FillValue, NaN, or where the file's own surface fraction is 0, e.g. the
                         ocean over land) are drawn light grey.
  FIELD_zonal_mean.png   the zonal mean against latitude, one line per chosen time: masked cells
  FIELD_zonal_mean.csv   left out, a surface's cells weighted by its fraction (ocean_fraction or
                         land_fraction in the same file). CSV columns: lat, step_NNNNNN per time (empty
                         where a latitude has no data). For t_atm of a run like configs/north1975.ini
                         (land planet, annual-mean sunlight, no wind; give it --output.every=4380)
                         the plot and a north1975 column add North (1975)'s analytic equilibrium
                         T0 + T2 P2(sin lat), T0 = (Q(1-albedo) - A)/B, T2 = Q s2 (1-albedo)/(B + 6D),
                         from the run's own parameters (config stored in the history file).
  FIELD.mp4              with --animate: the map through every chosen time (all by default), one
                         frame per history file, fixed colour scale; FIELD.gif where ffmpeg is missing.
  diagnostics.png        each numeric column of OUTPUT_DIR/diagnostics.csv against model time.

Reads the HDF5 history files with h5py (no netCDF library needed) and draws with the
non-interactive Agg backend, so it runs on login nodes and in CI without a display.
"""
import argparse
import configparser
import csv
import glob
import os
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.animation as animation  # noqa: E402  (after choosing the backend)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also when loaded as a module
from history_variables import names as history_names, spatial  # noqa: E402  (scripts/history_variables.py)

MASKED_COLOUR = "0.8"  # light grey: no data, distinct from every colour of the colour map
EARTH_RASTER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "domains", "earth", "data",
                            "earth_land_fraction.pgm")


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


def read_field(path, field):
    """One time of a field as a masked array (fill values and NaN masked), with its metadata."""
    with h5py.File(path, "r") as f:
        if field not in f:
            sys.exit(f"plot.py: {path} has no field {field!r}; it has {sorted(k for k in f if f[k].ndim >= 3)}")
        data = np.asarray(f[field][0], dtype=np.float64)
        if data.ndim == 3:  # levels: show the lowest
            data = data[0]
        fill = f[field].attrs.get("_FillValue")
        masked = ~np.isfinite(data)
        if fill is not None:
            masked |= data == np.asarray(fill, dtype=np.float64).ravel()[0]
        # The surface's own fraction weights its zonal mean: a sliver of lake counts as a sliver.
        weight_name, weight = None, np.ones(data.shape)
        for k in history_names(f, path):
            if k.endswith("_fraction") and (values := spatial(f, path, k)).shape[-2:] == data.shape:
                weight_name, weight = k, values  # the first one, read once
                break
        masked |= weight == 0  # no such surface there, even in files written before _FillValue
        meta = {"lon": f["lon"][:], "lat": f["lat"][:], "units": text(f[field].attrs.get("units", "")),
                "weight": weight, "weight_name": weight_name,
                "date": text(f.attrs.get("model_date", "")) or f"t = {f['time'][0]:g} s",
                "step": int(f.attrs.get("step", 0)), "config": text(f.attrs.get("config", ""))}
    return np.ma.masked_array(data, mask=masked), meta


def run_config(meta):
    """The run's resolved configuration (stored in every history file) as {"section.key": value}."""
    parser = configparser.ConfigParser(inline_comment_prefixes=("#",), interpolation=None)
    try:
        parser.read_string(meta["config"])
    except configparser.Error:
        return {}
    return {f"{s}.{k}": v.strip() for s in parser.sections() for k, v in parser[s].items()}


def earth_coast(config):
    """Land fraction of the shipped raster, block-averaged to 1/2 degree: (lon, lat, land)."""
    given = config.get("grid.earth_file", "")
    path = given if given and os.path.isfile(given) else EARTH_RASTER  # a relative one: the run's cwd
    try:
        with open(path, "rb") as f:
            raw = f.read()
        header = [t for line in raw[:512].split(b"\n")[:6] if not line.startswith(b"#") for t in line.split()]
        width, height = int(header[1]), int(header[2])
    except (OSError, IndexError, ValueError):
        return None
    land = np.frombuffer(raw[len(raw) - width * height:], np.uint8).reshape(height, width)[::-1] / 255.0
    land = land.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))
    lon = (np.arange(width // 2) + 0.5) * 360.0 / (width // 2)
    lat = -90 + (np.arange(height // 2) + 0.5) * 180.0 / (height // 2)
    return lon, lat, land


def run_coast(output_dir, shape):
    """The run's own land fraction on a grid of `shape`, from its land or ocean history."""
    for component, name, land_is in (("land", "land_fraction", True), ("ocean", "ocean_fraction", False),
                                     ("atmosphere", "land_fraction", True)):
        for path in history_files(output_dir, component)[:1]:
            with h5py.File(path, "r") as f:
                fraction = spatial(f, path, name) if name in history_names(f, path) else None
                if fraction is not None and fraction.shape[-2:] == shape:
                    return f["lon"][:], f["lat"][:], fraction if land_is else 1 - fraction
    return None


def coastline(config, output_dir, shape):
    if config.get("grid.mask") == "earth":
        coast = earth_coast(config)
        if coast is not None:
            return coast
    return run_coast(output_dir, shape)


def draw_map(ax, data, meta, coast, limits):
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad(MASKED_COLOUR)
    mesh = ax.pcolormesh(meta["lon"], meta["lat"], data, shading="nearest", cmap=cmap,
                         vmin=limits[0], vmax=limits[1])
    if coast is not None and np.nanmin(coast[2]) < 0.5 < np.nanmax(coast[2]):
        ax.contour(coast[0], coast[1], coast[2], levels=[0.5], colors="black", linewidths=0.6)
    ax.set(xlim=(0, 360), ylim=(-90, 90), xlabel="longitude (degrees east)", ylabel="latitude (degrees north)")
    ax.set_xticks(range(0, 361, 60))
    ax.set_yticks(range(-90, 91, 30))
    return mesh


def colour_limits(arrays):
    values = [a.compressed() for a in arrays if a.count()]
    if not values:
        return 0.0, 1.0
    both = np.concatenate(values)
    low, high = float(both.min()), float(both.max())
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def plot_map(path, field, out_dir, coast_for):
    data, meta = read_field(path, field)
    fig, ax = plt.subplots(figsize=(10, 5))
    mesh = draw_map(ax, data, meta, coast_for(meta, data.shape), colour_limits([data]))
    fig.colorbar(mesh, ax=ax, label=f"{field} ({meta['units'] or 'no units'})")
    ax.set_title(f"{field}  {meta['date']}  (step {meta['step']})")
    fig.tight_layout()
    name = os.path.join(out_dir, f"{field}_{meta['step']:06d}.png")
    fig.savefig(name, dpi=100)
    plt.close(fig)
    return name


def animate(paths, field, out_dir, coast_for, fps):
    frames = [read_field(p, field) for p in paths]
    limits = colour_limits([d for d, _ in frames])
    fig, ax = plt.subplots(figsize=(10, 5))
    coast = coast_for(frames[0][1], frames[0][0].shape)
    units = frames[0][1]["units"] or "no units"

    def frame(n):
        ax.clear()
        data, meta = frames[n]
        mesh = draw_map(ax, data, meta, coast, limits)
        ax.set_title(f"{field}  {meta['date']}  (step {meta['step']})")
        return mesh

    fig.colorbar(frame(0), ax=ax, label=f"{field} ({units})")
    fig.tight_layout()  # after the title, so the title stays inside the frame

    movie = animation.FuncAnimation(fig, frame, frames=len(frames))
    if animation.FFMpegWriter.isAvailable():
        name = os.path.join(out_dir, f"{field}.mp4")
        # yuv420p and even dimensions: the MP4 plays in browsers and common players.
        movie.save(name, writer=animation.FFMpegWriter(fps=fps, extra_args=["-pix_fmt", "yuv420p"]), dpi=100)
    else:
        name = os.path.join(out_dir, f"{field}.gif")
        movie.save(name, writer=animation.PillowWriter(fps=fps), dpi=80)
    plt.close(fig)
    return name


def north_1975(config, field, lat):
    """North (1975)'s annual-mean equilibrium, degC, where the run is that experiment; else None."""
    if field != "t_atm" or config.get("grid.mask") != "landplanet":
        return None
    if config.get("sunlight.enabled") != "true" or config.get("sunlight.seasonal") != "false":
        return None
    try:
        if float(config["atmosphere.wind_speed"]) != 0:
            return None
        q, s2 = float(config["sunlight.q"]), float(config["sunlight.s2"])
        albedo, d = float(config["land.albedo"]), float(config["atmosphere.diffusivity"])
        a, b = float(config["atmosphere.olr_a"]), float(config["atmosphere.olr_b"])
    except (KeyError, ValueError):
        return None
    # Lap P2 = -6 P2 on the unit sphere, so the constant and P2 modes balance separately.
    t0, t2 = (q * (1 - albedo) - a) / b, q * s2 * (1 - albedo) / (b + 6 * d)
    x = np.sin(np.radians(lat))
    return t0 + t2 * 0.5 * (3 * x * x - 1)


def read_observed(path):
    """An observed zonal-mean profile: CSV with columns lat (degrees north) and temperature_degC, in any
    row order, at least two rows, latitudes in [-90, 90] and distinct."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
        lat = np.array([float(r["lat"]) for r in rows])
        value = np.array([float(r["temperature_degC"]) for r in rows])
    except (OSError, KeyError, TypeError, ValueError) as e:
        sys.exit(f"plot.py: --observed {path}: needs a CSV with columns lat, temperature_degC ({e})")
    order = np.argsort(lat)
    lat, value = lat[order], value[order]
    if len(lat) < 2 or lat[0] < -90 or lat[-1] > 90 or np.any(np.diff(lat) == 0) or not np.all(np.isfinite(value)):
        sys.exit(f"plot.py: --observed {path}: needs at least two rows of distinct latitudes in [-90, 90] "
                 "and finite temperatures")
    return lat, value


def plot_zonal_mean(paths, field, out_dir, observed=None):
    means, labels = [], []
    for path in paths:
        data, meta = read_field(path, field)
        weight = np.where(np.ma.getmaskarray(data), 0.0, meta["weight"])
        total = weight.sum(axis=1)
        mean = (weight * data.filled(0.0)).sum(axis=1) / np.where(total > 0, total, 1.0)
        means.append(np.ma.masked_array(mean, mask=total <= 0))  # a latitude with no data stays masked
        labels.append(f"{meta['date']} (step {meta['step']})")
    lat, units = meta["lat"], meta["units"] or "no units"
    analytic = north_1975(run_config(meta), field, lat)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colours = plt.get_cmap("plasma")(np.linspace(0, 0.85, len(means)))
    for mean, label, colour in zip(means, labels, colours):
        shown = len(means) <= 8 or label in (labels[0], labels[-1])
        ax.plot(lat, mean, color=colour, label=label if shown else None)
    if analytic is not None:
        ax.plot(lat, analytic, "k--", label="North (1975) analytic equilibrium")
    reference = None
    if observed is not None:
        obs_lat, obs_value = read_observed(observed)
        ax.plot(obs_lat, obs_value, "ko", ms=3, label=f"observed ({os.path.basename(observed)})")
        # At the model's latitudes, for the CSV; none outside the table's range.
        reference = np.ma.masked_array(np.interp(lat, obs_lat, obs_value),
                                       mask=(lat < obs_lat[0]) | (lat > obs_lat[-1]))
    weighted = f", weighted by {meta['weight_name']}" if meta["weight_name"] else ""
    ax.set(xlim=(-90, 90), xlabel="latitude (degrees north)", ylabel=f"zonal mean {field} ({units})",
           title=f"zonal mean of {field}{weighted}" + (f", {len(means)} times" if len(means) > 1 else ""))
    ax.set_xticks(range(-90, 91, 30))
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="small", loc="lower center")
    fig.tight_layout()
    name = os.path.join(out_dir, f"{field}_zonal_mean.png")
    fig.savefig(name, dpi=100)
    plt.close(fig)
    write_zonal_csv(os.path.join(out_dir, f"{field}_zonal_mean.csv"), lat, paths, means, analytic, reference)
    return name


def write_zonal_csv(name, lat, paths, means, analytic, observed=None):
    steps = [os.path.basename(p).rsplit("_", 1)[1].split(".")[0] for p in paths]
    with open(name, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["lat"] + [f"step_{s}" for s in steps] + (["north1975"] if analytic is not None else []) +
                     (["observed"] if observed is not None else []))
        for j, y in enumerate(lat):
            row = [repr(float(y))] + ["" if np.ma.is_masked(m[j]) else repr(float(m[j])) for m in means]
            row += [repr(float(analytic[j]))] if analytic is not None else []
            row += (["" if np.ma.is_masked(observed[j]) else repr(float(observed[j]))] if observed is not None else [])
            out.writerow(row)


def diagnostics_units(column):
    if column.endswith("energy"):
        return "J"
    if column.endswith("temperature"):
        return "degC"
    return "as in diagnostics.csv"


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
        ax.set_ylabel(f"{key.replace('_', ' ')}\n({diagnostics_units(key)})", fontsize="small")
        ax.ticklabel_format(axis="y", useOffset=False)
    axes[-1, 0].set_xlabel("model time (days)")
    fig.tight_layout()
    name = os.path.join(out_dir, "diagnostics.png")
    fig.savefig(name, dpi=100)
    plt.close(fig)
    return name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output_dir", help="a run's output.dir: <component>_<step>.h5, diagnostics.csv")
    parser.add_argument("--field", default="t_atm", help="history field to draw (default t_atm)")
    parser.add_argument("--component", default="atmosphere",
                        help="whose history files: atmosphere, ocean or land (default atmosphere)")
    parser.add_argument("--times", default=None,
                        help="all, last, or comma-separated file indices (default last; all with --animate)")
    parser.add_argument("--animate", action="store_true", help="also write FIELD.mp4 (FIELD.gif without ffmpeg); without --times it animates "
                        "every file and draws the map of the last one only")
    parser.add_argument("--fps", type=float, default=6, help="animation frames (history files) per second")
    parser.add_argument("--no-coast", action="store_true", help="draw no coastlines")
    parser.add_argument("--observed", default=None,
                        help="CSV (columns lat, temperature_degC) drawn on the zonal-mean plot and interpolated "
                             "to the model's latitudes in its CSV (column observed); docs/data/observed_zonal_mean_"
                             "sst.csv and _marine_air.csv are observed ones (docs/data/README.md)")
    parser.add_argument("--out", default=None, help="where the plots go (default OUTPUT_DIR/plots)")
    args = parser.parse_args()
    out_dir = args.out or os.path.join(args.output_dir, "plots")
    os.makedirs(out_dir, exist_ok=True)
    files = history_files(args.output_dir, args.component)
    if not files:
        sys.exit(f"plot.py: no {args.component}_<step>.h5 files in {args.output_dir}")
    chosen = choose(files, args.times or ("all" if args.animate else "last"))
    coasts = {}

    def coast_for(meta, shape):
        if args.no_coast:
            return None
        if shape not in coasts:
            coasts[shape] = coastline(run_config(meta), args.output_dir, shape)
        return coasts[shape]

    for path in chosen if not args.animate or args.times else chosen[-1:]:
        print(plot_map(path, args.field, out_dir, coast_for))
    print(plot_zonal_mean(chosen, args.field, out_dir, args.observed))
    if args.animate:
        print(animate(chosen, args.field, out_dir, coast_for, args.fps))
    diagnostics = os.path.join(args.output_dir, "diagnostics.csv")
    if os.path.exists(diagnostics) and (name := plot_diagnostics(diagnostics, out_dir)):
        print(name)


if __name__ == "__main__":
    main()
