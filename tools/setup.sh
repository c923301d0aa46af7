#!/usr/bin/env bash
# Installs the Debian packages sixparty needs (only those missing) and builds it in Release.
# Idempotent and quick when everything is present. Sourced or run by run_main.sh and run_tests.sh.
#   usage: tools/setup.sh [--tests]   (--tests adds what the test suite needs: clang, valgrind, ...)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(cmake ninja-build g++ pkg-config git
  libeigen3-dev libtbb-dev libyaml-cpp-dev libcli11-dev catch2 libhdf5-dev librandom123-dev libbenchmark-dev
  python3-h5py python3-pandas python3-xarray python3-h5netcdf python3-matplotlib
  python3-nbconvert python3-nbclient python3-ipykernel python3-pytest python3-yaml python3-jsonschema
  python3-sklearn python3-scipy  # sklearn: scenario discovery (CART, feature scores)
  pybind11-dev python3-pybind11 python3-dev python3-tqdm  # the Python module (sim/python) and its progress bar
  libopenmpi-dev openmpi-bin)  # MPI runs of batch, run and compare (docs/cluster.md)
if [ "${1:-}" = "--tests" ]; then
  packages+=(clang libclang-rt-14-dev valgrind chromium udunits-bin netcdf-bin procps)  # chromium: the report's browser test; udunits2, ncdump: the CF checks; procps: pgrep (the MPI test finds a rank to kill)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cd "$root"
# the test command builds with warnings as errors, so a new compiler warning fails CI
werror=OFF
[ "${1:-}" = "--tests" ] && werror=ON
cmake --preset release -DSIXPARTY_WERROR=$werror >/dev/null
cmake --build --preset release -j2
