#!/bin/bash
# Writes a sample output directory with 2 ranks and checks it with the real clients: ncdump (named
# dimensions, no phony_dim, bounds, missing values), xarray and the XDMF file (check_clients.py),
# ParaView (check_paraview.py), and scripts/plot.py (check_plots.py).
# Usage: check_clients.sh IO_WRITE_SAMPLE MPIEXEC PLOT_PY CHECK_CLIENTS_PY
set -euo pipefail
sample=$1 mpiexec=$2 plot=$3 checker=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/out

"$mpiexec" -n 2 --oversubscribe "$sample" "$out"

for component in atmosphere ocean; do
  header=$(ncdump -h "$out/${component}_000048.h5")
  for want in "time = UNLIMITED" "lat = " "lon = " "double time(time)" ':Conventions = "CF-1.8"'; do
    grep -qF "$want" <<<"$header" || { echo "ncdump -h of $component lacks '$want':"; echo "$header"; exit 1; }
  done
  if grep -q phony_dim <<<"$header"; then echo "phony_dim in $component:"; echo "$header"; exit 1; fi
done
grep -qF "double q(time, lev, lat, lon)" <<<"$(ncdump -h "$out/atmosphere_000048.h5")" \
  || { echo "q lacks its lev dimension"; ncdump -h "$out/atmosphere_000048.h5"; exit 1; }
# CF cell bounds and areas, and a NaN _FillValue on the field with a coverage (and only there).
header=$(ncdump -h "$out/ocean_000048.h5")
for want in "bnds = 2 ;" "double lat_bnds(lat, bnds)" "double lon_bnds(lon, bnds)" 'lat:bounds = "lat_bnds"' \
            'lon:bounds = "lon_bnds"' "double cell_area(lat, lon)" 'ice:cell_measures = "area: cell_area"' \
            "ice:_FillValue = NaN"; do
  grep -qF "$want" <<<"$header" || { echo "ncdump -h of ocean lacks '$want':"; echo "$header"; exit 1; }
done
if grep -q "sst:_FillValue" <<<"$header"; then echo "sst has a _FillValue but no coverage"; exit 1; fi
# ncdump shows the masked cells as missing ("_"): frac is 0 in the 4 westernmost columns of 12 rows.
missing=$(ncdump -v ice "$out/ocean_000048.h5" | sed -n '/^ ice =/,/;/p' | grep -o '_' | wc -l)
[[ $missing -eq 48 ]] || { echo "ncdump shows $missing missing ice values, want 48"; exit 1; }

/usr/bin/python3 "$checker" "$out"

# output.precision = single: 32-bit variables with a float _FillValue that ncdump and xarray read as
# the double sample's values rounded to float.
"$mpiexec" -n 2 --oversubscribe "$sample" "$work/single" single
header=$(ncdump -h "$work/single/ocean_000048.h5")
for want in "float sst(time, lat, lon)" "float ice(time, lat, lon)" "ice:_FillValue = NaNf" \
            "double cell_area(lat, lon)" "double lat(lat)"; do
  grep -qF "$want" <<<"$header" || { echo "ncdump -h of the single-precision ocean lacks '$want':"; echo "$header"; exit 1; }
done
missing=$(ncdump -v ice "$work/single/ocean_000048.h5" | sed -n '/^ ice =/,/;/p' | grep -o '_' | wc -l)
[[ $missing -eq 48 ]] || { echo "ncdump shows $missing missing single-precision ice values, want 48"; exit 1; }
/usr/bin/python3 - "$out" "$work/single" <<'PY'
import sys, numpy as np, xarray as xr
for component, fields in (("atmosphere", ("t_atm", "q")), ("ocean", ("sst", "ice", "frac"))):
    full = xr.open_dataset(f"{sys.argv[1]}/{component}_000048.h5", engine="netcdf4")
    single = xr.open_dataset(f"{sys.argv[2]}/{component}_000048.h5", engine="netcdf4")
    for f in fields:
        assert single[f].dtype == np.float32, (component, f, single[f].dtype)
        want = full[f].values.astype(np.float32)
        assert np.array_equal(single[f].values, want, equal_nan=True), (component, f)
print("single precision: ncdump and xarray read the rounded values")
PY

# output.fixed_fields = own_file: cell_area and the fixed frac once, in ocean.fixed.h5 (lat, lon), which
# each history file names (CF external_variables, associated_files) instead of holding them.
"$mpiexec" -n 2 --oversubscribe "$sample" "$work/fixed" fixed
header=$(ncdump -h "$work/fixed/ocean_000048.h5")
for want in ':external_variables = "cell_area"' ':associated_files = "cell_area: ocean.fixed.h5 frac: ocean.fixed.h5"' \
            'ice:cell_measures = "area: cell_area"' "double ice(time, lat, lon)"; do
  grep -qF "$want" <<<"$header" || { echo "ncdump -h of the own_file ocean lacks '$want':"; echo "$header"; exit 1; }
done
for absent in "cell_area(" "frac("; do
  if grep -qF "$absent" <<<"$header"; then echo "the own_file ocean history still holds $absent"; echo "$header"; exit 1; fi
done
header=$(ncdump -h "$work/fixed/ocean.fixed.h5")
for want in "double cell_area(lat, lon)" "double frac(lat, lon)" 'frac:cell_measures = "area: cell_area"' \
            'lat:bounds = "lat_bnds"' ':title = "meridian ocean fixed fields"'; do
  grep -qF "$want" <<<"$header" || { echo "ncdump -h of ocean.fixed.h5 lacks '$want':"; echo "$header"; exit 1; }
done
if grep -q "time" <<<"$header"; then echo "ocean.fixed.h5 has a time dimension:"; echo "$header"; exit 1; fi
/usr/bin/python3 - "$out" "$work/fixed" "$(dirname "$plot")" <<'PY'
import glob, os, sys, h5py, numpy as np, xarray as xr
every, fixed = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
from history_variables import names, spatial  # what scripts/plot.py and climate_summary.py read with
# The history glob of the docs does not pick up the fixed file; merged with it, the data are the same.
files = sorted(glob.glob(f"{fixed}/ocean_*.h5"))
assert [os.path.basename(f) for f in files] == ["ocean_000024.h5", "ocean_000048.h5", "ocean_000072.h5"], files
full = xr.open_mfdataset(f"{every}/ocean_*.h5", combine="by_coords", engine="netcdf4")
history = xr.open_mfdataset(files, combine="by_coords", engine="netcdf4")
constant = xr.open_dataset(f"{fixed}/ocean.fixed.h5", engine="netcdf4")
merged = xr.merge([history, constant])
for name in ("sst", "ice"):
    assert np.array_equal(merged[name].values, full[name].values, equal_nan=True), name
for name in ("frac", "cell_area"):
    want = full[name].values
    want = want[0] if want.ndim == 3 else want  # open_mfdataset stacks a time-less variable in time
    assert merged[name].dims == ("lat", "lon"), (name, merged[name].dims)
    assert np.array_equal(merged[name].values, want), name
with h5py.File(files[-1], "r") as f, h5py.File(f"{every}/ocean_000072.h5", "r") as g:
    assert {"frac", "cell_area", "ice"} <= set(names(f, files[-1])), names(f, files[-1])
    for name in ("frac", "cell_area", "ice", "sst"):
        assert np.array_equal(spatial(f, files[-1], name), spatial(g, "", name), equal_nan=True), name
print("own_file: xarray merges the history and the fixed file into the every_file sample's values")
PY
for dir in "$out" "$work/fixed"; do
  /usr/bin/python3 "$plot" "$dir" --field ice --component ocean --times last --out "$dir/png" >/dev/null
done
cmp "$out/png/ice_zonal_mean.csv" "$work/fixed/png/ice_zonal_mean.csv" \
  || { echo "plot.py's zonal mean of ice differs between every_file and own_file"; exit 1; }

# ParaView (scripts/setup.sh installs it; reading needs no display) opens the XDMF and sees NaN.
command -v pvpython >/dev/null || { echo "pvpython not found: install paraview and python3-paraview (scripts/setup.sh)"; exit 1; }
timeout 120 pvpython "$(dirname "$checker")/check_paraview.py" "$out/ocean.xdmf" ice 48 3
# ... and finds a fixed field in the fixed file at every step (0 NaN: frac covers every cell), and the
# steps that sample's XDMF includes from its segment file (write_sample.cpp).
timeout 120 pvpython "$(dirname "$checker")/check_paraview.py" "$work/fixed/ocean.xdmf" frac 0 3 0:1
timeout 120 pvpython "$(dirname "$checker")/check_paraview.py" "$work/fixed/ocean.xdmf" ice 48 3

printf 'step,time,total_energy\n24,86400,1.5e24\n48,172800,1.52e24\n72,259200,1.49e24\n' > "$out/diagnostics.csv"
/usr/bin/python3 "$plot" "$out" --field t_atm --component atmosphere --times all --out "$work/png"
/usr/bin/python3 "$plot" "$out" --field sst --component ocean --times last --out "$work/png"
expected=(t_atm_000024.png t_atm_000048.png t_atm_000072.png t_atm_zonal_mean.png sst_000072.png sst_zonal_mean.png
          diagnostics.png)
for png in "${expected[@]}"; do
  size=$(stat -c %s "$work/png/$png" 2>/dev/null || echo 0)
  if (( size < 10000 )); then echo "plot $png missing or too small ($size bytes)"; ls -l "$work/png"; exit 1; fi
done
# Zonal means against a direct computation, the animation, masked cells and coastlines.
/usr/bin/python3 "$(dirname "$0")/check_plots.py" "$plot" "$out" "$work"
echo "io clients: all checks passed"
