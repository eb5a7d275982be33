"""Shared setup for the chunkarr Python tests.

The tests run against the package in the build tree: the directory named by the environment
variable CHUNKARR_PYTHONPATH (default: <repo>/build/python, i.e. /work/main/build/python in the
project checkout) is put first on sys.path before chunkarr is imported.

chunkarr is imported lazily, through the `ca` fixture, so that `pytest --collect-only` works
before the extension is built; a test that needs the package and cannot import it fails with
one clear message instead of a collection error in every module.

Helpers used by several test modules live here too (`from conftest import ...` works because
pytest puts this directory on sys.path in its default "prepend" import mode).
"""
import importlib
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHUNKARR_PYTHONPATH = os.environ.get("CHUNKARR_PYTHONPATH", str(REPO_ROOT / "build" / "python"))

if CHUNKARR_PYTHONPATH not in sys.path:
    sys.path.insert(0, CHUNKARR_PYTHONPATH)

_import_error = None


def _import_chunkarr():
    global _import_error
    if _import_error is not None:
        pytest.fail(_import_error, pytrace=False)
    try:
        return importlib.import_module("chunkarr")
    except Exception as exc:  # ImportError, or an error raised while loading the extension
        _import_error = (
            f"cannot import chunkarr ({type(exc).__name__}: {exc}).\n"
            f"The tests look for the package first in CHUNKARR_PYTHONPATH={CHUNKARR_PYTHONPATH!r} "
            f"(set it to <build>/python, the directory holding chunkarr/__init__.py and the "
            f"compiled _chunkarr*.so), then on the normal sys.path. Build first: "
            f"cmake --build build, or install with cmake --install."
        )
        pytest.fail(_import_error, pytrace=False)


@pytest.fixture(scope="session")
def ca():
    """The chunkarr module (imported from the build tree)."""
    return _import_chunkarr()


@pytest.fixture(scope="session")
def chunkarr_pythonpath():
    """The directory the tests import chunkarr from (for subprocesses and Jupyter kernels)."""
    return CHUNKARR_PYTHONPATH


def pytest_report_header(config):
    lines = [f"chunkarr: CHUNKARR_PYTHONPATH={CHUNKARR_PYTHONPATH}"]
    try:
        mod = importlib.import_module("chunkarr")
        lines.append(f"chunkarr: imported from {getattr(mod, '__file__', '?')}")
    except Exception as exc:
        lines.append(f"chunkarr: not importable yet ({type(exc).__name__}: {exc})")
    return lines


# ---------------------------------------------------------------------------------------------
# Helpers shared by the test modules.

DTYPES = ["int8", "int32", "uint16", "int64", "float32", "float64", "bool"]
FLOAT_DTYPES = ["float32", "float64"]

# (shape, chunks) cases: 0-d, 1-d, 2-d, 3-d, edge chunks, empty axes, chunks given as None,
# int, tuple and tuple of tuples (regular with a partial edge chunk, and irregular).
SHAPE_CHUNKS = [
    ((), None),
    ((), ()),
    ((1,), 1),
    ((17,), 5),
    ((17,), (4,)),
    ((17,), ((5, 5, 7),)),
    ((0,), 3),
    ((7, 11), (3, 4)),
    ((7, 11), 4),
    ((7, 11), None),
    ((7, 11), ((2, 5), (11,))),
    ((7, 11), ((3, 3, 1), (4, 4, 3))),
    ((13, 1), (5, 1)),
    ((0, 5), (2, 2)),
    ((5, 6, 7), (2, 3, 4)),
    ((4, 9, 5), ((1, 3), (4, 5), (5,))),
    ((3, 0, 4), 2),
]


def case_id(case):
    shape, chunks = case
    return f"shape{shape}-chunks{chunks}".replace(" ", "")


def sample(shape, dtype, seed=0, positive=False, nonzero=False):
    """Deterministic test data of `dtype` with small values (no overflow in + - * **)."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind == "f":
        lo = 0.25 if positive else -3.0
        a = rng.uniform(lo, 3.0, size=shape).astype(dtype)
        if nonzero:
            a[np.abs(a) < 0.25] = 0.5
        return np.asarray(a, dtype=dtype)
    if dtype.kind == "u":
        lo = 1 if (positive or nonzero) else 0
        return np.asarray(rng.integers(lo, 10, size=shape), dtype=dtype)
    lo = 1 if positive else -5
    a = np.asarray(rng.integers(lo, 6, size=shape), dtype=dtype)
    if nonzero:
        a[a == 0] = 1
    return a


def np_expected(func, *args, **kwargs):
    """NumPy's result with warnings (0/0, all-NaN slices) silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def chunkarr_dtype(dtype):
    """chunkarr has no float16: where NumPy gives float16 (math on 8-bit ints/bools) it gives
    float32 (documented in include/chunkarr/core/dtype.hpp)."""
    dtype = np.dtype(dtype)
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def tolerance(dtype, reduction=False):
    dtype = np.dtype(dtype)
    if dtype == np.float32 or dtype == np.float16:
        return 1e-4 if reduction else 2e-6
    if dtype.kind == "f":
        return 1e-9 if reduction else 1e-12
    return 0


def assert_matches(got, expected, *, dtype=True, reduction=False, rtol=None, exact_dtype=None):
    """`got` (a computed chunkarr result) equals NumPy's `expected`: same shape, same dtype
    (float16 mapped to float32), same values (NaN where NumPy has NaN)."""
    expected_arr = np.asarray(expected)
    want_dtype = chunkarr_dtype(exact_dtype if exact_dtype is not None else expected_arr.dtype)
    assert isinstance(got, (np.ndarray, np.generic)), f"expected a NumPy result, got {type(got)!r}"
    got_arr = np.asarray(got)
    assert got_arr.shape == expected_arr.shape, f"shape {got_arr.shape} != NumPy's {expected_arr.shape}"
    if dtype:
        assert got_arr.dtype == want_dtype, f"dtype {got_arr.dtype} != NumPy's {want_dtype}"
    if rtol is None:
        rtol = tolerance(expected_arr.dtype if expected_arr.dtype.kind == "f" else got_arr.dtype, reduction)
    if expected_arr.dtype.kind in "biu" and got_arr.dtype.kind in "biu" and rtol == 0:
        np.testing.assert_array_equal(got_arr, expected_arr)
    else:
        exp = expected_arr.astype(np.float64)
        finite = exp[np.isfinite(exp)]
        scale = float(np.max(np.abs(finite))) if finite.size else 1.0
        atol = rtol * max(scale, 1.0)
        np.testing.assert_allclose(got_arr.astype(np.float64), exp, rtol=rtol, atol=atol, equal_nan=True)


def assert_scalar_result(got, expected_dtype):
    """0-d results come back as NumPy scalars of NumPy's result dtype (like Dask)."""
    assert isinstance(got, np.generic), f"0-d result should be a NumPy scalar, got {type(got)!r}"
    assert got.dtype == chunkarr_dtype(expected_dtype), f"dtype {got.dtype} != NumPy's {expected_dtype}"


def normalize_chunks(chunks, shape):
    """Dask's normalisation of a chunks argument (None: one chunk per axis)."""
    import dask.array as da

    if chunks is None:
        return tuple((n,) for n in shape)
    return da.core.normalize_chunks(chunks, shape)
