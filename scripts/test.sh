#!/usr/bin/env bash
# Everything: install what is missing, build with tests, run every test (Catch2 unit tests,
# the pytest CLI suite, the install test) through ctest. Exits with ctest's status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
bash scripts/build.sh -DCHUNKARR_BUILD_TESTS=ON

build_dir="${CHUNKARR_BUILD_DIR:-build}"
status=0
ctest --test-dir "$build_dir" --output-on-failure -j2 || status=$?
exit "$status"
