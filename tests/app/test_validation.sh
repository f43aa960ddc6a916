#!/usr/bin/env bash
# Every invalid input is refused before the first step: exit status 2 on every rank, exactly one
# line on stderr naming the key or file, the value and what is allowed; no MPI_Abort banner; and an
# existing output folder is left exactly as it was.
# usage: test_validation.sh MERIDIAN SOURCE_DIR MPIEXEC RANKS
set -uo pipefail
bin="$1" src="$2" mpiexec="$3" ranks="$4"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cfg="$src/configs/default.ini"

# An existing output folder with a run in it: nothing in it may change.
keep="$tmp/existing"
"$mpiexec" -n 2 "$bin" --config "$cfg" --grid.nx=24 --grid.ny=12 --run.steps=8 --output.every=4 --output.dir="$keep" >/dev/null
cp "$keep/restart_000008.h5" "$tmp/small_restart.h5"
fingerprint() { (cd "$keep" && find . -type f -exec md5sum {} + | sort); }
before="$(fingerprint)"

printf 'garbage\0\001\002binary' >"$tmp/binary.ini"
printf '[grid]\nthis line is not an option\n' >"$tmp/syntax.ini"
printf '[grid]\nnxx = 10\n' >"$tmp/unknown.ini"
printf '[ocean]\nheat_capacity = lots\n' >"$tmp/wrongtype.ini"
printf 'not hdf5 at all\n' >"$tmp/fake.h5"
head -c 3000 "$tmp/small_restart.h5" >"$tmp/truncated.h5"
touch "$tmp/regular_file"

failures=0
source "$src/tests/app/expect_refusal.sh"
check() { REFUSAL_SECONDS=60 expect_refusal "$1" timeout 60 "$mpiexec" -q -n "$ranks" "$bin" "${@:2}"; }
o="--output.dir=$keep"
check "config file '/nonexistent/run.ini' does not exist" --config /nonexistent/run.ini
check "is not a text file" --config "$tmp/binary.ini" "$o"
check "syntax error" --config "$tmp/syntax.ini" "$o"
check "unknown option 'grid.nxx' (did you mean 'grid.nx'?)" --config "$tmp/unknown.ini" "$o"
check "unknown option 'ocean.heat_capacty' (did you mean 'ocean.heat_capacity'?)" --config "$cfg" --ocean.heat_capacty=4e8 "$o"
# Couplings (docs/coupling.md): each mistake is one line naming the keys, before anything is written.
printf '[ocean]\nsurface_heat_flux.from =\n' >"$tmp/uncoupled.ini"
check "ocean.surface_heat_flux.from: is not set: ocean imports 'surface_heat_flux' (W m-2)" --config "$tmp/uncoupled.ini" "$o"
check "ocean.surface_heat_flux.from = 'surface_exchange.heat': surface_exchange has no export 'heat'; exports of this run in 'W m-2': surface_exchange.heat_into_air" \
  --config "$cfg" --ocean.surface_heat_flux.from=surface_exchange.heat "$o"
check "units differ: atmosphere.air_temperature is in 'degC' but ocean.surface_heat_flux wants 'W m-2'" \
  --config "$cfg" --ocean.surface_heat_flux.from=atmosphere.air_temperature "$o"
check "ocean.surface_heat_flux.regrid = identity: surface_exchange's grid is refined 1x and ocean's 2x" \
  --config "$cfg" --ocean.refine=2 --ocean.surface_heat_flux.regrid=identity "$o"
# Fractions that do not partition a cell are found while running: status 3 on every rank, one line
# naming the mediator, the fractions and the cell.
status=0
timeout 60 "$mpiexec" -q -n "$ranks" "$bin" --config "$cfg" --surface_exchange.land_fraction.from=ocean.sea_area_fraction \
  --output.dir="$tmp/partition" >"$tmp/partition.out" 2>"$tmp/partition.err" || status=$?
if [[ $status -ne 3 ]] || ! grep -q "^meridian: error: surface_exchange: the surface fractions do not partition the cell: ocean_fraction [0-9.e-]* + land_fraction [0-9.e-]* = [0-9.e-]* at cell ([0-9]*, [0-9]*), lon [0-9.]* lat [0-9.-]* of the 72x36 grid" "$tmp/partition.err"; then
  echo "FAIL: fractions that do not partition a cell -> status $status:" >&2; cat "$tmp/partition.err" >&2
  failures=$((failures + 1))
fi
check "ocean.heat_capacity = 'lots' is not allowed; expected a finite number" --config "$tmp/wrongtype.ini" "$o"
check "grid.nx = 'abc' is not allowed; expected an integer in [2, 10000000]" --config "$cfg" --grid.nx=abc "$o"
check "grid.ny = '-4' is not allowed" --config "$cfg" --grid.ny=-4 "$o"
check "run.dt = '0' is not allowed" --config "$cfg" --run.dt=0 "$o"
check "run.dt = 'nan' is not allowed; expected a finite number" --config "$cfg" --run.dt=nan "$o"
check "atmosphere.diffusivity = 'inf' is not allowed" --config "$cfg" --atmosphere.diffusivity=inf "$o"
check "grid.mask = 'mars' is not allowed; expected one of aquaplanet" --config "$cfg" --grid.mask=mars "$o"
check "grid.earth_file '/nonexistent/land.pgm' does not exist" --config "$cfg" --grid.mask=earth --grid.earth_file=/nonexistent/land.pgm "$o"
check "'$tmp/regular_file' is not an 8-bit binary PGM" --config "$cfg" --grid.mask=earth --grid.earth_file="$tmp/regular_file" "$o"
check "unknown argument 'extra'" --config "$cfg" extra
check "process grid 3x5 = 15 ranks, but the job has $ranks ranks" --config "$cfg" --decomp.px=3 --decomp.py=5 "$o"
# One row per rank is narrower than the atmosphere's halo of 2 (not possible on 1 rank: grid.ny >= 2).
[[ $ranks -gt 1 ]] && check "fewer than the halo width 2" --config "$cfg" --grid.ny="$ranks" --decomp.px=1 --decomp.py="$ranks" "$o"
check "run.steps = 191 is not a multiple of coupling.every = 2" --config "$cfg" --run.steps=191 "$o"
check "ocean.dt = 2700 s is not a whole multiple of run.dt = 1800 s" --config "$cfg" --ocean.dt=2700 "$o"
check "coupling.every = 2 steps (3600 s) is not a whole multiple of ocean.dt = 7200 s" --config "$cfg" --ocean.dt=7200 "$o"
check "atmosphere.dt = 86400 s is unstable" --config "$cfg" --run.dt=86400 --ocean.dt=86400 --run.steps=10 --coupling.every=1 --output.every=0 --restart.every=0 "$o"
check "is longer than the stable coupling interval" --config "$cfg" --coupling.every=96 --run.steps=192 --output.every=96 --restart.every=96 "$o"
check "output.dir = '$tmp/regular_file/out' cannot be created" --config "$cfg" --output.dir="$tmp/regular_file/out"
check "output.dir = '/proc/meridian-output' cannot be created" --config "$cfg" --output.dir=/proc/meridian-output
check "grid.nx x grid.ny = 10000000 x 10000000 needs about" --config "$cfg" --grid.nx=10000000 --grid.ny=10000000 "$o"
check "grid.nx x grid.ny = 1000000 x 500000 needs about" --config "$cfg" --grid.nx=1000000 --grid.ny=500000 --check
# An unknown key in every section is named, with the nearest known key.
for key in grid.nxx decomp.pxx run.stepz coupling.evry output.dirr diagnostics.evry restart.kep sunlight.qq \
           atmosphere.diffusivty ocean.albedoo land.albdo surface_exchange.ocean_gama; do
  printf '[%s]\n%s = 1\n' "${key%%.*}" "${key#*.}" >"$tmp/unknown-$key.ini"
  check "unknown option '$key' (did you mean" --config "$tmp/unknown-$key.ini" "$o"
done
# Bad restart files given to continue the existing run (output.existing = continue: without it the
# folder is refused before the file is read, test_output_folder.sh) change nothing either.
c="--output.existing=continue"
check "/nonexistent/restart_000010.h5" --config "$cfg" --restart.from=/nonexistent/restart_000010.h5 "$o" "$c"
check "$tmp/fake.h5" --config "$cfg" --restart.from="$tmp/fake.h5" "$o" "$c"
check "$tmp/truncated.h5" --config "$cfg" --restart.from="$tmp/truncated.h5" "$o" "$c"
check "grid 24x12" --config "$cfg" --restart.from="$tmp/small_restart.h5" "$o" "$c"

if [[ "$(fingerprint)" != "$before" ]]; then
  echo "FAIL: the existing output folder changed" >&2
  diff <(echo "$before") <(fingerprint) >&2
  failures=$((failures + 1))
fi
echo "test_validation: $failures failure(s) on $ranks rank(s)"
[[ $failures -eq 0 ]]
