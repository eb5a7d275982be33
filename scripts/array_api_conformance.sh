#!/usr/bin/env bash
# Runs the array API standard's conformance suite (data-apis/array-api-tests) against a namespace
# with Debian's packages only, and prints pytest's pass/fail summary.
#   scripts/array_api_conformance.sh SUITE_DIR [MODULE] [pytest args ...]
# SUITE_DIR: a checkout of array-api-tests with its array-api (spec) submodule; the README's
# "Array API standard" section names the commits measured (the suite of January 2023, the last
# before it required complex dtypes, which chunkarr lacks). MODULE: chunkarr.array_api (default)
# or numpy.array_api (the reference). Extra arguments go to pytest (default: --max-examples=10).
# Two stand-ins replace what Debian lacks, in a temporary directory, never in the suite:
#   - ndindex (not packaged): its iter_indices, the one function the suite uses;
#   - pytest-json-report (not packaged): the suite's conftest imports its reporting hooks only
#     to write JSON reports, so that import is dropped from a copy of the suite.
set -euo pipefail
[ "$#" -ge 1 ] || { echo "usage: $0 SUITE_DIR [MODULE] [pytest args ...]" >&2; exit 2; }
suite="$(cd "$1" && pwd)"; shift
module="${1:-chunkarr.array_api}"; [ "$#" -gt 0 ] && shift
[ -d "$suite/array_api_tests" ] || { echo "$suite: not an array-api-tests checkout (no array_api_tests/)" >&2; exit 2; }
[ -d "$suite/array-api/spec" ] || { echo "$suite/array-api: the spec submodule is missing" >&2; exit 2; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_python="${CHUNKARR_PYTHONPATH:-$repo/build/python}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$suite" "$work/suite"
sed -i 's/^from reporting import .*$/# (pytest-json-report is not in Debian: its reporting hooks are left out)/' \
  "$work/suite/conftest.py"
mkdir -p "$work/shim/ndindex"
cat > "$work/shim/ndindex/__init__.py" <<'PY'
"""ndindex.iter_indices, as array-api-tests uses it: the indices of broadcast shapes, the
skipped axes as full slices, each index as an object whose .raw is the tuple."""
import itertools


class Tuple:
    def __init__(self, *args):
        self.raw = tuple(args)


def iter_indices(*shapes, skip_axes=()):
    if skip_axes and (isinstance(skip_axes, list) or isinstance(skip_axes[0], tuple)):
        per_shape = [tuple(s) for s in skip_axes]
    else:
        per_shape = [tuple(skip_axes)] * len(shapes)
    kept = []
    for shape, skips in zip(shapes, per_shape):
        skipped = {a % len(shape) for a in skips if -len(shape) <= a < len(shape)}
        kept.append([axis for axis in range(len(shape)) if axis not in skipped])
    ndim = max((len(k) for k in kept), default=0)
    broadcast = [1] * ndim
    for shape, axes in zip(shapes, kept):
        for i, axis in enumerate(axes):
            j = ndim - len(axes) + i
            if broadcast[j] == 1:
                broadcast[j] = shape[axis]
            elif shape[axis] not in (1, broadcast[j]):
                raise ValueError(f"shapes {shapes} do not broadcast")
    for index in itertools.product(*(range(n) for n in broadcast)):
        out = []
        for shape, axes in zip(shapes, kept):
            raw = [slice(None)] * len(shape)
            for i, axis in enumerate(axes):
                raw[axis] = 0 if shape[axis] == 1 else index[ndim - len(axes) + i]
            out.append(Tuple(*raw))
        yield tuple(out)
PY

[ "$#" -gt 0 ] || set -- --max-examples=10
cd "$work/suite"
PYTHONPATH="$work/shim:$build_python" ARRAY_API_TESTS_MODULE="$module" \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider array_api_tests --disable-deadline -W ignore --tb=line -rf "$@"
