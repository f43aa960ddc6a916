#!/usr/bin/python3
"""Reads a sample output directory (tests/io/write_sample.cpp) the way users will: xarray over all
history files of a component, and the XDMF file checked against the HDF5 files it names."""
import glob
import math
import os
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np
import xarray as xr

out = sys.argv[1]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def check_xarray(component, field, field_index):
    ds = xr.open_mfdataset(os.path.join(out, component + "_*.h5"), combine="by_coords",
                           engine="netcdf4", use_cftime=True)
    check(ds.sizes["time"] == 3, f"{component}: {ds.sizes['time']} times, want 3")
    for name in ("time", "lat", "lon"):
        check(name in ds.coords, f"{component}: no coordinate {name}")
    check(ds.time.dt.calendar == "noleap", f"{component}: calendar {ds.time.dt.calendar}")
    check([t.day for t in ds.time.values] == [2, 3, 4], f"{component}: days {ds.time.values}")
    lat = ds.lat.values
    check(np.allclose(lat, -90 + (np.arange(lat.size) + 0.5) * 180 / lat.size), f"{component}: lat values")
    values = ds[field].values
    for n, step in enumerate((24, 48, 72)):
        want = 250 + 10 * field_index + step + 20 * np.cos(np.radians(lat))[:, None]
        check(np.array_equal(values[n], np.broadcast_to(want, values[n].shape)) or
              np.allclose(values[n], want, rtol=0, atol=1e-12), f"{component}/{field} values at step {step}")
    check(ds[field].attrs.get("units") == "K", f"{component}/{field} units")
    ds.close()


def dims_of(item):
    return [int(d) for d in item.get("Dimensions").split()]


def check_xdmf(component):
    path = os.path.join(out, component + ".xdmf")
    grids = ET.parse(path).getroot().findall("./Domain/Grid/Grid")
    check(len(grids) == 3, f"{path}: {len(grids)} time steps, want 3")
    for grid in grids:
        topology = grid.find("Topology")
        check(topology.get("TopologyType") == "3DRectMesh", f"{path}: topology {topology.get('TopologyType')}")
        for item in grid.iter("DataItem"):
            if item.get("Format") != "HDF":
                continue
            file_name, dataset = item.text.strip().split(":")
            h5_path = os.path.join(out, file_name)
            if not os.path.exists(h5_path):
                check(False, f"{path} names missing file {file_name}")
                continue
            with h5py.File(h5_path, "r") as f:
                if dataset not in f:
                    check(False, f"{path} names missing dataset {item.text}")
                    continue
                check(list(f[dataset].shape) == dims_of(item),
                      f"{path}: {item.text} has shape {f[dataset].shape}, XDMF says {item.get('Dimensions')}")
        for attribute in grid.findall("Attribute"):
            check(dims_of(attribute.find("DataItem")) == [1] + dims_of(topology)[1:],
                  f"{path}: attribute {attribute.get('Name')} dimensions")


def check_cf_extras():
    """Cell bounds, cell areas and missing values as xarray (netCDF4 engine) decodes them."""
    ds = xr.open_mfdataset(os.path.join(out, "ocean_*.h5"), combine="by_coords", engine="netcdf4",
                           use_cftime=True)
    check(ds.lat.attrs.get("bounds") == "lat_bnds" and ds.lon.attrs.get("bounds") == "lon_bnds",
          "ocean: lat/lon lack their bounds attribute")
    lat_bnds, lon_bnds = ds.lat_bnds.values, ds.lon_bnds.values
    lat_bnds = lat_bnds[0] if lat_bnds.ndim == 3 else lat_bnds  # open_mfdataset may stack them in time
    lon_bnds = lon_bnds[0] if lon_bnds.ndim == 3 else lon_bnds
    check(lat_bnds.shape == (12, 2) and lon_bnds.shape == (24, 2), f"bounds shapes {lat_bnds.shape} {lon_bnds.shape}")
    check(np.array_equal(lat_bnds[:, 0], np.linspace(-90, 75, 12)) and np.array_equal(lat_bnds[:, 1], np.linspace(-75, 90, 12)),
          "lat_bnds values")
    check(np.array_equal(lon_bnds[:, 0], np.arange(24) * 15.0) and np.array_equal(lon_bnds[:, 1], np.arange(1, 25) * 15.0),
          "lon_bnds values")
    area = ds.cell_area.values
    area = area[0] if area.ndim == 3 else area
    check(math.isclose(area.sum(), 4 * math.pi * 6.371e6 ** 2, rel_tol=1e-14), f"cell areas sum to {area.sum()}")
    check(ds.ice.attrs.get("cell_measures") == "area: cell_area", "ice lacks cell_measures")
    # xarray turns _FillValue into NaN (masked) and does not list it among the attributes any more.
    check(np.isnan(ds.ice.encoding.get("_FillValue", 0.0)), f"ice _FillValue {ds.ice.encoding.get('_FillValue')}")
    land = ds.frac.values == 0
    check(land.any() and not land.all(), "sample frac covers nothing or everything")
    ice, sst = ds.ice.values, ds.sst.values
    check(np.array_equal(np.isnan(ice), land), "ice is not missing exactly where frac is 0")
    check(np.array_equal(ice[~land], sst[~land] + 10), "ice values where frac > 0")
    check("_FillValue" not in ds.sst.encoding or not np.isnan(ds.sst.encoding["_FillValue"]), "sst has a NaN fill")
    ds.close()


check_xarray("atmosphere", "t_atm", 0)
check_cf_extras()
check_xarray("ocean", "sst", 0)
check_xdmf("atmosphere")
check_xdmf("ocean")
check(not glob.glob(os.path.join(out, "*.tmp")), "temporary files left behind")
check(os.path.exists(os.path.join(out, "restart_000072.h5")), "no restart file")
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("xarray and XDMF checks passed")
