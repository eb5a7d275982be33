"""Reductions: every method against NumPy (values, result dtype, 0-d -> NumPy scalar) on odd
shapes and chunkings, with axis (int, negative, tuple), keepdims, dtype and ddof; and against
Dask for the same chunks."""
import dask
import dask.array as da
import numpy as np
import pytest

from conftest import (
    DTYPES,
    SHAPE_CHUNKS,
    assert_matches,
    assert_scalar_result,
    np_expected,
    sample,
)

REDUCTIONS = [
    "sum", "mean", "std", "var", "min", "max", "any", "all", "count",
    "nansum", "nanmean", "nanstd", "nanvar", "nanmin", "nanmax",
]


def numpy_reduction(name, a, axis=None, keepdims=False, **kwargs):
    if name == "count":  # xarray's count: elements that are not NaN
        valid = ~np.isnan(a.astype(np.float64)) if a.dtype.kind == "f" else np.ones(a.shape, dtype=bool)
        return np.sum(valid, axis=axis, keepdims=keepdims, dtype=np.int64)
    if name.startswith("nan"):
        return np_expected(getattr(np, name), a, axis=axis, keepdims=keepdims, **kwargs)
    return np_expected(getattr(a, name), axis=axis, keepdims=keepdims, **kwargs)


def axes_for(ndim):
    if ndim == 0:
        return [None]
    if ndim == 1:
        return [None, 0, -1, (0,)]
    if ndim == 2:
        return [None, 0, 1, -1, (0, 1)]
    return [None, 0, 1, 2, -2, (0, 2), (1, 2), (0, 1, 2)]


def with_nans(a, seed=0):
    a = a.copy()
    rng = np.random.default_rng(seed)
    if a.size:
        a[rng.random(a.shape) < 0.15] = np.nan
    return a


def check_reduction(ca, name, a, chunks, axis, keepdims, **kwargs):
    x = ca.from_array(a, chunks=chunks)
    context = f"x.{name}(axis={axis}, keepdims={keepdims}, {kwargs}) on {a.dtype} {a.shape} chunks={chunks}"
    try:
        expected = numpy_reduction(name, a, axis=axis, keepdims=keepdims, **kwargs)
    except ValueError:
        # NumPy: min/max of an empty axis has no identity -> chunkarr raises ValueError too
        # (when the expression is built or when it is computed).
        with pytest.raises(ValueError):
            getattr(x, name)(axis=axis, keepdims=keepdims, **kwargs).compute()
        return
    z = getattr(x, name)(axis=axis, keepdims=keepdims, **kwargs)
    assert isinstance(z, ca.Array), context
    expected_shape = np.shape(expected)
    assert z.shape == expected_shape, f"{context}: shape {z.shape} != {expected_shape}"
    got = z.compute()
    try:
        if np.ndim(expected) == 0:
            assert_scalar_result(got, np.asarray(expected).dtype)
        assert_matches(got, expected, reduction=True)
    except AssertionError as e:
        raise AssertionError(f"{context}: {e}") from None


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_matches_numpy(ca, name, dtype):
    for shape, chunks in SHAPE_CHUNKS:
        a = sample(shape, dtype, seed=len(shape))
        for axis in axes_for(len(shape)):
            for keepdims in (False, True):
                check_reduction(ca, name, a, chunks, axis, keepdims)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_with_nans_matches_numpy(ca, name, dtype):
    # NaN propagates through sum/mean/std/var/min/max (as in NumPy); the nan* forms skip it.
    for shape, chunks in SHAPE_CHUNKS:
        a = with_nans(sample(shape, dtype, seed=7), seed=len(shape))
        for axis in axes_for(len(shape)):
            for keepdims in (False, True):
                check_reduction(ca, name, a, chunks, axis, keepdims)


@pytest.mark.parametrize("name", ["nansum", "nanmean", "nanstd", "nanvar", "nanmin", "nanmax", "count"])
def test_all_nan_slices(ca, name):
    a = sample((6, 5), "float64", seed=3)
    a[:, 2] = np.nan  # an all-NaN column
    a[4, :] = np.nan  # an all-NaN row
    for axis in (0, 1):
        check_reduction(ca, name, a, (4, 2), axis, False)
    b = np.full((4, 3), np.nan, dtype=np.float32)
    check_reduction(ca, name, b, 2, None, False)


@pytest.mark.parametrize("name", ["std", "var", "nanstd", "nanvar"])
@pytest.mark.parametrize("ddof", [0, 1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "uint16"])
def test_ddof(ca, name, ddof, dtype):
    for shape, chunks in [((17,), 5), ((7, 11), (3, 4)), ((13, 1), (5, 1)), ((4, 9, 5), ((1, 3), (4, 5), (5,)))]:
        a = sample(shape, dtype, seed=11)
        if dtype.startswith("float"):
            a = with_nans(a, seed=2) if name.startswith("nan") else a
        for axis in axes_for(len(shape)):
            check_reduction(ca, name, a, chunks, axis, False, ddof=ddof)


def test_ddof_default_is_population(ca):
    a = sample((9, 4), "float64")
    x = ca.from_array(a, chunks=(4, 3))
    assert_matches(x.std().compute(), a.std(ddof=0), reduction=True)
    assert_matches(x.var(axis=0).compute(), a.var(axis=0, ddof=0), reduction=True)


@pytest.mark.parametrize(
    "name,src,dst",
    [
        ("sum", "int32", "float64"),
        ("sum", "int8", "float32"),
        ("sum", "bool", "int64"),
        ("sum", "float32", "float64"),
        ("sum", "uint16", "int64"),
        ("mean", "float32", "float64"),
        ("mean", "int32", "float32"),
        ("mean", "float64", "float32"),
    ],
)
def test_reduction_dtype_argument(ca, name, src, dst):
    for shape, chunks in [((7, 11), (3, 4)), ((17,), 5), ((4, 9, 5), ((1, 3), (4, 5), (5,)))]:
        a = sample(shape, src, seed=5)
        for axis in (None, 0, -1):
            check_reduction(ca, name, a, chunks, axis, False, dtype=np.dtype(dst))
            check_reduction(ca, name, a, chunks, axis, True, dtype=dst)


@pytest.mark.parametrize(
    "dtype,name,expected",
    [
        ("int32", "sum", "int64"),
        ("int8", "sum", "int64"),
        ("bool", "sum", "int64"),
        ("uint16", "sum", "uint64"),
        ("float32", "sum", "float32"),
        ("float32", "mean", "float32"),
        ("float32", "std", "float32"),
        ("int32", "mean", "float64"),
        ("int64", "var", "float64"),
        ("int8", "min", "int8"),
        ("uint16", "max", "uint16"),
        ("bool", "max", "bool"),
        ("float32", "any", "bool"),
        ("int32", "all", "bool"),
        ("float32", "count", "int64"),
        ("int32", "nansum", "int64"),
        ("float32", "nanmean", "float32"),
    ],
)
def test_result_dtypes(ca, dtype, name, expected):
    a = sample((5, 6), dtype)
    x = ca.from_array(a, chunks=4)
    z = getattr(x, name)()
    assert z.dtype == np.dtype(expected)
    got = z.compute()
    assert_scalar_result(got, expected)
    z = getattr(x, name)(axis=1)
    assert z.dtype == np.dtype(expected)
    assert z.compute().dtype == np.dtype(expected)


def test_bad_axes_are_value_errors(ca):
    x = ca.from_array(sample((7, 11), "float64"), chunks=4)
    for axis in (2, -3, (0, 2), (0, 0), (1, -1)):
        with pytest.raises(ValueError):
            x.sum(axis=axis)
    with pytest.raises(ValueError):
        x.mean(axis=5)


def test_float32_accumulates_in_float64(ca):
    a = np.random.default_rng(0).random((1000, 1000), dtype=np.float32) + np.float32(1000)
    x = ca.from_array(a, chunks=(128, 300))
    truth = a.astype(np.float64)
    got = x.sum().compute()
    assert got.dtype == np.float32
    np.testing.assert_allclose(float(got), truth.sum(), rtol=1e-6)
    np.testing.assert_allclose(float(x.mean().compute()), truth.mean(), rtol=1e-6)
    np.testing.assert_allclose(float(x.std().compute()), truth.std(), rtol=1e-4)
    np.testing.assert_allclose(x.mean(axis=0).compute(), truth.mean(axis=0), rtol=1e-6)


def test_integer_sums_are_exact(ca):
    x = ca.arange(1_000_000, chunks=4096)
    got = x.sum().compute()
    assert_scalar_result(got, np.int64)
    assert got == 499999500000
    big = np.full((3, 5), 2**40, dtype=np.int64)
    assert ca.from_array(big, chunks=2).sum().compute() == 15 * 2**40


def test_shared_reads_give_the_same_as_separate_computes(ca):
    a = with_nans(sample((40, 30, 20), "float32", seed=4), seed=4)
    x = ca.from_array(a, chunks=(7, 11, 20))
    exprs = [x.nanmean(), x.nanstd(), x.nanmin(), x.nanmax(), x.count(), x.nanmean(axis=0)]
    together = ca.compute(*exprs)
    for expr, value in zip(exprs, together):
        separate = expr.compute()
        assert_matches(value, separate, rtol=1e-6)
    assert_matches(together[0], np.nanmean(a), reduction=True)
    assert_matches(together[4], np.sum(~np.isnan(a)), reduction=True)


DASK_CASES = [
    ((17,), 5),
    ((7, 11), (3, 4)),
    ((7, 11), ((2, 5), (11,))),
    ((5, 6, 7), (2, 3, 4)),
    ((4, 9, 5), ((1, 3), (4, 5), (5,))),
]


@pytest.mark.parametrize("dtype", ["int32", "float32", "float64", "uint16"])
@pytest.mark.parametrize("name", [r for r in REDUCTIONS if r != "count"])
def test_reductions_match_dask(ca, name, dtype):
    for shape, chunks in DASK_CASES:
        a = sample(shape, dtype, seed=9)
        if np.dtype(dtype).kind == "f" and name.startswith("nan"):
            a = with_nans(a, seed=1)
        x = ca.from_array(a, chunks=chunks)
        d = da.from_array(a, chunks=chunks)
        for axis in axes_for(len(shape)):
            if name.startswith("nan"):
                dz = getattr(da, name)(d, axis=axis)
            else:
                dz = getattr(d, name)(axis=axis)
            z = getattr(x, name)(axis=axis)
            assert z.shape == dz.shape
            assert z.dtype == dz.dtype, f"{name} axis={axis}: {z.dtype} != dask's {dz.dtype}"
            with np.errstate(all="ignore"):
                expected = dz.compute(scheduler="synchronous")
            try:
                assert_matches(z.compute(), expected, reduction=True)
            except AssertionError as e:
                raise AssertionError(f"{name}(axis={axis}) {dtype} {shape} chunks={chunks} vs dask: {e}") from None


def test_mean_and_std_in_one_compute_match_dask(ca):
    a = sample((30, 20, 10), "float64", seed=12)
    x = ca.from_array(a, chunks=(7, 6, 10))
    d = da.from_array(a, chunks=(7, 6, 10))
    mine = ca.compute(x.mean(axis=0), x.std(axis=(1, 2)), x.max())
    theirs = dask.compute(d.mean(axis=0), d.std(axis=(1, 2)), d.max(), scheduler="synchronous")
    for m, t in zip(mine, theirs):
        assert_matches(m, t, reduction=True)
