#!/usr/bin/env bash
# Restart files are checked, not trusted (docs/reliability.md, "Restart files are checked"):
#  - a restart carries what shaped its state (run.dt, each component's time step, the land-sea mask
#    as a digest of the ocean fractions) and a checksum of every dataset; a run that differs, a
#    changed bit, a float32 dataset, a NaN, a step beyond run.steps or off the coupling interval, a
#    file from an older meridian: exit 2 on every rank, exactly one line naming the file and what
#    differs, no MPI_Abort banner, no doubled "rank N:" prefix;
#  - a valid restart written on 2 ranks restores on 3 and continues bit-for-bit, and its checksums
#    are the ones a 1-rank run writes; a time step spelled out as its default and a mask file at
#    another path with the same fractions are accepted.
# usage: test_restart_trust.sh MERIDIAN SOURCE_DIR MPIEXEC
set -uo pipefail
bin="$1" src="$2" mpiexec="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
common=(--config "$src/configs/default.ini" --grid.nx=16 --grid.ny=8 --output.every=0 --restart.keep=10
        --coupling.every=2)
run() { timeout 120 "$mpiexec" -q "$@"; }
die() { echo "test_restart_trust: $*" >&2; exit 1; }

# The reference: 6 steps on 2 ranks; the straight 12-step run on 1 rank, with a restart at 6 too.
run -n 2 "$bin" "${common[@]}" --run.steps=6 --restart.every=0 --output.dir="$tmp/base" >/dev/null || die "base run failed"
run -n 1 "$bin" "${common[@]}" --run.steps=12 --restart.every=6 --output.dir="$tmp/straight" >/dev/null ||
  die "straight run failed"
good="$tmp/base/restart_000006.h5"

# Positive: every dataset has a checksum, the same as the 1-rank run's; resuming on 3 ranks is bitwise.
$py - "$good" "$tmp/straight/restart_000006.h5" <<'PY' || die "checksums differ between 2-rank and 1-rank writers"
import sys, h5py
a, b = (h5py.File(p, "r") for p in sys.argv[1:])
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
assert sorted(names) == ["atmosphere/atmosphere_energy_input", "atmosphere/t_atm", "land/land_energy_input", "land/t_land",
                        "ocean/ocean_energy_input", "ocean/ocean_ice_cover", "ocean/t_ocean"], names
for n in names:
    ca, cb = a[n].attrs["checksum"], b[n].attrs["checksum"]
    assert len(ca) == 16 and ca == cb, (n, ca, cb)
PY
# atmosphere.dt = 1800 spelled out is the base run's 0 (= run.dt): time steps are compared as they run.
run -n 3 "$bin" "${common[@]}" --run.steps=12 --restart.every=0 --output.dir="$tmp/resumed" --restart.from="$good" \
  --atmosphere.dt=1800 >"$tmp/resumed.log" || die "resuming a valid restart on 3 ranks failed"
grep -q "restarted from" "$tmp/resumed.log" || die "no 'restarted from' line"
$py "$src/tests/app/compare_outputs.py" "$tmp/straight/restart_000012.h5" "$tmp/resumed/restart_000012.h5" ||
  die "2 ranks -> restart -> 3 ranks is not bitwise the straight 1-rank run"

# Damaged or edited copies of the good restart (h5py, as a user or a tool might).
edit() {  # edit NAME PYTHON: runs PYTHON with f = the copy opened read-write
  cp "$good" "$tmp/$1.h5"
  $py -c "import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r+')
$2
f.close()" "$tmp/$1.h5" || die "could not make $1.h5"
}
edit float32 "d = f['atmosphere/t_atm']; v = d[...]; a = dict(d.attrs); del f['atmosphere/t_atm']
n = f['atmosphere'].create_dataset('t_atm', data=v.astype(np.float32))
for k, x in a.items(): n.attrs[k] = x"
edit bitflip "d = f['ocean/t_ocean']; v = d[...]; b = v.view(np.uint64); b[0, 3, 5] ^= np.uint64(1 << 17); d[...] = v"
edit nan "d = f['land/t_land']; v = d[...]; v[0, 3, 5] = np.nan; d[...] = v"
edit older "f.attrs['format_version'] = np.int64(1); del f.attrs['state_settings']
for c in ('atmosphere', 'ocean', 'land'):
    for n in f[c]: del f[c][n].attrs['checksum']"
edit settings "s = f.attrs['state_settings'].decode().replace('run.dt\t1800\t', 'run.dt\t900\t')
f.attrs.create('state_settings', np.bytes_(s))"

failures=0
source "$src/tests/app/expect_refusal.sh"
# exit 2 on 3 ranks, one stderr line holding the text (tests/app/expect_refusal.sh)
check() { REFUSAL_SECONDS=60 expect_refusal "$1" run -n 3 "$bin" "${common[@]}" --restart.every=0 --output.dir="$tmp/bad" "${@:2}"; }
r="--run.steps=12"
check "restart file '$good' was written with grid.mask = continents (digests of ocean.ocean_fraction, land.land_fraction: " \
  $r --grid.mask=aquaplanet --restart.from="$good"
check "restart file '$good' was written with run.dt = 1800, this run has 3600" \
  $r --run.dt=3600 --ocean.dt=7200 --restart.from="$good"
# Before: exit 1, "rank 0: rank 0: ocean time: 10800 s is not a whole number of steps" and MPI_Abort.
check "restart file '$good' was written with ocean.dt = 3600, this run has 5400" \
  $r --ocean.dt=5400 --coupling.every=3 --restart.from="$good"
check "restart file '$good' was written at step 6, beyond run.steps = 4" --run.steps=4 --restart.from="$good"
check "restart file '$good' was written at step 6, which is not a multiple of coupling.every = 4" \
  $r --coupling.every=4 --restart.from="$good"
check "has dataset 'atmosphere/t_atm' stored as float32; restart datasets must be float64" \
  $r --restart.from="$tmp/float32.h5"
check "restart file '$tmp/bitflip.h5' fails the checksum of dataset 'ocean/t_ocean'" $r --restart.from="$tmp/bitflip.h5"
check "restart file '$tmp/nan.h5' holds NaN in dataset 'land/t_land' at i = 5, j = 3, level 0" \
  $r --restart.from="$tmp/nan.h5"
check "restart file '$tmp/older.h5' was written by an older meridian (restart format 1" $r --restart.from="$tmp/older.h5"
check "restart file '$tmp/settings.h5' was written with run.dt = 900, this run has 1800" \
  $r --restart.from="$tmp/settings.h5"
[[ ! -e "$tmp/bad" ]] || [[ -z "$(ls -A "$tmp/bad" | grep -v '^\.')" ]] ||
  { echo "FAIL: a refused restart left files in the output folder: $(ls "$tmp/bad")" >&2; failures=$((failures + 1)); }

# The mask is known by its fractions, not its file name: a copy elsewhere is accepted, one changed
# cell is not.
$py -c "
for name, odd in (('a', 0.5), ('c', 0.25)):
    with open('$tmp/mask_' + name + '.txt', 'w') as f:
        for j in range(8): f.write(' '.join('0.5' if (i + j) % 3 else ('1' if j != 2 or i != 4 else str(odd)) for i in range(16)) + '\n')
"
mkdir -p "$tmp/elsewhere" && cp "$tmp/mask_a.txt" "$tmp/elsewhere/mask_b.txt"
run -n 2 "$bin" "${common[@]}" --grid.mask=file --grid.mask_file="$tmp/mask_a.txt" --run.steps=6 --restart.every=0 \
  --output.dir="$tmp/masked" >/dev/null || die "run with a mask file failed"
run -n 3 "$bin" "${common[@]}" --grid.mask=file --grid.mask_file="$tmp/elsewhere/mask_b.txt" $r --restart.every=0 \
  --output.dir="$tmp/masked" --restart.from="$tmp/masked/restart_000006.h5" >/dev/null ||
  die "the same mask fractions from another file were refused"
check "was written with grid.mask = file, grid.mask_file = '$tmp/mask_a.txt' (digests of ocean.ocean_fraction" --grid.mask=file \
  --grid.mask_file="$tmp/mask_c.txt" $r --restart.from="$tmp/masked/restart_000006.h5"

[[ $failures -eq 0 ]] || die "$failures case(s) failed"
echo "test_restart_trust: every changed or mismatched restart refused in one line (exit 2); valid ones bitwise"
