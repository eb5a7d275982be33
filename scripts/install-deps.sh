#!/usr/bin/env bash
# Installs what chunkarr needs on Debian 12 (apt), as root. Idempotent: when every package is
# already installed it does nothing (no apt-get update, no network).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libhdf5-dev libnetcdf-dev libxtensor-dev libxtensor-blas-dev libblas-dev liblapack-dev libtbb-dev catch2 pybind11-dev
  libdeflate-dev hdf5-tools
  python3 python3-numpy python3-pytest python3-h5py python3-netcdf4 python3-dask
  python3-nbclient python3-ipykernel python3-xarray python3-matplotlib python3-distributed
  # MPI across nodes (issue 15), Zarr stores (17), the Snakemake example (16), the Array API suite (18)
  openmpi-bin libopenmpi-dev python3-mpi4py libblosc-dev nlohmann-json3-dev
  python3-zarr python3-numcodecs snakemake python3-hypothesis
  # the typed stub of the compiled module is checked by mypy (python/tests/test_typing.py)
  mypy
  # sample files the corpus test (tests/cli/test_corpus.py) checks against netCDF4-python/h5py
  libncarg-data ferret-datasets python-tables-data
)

installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

if ! command -v dpkg >/dev/null 2>&1; then
  echo "install-deps: dpkg not found; this script is for Debian 12 (conda users: see environment.yml)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages; as root run: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
