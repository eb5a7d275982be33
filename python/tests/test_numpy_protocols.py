"""NumPy protocols: __array_ufunc__ and __array_function__ keep results lazy (ca.Array) and
equal to NumPy's; __array__ computes (np.asarray)."""
import dask.array as da
import numpy as np
import pytest

from conftest import DTYPES, assert_matches, assert_scalar_result, np_expected, sample

# Every ufunc against NumPy (dtypes, chunkings, special values, keywords): test_ufuncs.py.


def test_maximum_minimum_propagate_nan(ca):
    a = np.array([1.0, np.nan, 3.0, np.nan, -1.0])
    b = np.array([np.nan, 2.0, 1.0, np.nan, 0.0])
    x, y = ca.from_array(a, chunks=2), ca.from_array(b, chunks=3)
    assert_matches(np.maximum(x, y).compute(), np.maximum(a, b))
    assert_matches(np.minimum(x, y).compute(), np.minimum(a, b))


def test_ufunc_broadcasting_and_mixed_dtypes(ca):
    a = sample((5, 6, 7), "float32", seed=4)
    b = sample((6, 7), "int16", seed=5)
    x, y = ca.from_array(a, chunks=(2, 3, 4)), ca.from_array(b, chunks=(4, 4))
    for ufunc in (np.add, np.multiply, np.maximum, np.greater):
        z = ufunc(x, y)
        assert isinstance(z, ca.Array)
        assert_matches(z.compute(), ufunc(a, b))


def test_numpy_array_operands_give_lazy_arrays(ca):
    a = sample((7, 11), "float64", seed=6)
    b = sample((7, 11), "float64", seed=7)
    x = ca.from_array(a, chunks=(3, 4))
    for z, expected in [(b + x, b + a), (x + b, a + b), (b * x, b * a), (b < x, b < a), (b[0] - x, b[0] - a)]:
        assert isinstance(z, ca.Array)
        assert_matches(z.compute(), expected)


# ---------------------------------------------------------------------------------------------
# __array_function__

ARRAY_FUNCTIONS = [
    "sum", "mean", "std", "var", "min", "amin", "max", "amax",
    "nansum", "nanmean", "nanstd", "nanvar", "nanmin", "nanmax", "all", "any",
]


@pytest.mark.parametrize("dtype", ["int32", "float32", "float64", "bool", "uint16"])
@pytest.mark.parametrize("name", ARRAY_FUNCTIONS)
def test_array_functions_are_lazy_and_match_numpy(ca, name, dtype):
    func = getattr(np, name)
    for shape, chunks in [((17,), 5), ((7, 11), (3, 4)), ((4, 9, 5), ((1, 3), (4, 5), (5,)))]:
        a = sample(shape, dtype, seed=8)
        if np.dtype(dtype).kind == "f" and name.startswith("nan"):
            a[..., 0] = np.nan
        x = ca.from_array(a, chunks=chunks)
        for kwargs in ({}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": tuple(sorted({0, a.ndim - 1}))}):
            z = func(x, **kwargs)
            assert isinstance(z, ca.Array), f"np.{name} is not lazy"
            expected = np_expected(func, a, **kwargs)
            got = z.compute()
            if np.ndim(expected) == 0:
                assert_scalar_result(got, np.asarray(expected).dtype)
            try:
                assert_matches(got, expected, reduction=True)
            except AssertionError as e:
                raise AssertionError(f"np.{name}(x, {kwargs}) on {dtype} {shape}: {e}") from None


def test_array_function_keywords(ca):
    a = sample((7, 11), "int32", seed=9)
    x = ca.from_array(a, chunks=(3, 4))
    assert_matches(np.std(x, ddof=1).compute(), np.std(a, ddof=1), reduction=True)
    assert_matches(np.var(x, axis=0, ddof=1).compute(), np.var(a, axis=0, ddof=1), reduction=True)
    assert_matches(np.sum(x, dtype=np.float64).compute(), np.sum(a, dtype=np.float64), reduction=True)
    assert_matches(np.mean(x, axis=1, dtype=np.float32).compute(), np.mean(a, axis=1, dtype=np.float32), reduction=True)


def test_np_where(ca):
    a = sample((7, 11), "float64", seed=10)
    b = sample((7, 11), "float64", seed=11)
    x, y = ca.from_array(a, chunks=(3, 4)), ca.from_array(b, chunks=5)
    z = np.where(x > 0, x, y)
    assert isinstance(z, ca.Array)
    assert_matches(z.compute(), np.where(a > 0, a, b))
    z = np.where(x > 0, x, np.nan)
    assert isinstance(z, ca.Array)
    assert_matches(z.compute(), np.where(a > 0, a, np.nan))
    z = np.where(x > 0, x, 0)
    assert_matches(z.compute(), np.where(a > 0, a, 0))
    # the same through dask
    d = da.from_array(a, chunks=(3, 4))
    assert_matches(z.compute(), da.where(d > 0, d, 0).compute(scheduler="synchronous"))


def test_unsupported_array_function_does_not_return_garbage(ca):
    x = ca.from_array(sample((4, 5), "float64"), chunks=2)
    # Not in the list of supported functions: either NumPy's TypeError (the protocol's
    # NotImplemented) or a correct (computed) answer — never a wrong one.
    try:
        r = np.median(x)
    except TypeError:
        return
    assert_matches(np.asarray(r), np.median(np.asarray(x)))


# ---------------------------------------------------------------------------------------------
# __array__


@pytest.mark.parametrize("dtype", DTYPES)
def test_asarray_computes(ca, dtype):
    a = sample((7, 11), dtype, seed=12)
    x = ca.from_array(a, chunks=(3, 4))
    got = np.asarray(x)
    assert type(got) is np.ndarray
    assert_matches(got, a)
    assert np.array(x).dtype == a.dtype
    f = np.asarray(x, dtype=np.float64)
    assert f.dtype == np.float64
    assert_matches(f, a.astype(np.float64))


def test_asarray_of_0d_and_empty(ca):
    x = ca.from_array(sample((7, 11), "float64"), chunks=4)
    s = np.asarray(x.sum())
    assert isinstance(s, np.ndarray) and s.shape == () and s.dtype == np.float64
    e = np.asarray(ca.zeros((0, 3), chunks=2))
    assert e.shape == (0, 3) and e.dtype == np.float64


def test_numpy_functions_on_computed_results(ca):
    a = sample((7, 11), "float32", seed=13)
    x = ca.from_array(a, chunks=(3, 4))
    # float(), int(), bool() of 0-d results work like NumPy scalars
    assert float(x.sum().compute()) == pytest.approx(float(a.sum()), rel=1e-5)
    assert bool(x.any().compute()) is True
    assert np.allclose(np.asarray(np.sqrt(abs(x))), np.sqrt(np.abs(a)))
