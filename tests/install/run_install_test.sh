#!/usr/bin/env bash
# Installs the chunkarr build in BUILD_DIR into a temporary prefix, then configures, builds and
# runs the downstream project next to this script against it with find_package(chunkarr).
#   tests/install/run_install_test.sh BUILD_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ "$#" -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir="$(cd "$1" && pwd)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/chunkarr-install-test.XXXXXX")"
trap 'rm -rf -- "$tmp"' EXIT

cmake --install "$build_dir" --prefix "$tmp/prefix" >"$tmp/install.log" || {
  cat "$tmp/install.log" >&2; exit 1; }

# HDF5 and netCDF are private dependencies: no installed header may include (or name) theirs.
if grep -rlE 'hdf5(_hl)?\.h|netcdf\.h' "$tmp/prefix/include/chunkarr"; then
  echo "install test: the installed headers above mention hdf5.h or netcdf.h" >&2
  exit 1
fi

# Build the downstream project with the compiler chunkarr itself was built with.
args=(-S "$here" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release)
compiler="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)"
[ -n "$compiler" ] && args+=(-DCMAKE_CXX_COMPILER="$compiler")
command -v ninja >/dev/null 2>&1 && args+=(-G Ninja)

cmake "${args[@]}"
cmake --build "$tmp/build"

libdirs="$tmp/prefix/lib"
for d in "$tmp"/prefix/lib/*/ "$tmp/prefix/lib64"; do
  [ -d "$d" ] && libdirs="$libdirs:${d%/}"
done
LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$tmp/build/downstream" "$tmp/downstream.h5"

# The Python package lands where that Python looks under the prefix, and finds libchunkarr
# through its RPATH (no LD_LIBRARY_PATH here).
python="$(sed -n 's/^Python_EXECUTABLE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)"
if [ -n "$python" ]; then
  package="$(find "$tmp/prefix" -path '*/chunkarr/__init__.py' | head -n 1)"   # not chunkarr/array_api's
  [ -n "$package" ] || { echo "install test: the Python package was not installed" >&2; exit 1; }
  for typed in py.typed _chunkarr.pyi; do   # PEP 561: type checkers find the compiled module's stubs
    [ -f "$(dirname "$package")/$typed" ] || { echo "install test: $typed was not installed" >&2; exit 1; }
  done
  PYTHONPATH="$(dirname "$(dirname "$package")")" "$python" -c '
import numpy as np, chunkarr as ca
x = ca.from_array(np.arange(10.0), chunks=3)
assert x.sum().compute() == 45.0
assert x.__array_namespace__().sum(x).compute() == 45.0   # the chunkarr.array_api subpackage
print("downstream python: chunkarr", ca.__file__, "sum 45.0: ok")'
fi
