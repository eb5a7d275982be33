"""sort, topk/argtopk, unique, argwhere/nonzero/flatnonzero against NumPy, on odd chunkings,
several dtypes, NaN and empty arrays."""
import numpy as np
import pytest
from conftest import assert_matches, sample

CHUNKINGS = [1, 2, 3, None]
DTYPES = ["int8", "uint16", "float32", "float64", "bool"]


def data(shape, dtype, seed=0):
    a = sample(shape, dtype, seed)
    if a.dtype.kind == "f":
        a.ravel()[::5] = np.nan
    return a


def check(got, expected):
    assert got.shape == np.shape(expected)
    assert_matches(got.compute(), expected)


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_sort(ca, chunks, dtype):
    a = data((5, 7), dtype)
    x = ca.from_array(a, chunks=chunks)
    for axis in (0, 1, -1, None):
        check(ca.sort(x, axis), np.sort(a, axis))
        check(np.sort(x, axis=axis), np.sort(a, axis=axis))
    check(ca.sort(x, kind="stable"), np.sort(a, kind="stable"))
    e = np.zeros((0, 3), dtype)
    check(ca.sort(ca.from_array(e, chunks=2), 0), np.sort(e, 0))
    with pytest.raises(np.AxisError):
        ca.sort(x, 2)


def _topk_reference(a, k, axis):
    """NumPy's sort along the last axis, read backwards for the largest."""
    last = np.sort(np.moveaxis(a, axis, -1), axis=-1)
    top = last[..., ::-1][..., :k] if k > 0 else last[..., :-k]
    return np.moveaxis(top, -1, axis)


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_topk_argtopk(ca, chunks, dtype):
    a = data((6, 9), dtype)
    x = ca.from_array(a, chunks=chunks)
    for k in (1, 2, 4, -1, -3, 9, -9):
        for axis in (1, -1, 0):
            if abs(k) > a.shape[axis]:
                with pytest.raises(ValueError, match="at most"):
                    ca.topk(x, k, axis)
                continue
            want = _topk_reference(a, k, axis)
            check(ca.topk(x, k, axis), want)
            index = ca.argtopk(x, k, axis)
            assert index.dtype == np.intp and index.shape == want.shape
            # Ties make indices ambiguous: the values they point at must be the top values.
            np.testing.assert_array_equal(np.take_along_axis(a, index.compute(), axis=axis), want)
    with pytest.raises(ValueError, match="non-zero"):
        ca.topk(x, 0)


def test_topk_distinct_values_indices(ca):
    a = np.random.default_rng(3).permutation(40).reshape(5, 8).astype(np.float64)
    x = ca.from_array(a, chunks=(2, 3))
    np.testing.assert_array_equal(ca.argtopk(x, 3).compute(), np.argsort(a, axis=1)[:, ::-1][:, :3])
    np.testing.assert_array_equal(ca.argtopk(x, -2, axis=0).compute(), np.argsort(a, axis=0)[:2])


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_unique(ca, chunks, dtype):
    a = data((4, 6), dtype)
    x = ca.from_array(a, chunks=chunks)
    for kw in ({}, {"return_counts": True}, {"return_index": True, "return_inverse": True, "return_counts": True}):
        got, want = ca.unique(x, **kw), np.unique(a, **kw)
        for g, w in zip(got if kw else [got], want if kw else [want]):
            assert isinstance(g, np.ndarray)
            np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(np.unique(x), np.unique(a))
    np.testing.assert_array_equal(np.unique(x, axis=0), np.unique(a, axis=0))
    np.testing.assert_array_equal(ca.unique(ca.from_array(np.zeros(0, dtype), chunks=2)), np.zeros(0, dtype))


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_argwhere_nonzero(ca, chunks, dtype):
    a = data((4, 6), dtype)
    if a.dtype.kind != "b":
        a[1] = 0
    x = ca.from_array(a, chunks=chunks)
    check(ca.argwhere(x), np.argwhere(a))
    check(np.argwhere(x), np.argwhere(a))
    check(ca.flatnonzero(x), np.flatnonzero(a))
    check(np.flatnonzero(x), np.flatnonzero(a))
    for got in (ca.nonzero(x), np.nonzero(x), x.nonzero()):
        assert len(got) == 2
        for g, w in zip(got, np.nonzero(a)):
            check(g, w)
    zeros = np.zeros((3, 0))
    check(ca.argwhere(ca.from_array(zeros, chunks=2)), np.argwhere(zeros))
    check(ca.argwhere(ca.from_array(np.float64(2.0))), np.argwhere(np.float64(2.0)))


def test_union1d_is_eager_and_numpys(ca):
    a, b = np.array([3, 1, 3, 9]), np.array([[2, 1], [9, 0]])
    got = ca.union1d(ca.from_array(a, chunks=3), ca.from_array(b, chunks=1))
    assert isinstance(got, np.ndarray)
    np.testing.assert_array_equal(got, np.union1d(a, b))
    np.testing.assert_array_equal(np.union1d(ca.from_array(a, chunks=3), b), np.union1d(a, b))
