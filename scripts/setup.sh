#!/usr/bin/env bash
# Installs the Debian 12 packages meridian needs, and only those that are missing.
# Idempotent; takes about a second when everything is present. As root it runs apt-get itself;
# otherwise it prints the one command to run with sudo and exits 1. `setup.sh --list` prints the list.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  git                             # the build records the source revision (cmake/MeridianRevision.cmake)
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev hdf5-tools
  libboost-program-options-dev
  catch2
  python3-h5py python3-matplotlib python3-xarray python3-netcdf4 netcdf-bin
  python3-dask                    # xarray.open_mfdataset (README, io_clients); only recommended by python3-xarray
  cdo                             # io_cdo: conservative remapping and field means of our history files
  gmt gmt-gshhg-low               # scripts/make_earth_mask.sh: coastlines for grid.mask = earth
  ffmpeg                          # scripts/plot.py --animate writes MP4
  paraview python3-paraview       # io_clients: ParaView's XDMF reader sees uncovered cells as NaN (pvpython)
  slurmctld slurmd slurm-client  # the batch-script test runs a real one-node Slurm
  valgrind                        # sanitize_valgrind_app (tests/sanitize)
  clang libclang-rt-14-dev        # fuzz_config: clang's libFuzzer, ASan and UBSan runtimes (tests/fuzz)
)
# Optional extras a caller may ask for: MERIDIAN_EXTRA_PACKAGES="slurmctld slurmd" scripts/setup.sh
if [[ -n "${MERIDIAN_EXTRA_PACKAGES:-}" ]]; then
  read -r -a extra <<<"${MERIDIAN_EXTRA_PACKAGES}"
  packages+=("${extra[@]}")
fi

# --list: print the packages and stop (tests/setup/check_dependencies.py reads the list from here).
if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != "installed" ]]; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=900 ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "meridian setup: missing Debian packages: ${missing[*]}" >&2
  echo "run: sudo sh -c '${install_cmd}'" >&2
  exit 1
fi
echo "meridian setup: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 "${missing[@]}"
