"""Shape functions and clip against NumPy, on odd chunkings (issue 7's first items)."""
import numpy as np
import pytest


@pytest.fixture
def pair(ca):
    a = np.arange(2 * 3 * 5, dtype=np.float32).reshape(2, 3, 5)
    return a, ca.from_array(a, chunks=(1, 2, 3))


def test_expand_squeeze_moveaxis(ca, pair):
    a, x = pair
    for axis in (0, 1, 3, -1, (0, 2)):
        np.testing.assert_array_equal(np.expand_dims(x, axis).compute(), np.expand_dims(a, axis))
    np.testing.assert_array_equal(np.squeeze(np.expand_dims(x, (0, 2))).compute(), a)
    np.testing.assert_array_equal(ca.squeeze(x[:1], axis=0).compute(), a[0])
    with pytest.raises(ValueError):
        ca.squeeze(x, axis=1)
    for src, dst in ((0, 2), (2, 0), (-1, 1)):
        got = np.moveaxis(x, src, dst)
        assert got.shape == np.moveaxis(a, src, dst).shape
        np.testing.assert_array_equal(got.compute(), np.moveaxis(a, src, dst))


def test_stack_and_broadcast_to(ca, pair):
    a, x = pair
    for axis in (0, 1, -1):
        np.testing.assert_array_equal(np.stack([x, x + 1, x * 2], axis=axis).compute(),
                                      np.stack([a, a + 1, a * 2], axis=axis))
    row = x[0, 1]
    np.testing.assert_array_equal(np.broadcast_to(row, (4, 3, 5)).compute(), np.broadcast_to(a[0, 1], (4, 3, 5)))
    with pytest.raises(ValueError):
        ca.broadcast_to(x, (3, 3, 5))


def test_clip(ca, pair):
    a, x = pair
    np.testing.assert_array_equal(np.clip(x, 3, 17).compute(), np.clip(a, 3, 17))
    np.testing.assert_array_equal(x.clip(max=4).compute(), a.clip(max=4))
    assert np.clip(x, 3, 17).dtype == np.float32


@pytest.mark.parametrize("dtype", ["float64", "float32", "int16"])
def test_clip_with_array_bounds_as_numpy(ca, dtype):
    a = (np.arange(30, dtype=np.float64).reshape(5, 6) - 12).astype(dtype)
    if dtype != "int16":
        a[1, 1] = np.nan
    low, high = np.arange(6, dtype=dtype) - 5, (np.arange(5, dtype=dtype) * 3)[:, None]
    x = ca.from_array(a, chunks=(2, 4))
    for lo, hi in ((low, high), (ca.from_array(low, chunks=5), None), (None, high), (low, 4), (-3, high)):
        got, want = np.clip(x, lo, hi), np.clip(a, np.asarray(lo) if lo is not None else None, hi)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got.compute(), want)
    np.testing.assert_array_equal(x.clip(min=low).compute(), a.clip(min=low))
    np.testing.assert_array_equal(np.clip(x, None, 2).compute(), np.clip(a, None, 2))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int16", "uint8"])
def test_argmin_argmax_match_numpy(ca, dtype):
    rng = np.random.default_rng(7)
    a = rng.integers(0, 5, size=(7, 9, 5)).astype(dtype)   # many ties: the first one must win
    if a.dtype.kind == "f":
        a[2, 3, 1] = np.nan                                  # NaN wins, like NumPy
    x = ca.from_array(a, chunks=(3, 4, 2))
    for axis in (None, 0, 1, 2, -1):
        for name in ("argmin", "argmax"):
            got = getattr(np, name)(x, axis=axis)
            assert isinstance(got, ca.Array)
            result = np.asarray(got.compute())
            assert result.dtype == np.int64
            np.testing.assert_array_equal(result, getattr(np, name)(a, axis=axis))


@pytest.mark.parametrize("dtype", ["int32", "uint8", "float32", "float64", "bool"])
def test_cumsum_cumprod_match_numpy(ca, dtype):
    rng = np.random.default_rng(11)
    a = rng.integers(1, 4, size=(7, 9, 5)).astype(dtype)
    if a.dtype.kind == "f":
        a[3, 2, 1] = np.nan
    x = ca.from_array(a, chunks=(3, 4, 2))
    for axis in (0, 1, 2, -1):
        for name in ("cumsum", "cumprod"):
            got = getattr(np, name)(x, axis=axis)
            assert isinstance(got, ca.Array)
            result = got.compute()
            want = getattr(np, name)(a, axis=axis)
            assert result.dtype == want.dtype, (name, axis)
            np.testing.assert_allclose(result, want, rtol=1e-6 if a.dtype == np.float32 else 1e-12)
    np.testing.assert_array_equal(ca.from_array(a[:, 0, 0], chunks=2).cumsum().compute(), np.cumsum(a[:, 0, 0]))


def test_histogram_matches_numpy(ca):
    rng = np.random.default_rng(3)
    a = rng.normal(size=(300, 40))
    a[5, 5] = np.nan
    x = ca.from_array(a, chunks=(70, 15))
    valid = a[~np.isnan(a)]
    for bins, value_range in ((10, (-2, 2)), (7, None), (1, (0, 1)), (25, (-5, 5))):
        counts, edges = np.histogram(x, bins=bins, range=value_range)
        got_counts, got_edges = ca.compute(counts, edges)
        want_counts, want_edges = np.histogram(valid if value_range is None else a, bins=bins, range=value_range)
        np.testing.assert_array_equal(got_counts, want_counts)
        np.testing.assert_allclose(got_edges, want_edges, rtol=1e-14, atol=0)
        assert got_counts.dtype == np.int64
    constant = ca.full((10,), 3.0, chunks=4)
    counts, edges = ca.compute(*ca.histogram(constant, bins=2))
    np.testing.assert_array_equal(counts, np.histogram(np.full(10, 3.0), bins=2)[0])
