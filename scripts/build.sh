#!/usr/bin/env bash
# Configures (Release, Ninja) and builds chunkarr into build/. Incremental: re-running only
# rebuilds what changed.
#   scripts/build.sh [-DOPTION=VALUE ...] [--target NAME ...]
# -D options go to cmake's configure step, --target limits what is built (default: all).
# CHUNKARR_BUILD_DIR overrides the build directory (default: build/ in the repository).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir="${CHUNKARR_BUILD_DIR:-build}"
configure_args=()
targets=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    -D*) configure_args+=("$1") ;;
    --target) [ "$#" -ge 2 ] || { echo "build.sh: --target needs a name" >&2; exit 2; }
              targets+=(--target "$2"); shift ;;
    --target=*) targets+=(--target "${1#--target=}") ;;
    *) echo "build.sh: unknown argument '$1' (want -DOPTION=VALUE or --target NAME)" >&2; exit 2 ;;
  esac
  shift
done

args=(-S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release --no-warn-unused-cli)
# A build directory keeps the generator it was made with; choose Ninja for a new one.
[ -f "$build_dir/CMakeCache.txt" ] || args+=(-G Ninja)
# Debian's python3 has NumPy/h5py; another python3 (pyenv, venv) may come first on PATH.
[ -x /usr/bin/python3 ] && args+=(-DPython_EXECUTABLE=/usr/bin/python3)
if ccache_path="$(command -v ccache 2>/dev/null)"; then
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$ccache_path")
fi

jobs="$(nproc 2>/dev/null || echo 2)"
cmake "${args[@]}" ${configure_args[@]+"${configure_args[@]}"}
cmake --build "$build_dir" --parallel "$jobs" ${targets[@]+"${targets[@]}"}
