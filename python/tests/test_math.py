"""diff, gradient, isclose/allclose, round, nan_to_num, count_nonzero, ptp, nanargmin/nanargmax,
average, cov/corrcoef, trace, outer, result_type, digitize, searchsorted, isin, bincount,
histogram2d/histogramdd, nancumsum/nancumprod, coarsen and apply_along_axis against NumPy, on odd
chunkings, several dtypes, NaN and empty arrays; each also through NumPy's own function
(__array_function__)."""
import numpy as np
import pytest
from conftest import assert_matches, np_expected, sample

CHUNKINGS = [1, 2, 3, None]


def lazy(ca, a, chunks=None):
    return ca.from_array(a, chunks=chunks)


def check(got, expected, **kw):
    assert got.shape == np.shape(expected)
    assert_matches(got.compute(), expected, **kw)


def with_nan(shape, dtype="float64", seed=0):
    a = sample(shape, dtype, seed)
    a.ravel()[::4] = np.nan
    return a


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "uint16", "float32", "float64", "bool"])
def test_diff(ca, chunks, dtype):
    a = sample((5, 6), dtype)
    x = lazy(ca, a, chunks)
    for n in (0, 1, 2, 3, 6, 7):
        for axis in (0, 1, -1):
            check(ca.diff(x, n, axis), np.diff(a, n, axis))
    check(np.diff(x, axis=0), np.diff(a, axis=0))
    edge = a[:1] if dtype != "bool" else True
    check(ca.diff(x, 1, 0, prepend=edge, append=a[-2:]), np.diff(a, 1, 0, prepend=edge, append=a[-2:]))
    check(np.diff(x, prepend=a[0, 0], append=a[:, :1]), np.diff(a, prepend=a[0, 0], append=a[:, :1]))
    with pytest.raises(ValueError, match="non-negative"):
        ca.diff(x, -1)
    with pytest.raises(ValueError, match="one dimensional"):
        ca.diff(lazy(ca, np.float64(1)))


def test_diff_nan_and_empty(ca):
    a = with_nan((9,))
    check(ca.diff(lazy(ca, a, 2)), np.diff(a))
    e = np.zeros((0, 3))
    check(ca.diff(lazy(ca, e, 2), axis=0), np.diff(e, axis=0))
    check(ca.diff(lazy(ca, e, 2), 2, axis=1), np.diff(e, 2, axis=1))


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int32", "float32", "float64"])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient(ca, chunks, dtype, edge_order):
    a = sample((5, 7), dtype)
    x = lazy(ca, a, chunks)
    coords = np.cumsum(np.random.default_rng(1).uniform(0.5, 2, 7))
    for args, kw in [((), {}), ((2.0,), {}), ((0.5, 3), {}), ((), {"axis": 1}), ((2.5,), {"axis": -1}),
                     ((coords,), {"axis": 1}), ((np.arange(5) * 3, coords), {}), ((1.0, np.arange(7)), {}),
                     ((), {"axis": (1, 0)})]:
        got, want = ca.gradient(x, *args, edge_order=edge_order, **kw), np.gradient(a, *args, edge_order=edge_order,
                                                                                    **kw)
        if isinstance(want, np.ndarray):
            want, got = [want], [got]
        assert len(got) == len(want)
        for g, w in zip(got, want):
            check(g, w, rtol=1e-5 if dtype == "float32" else 1e-12)
    check(np.gradient(x, axis=0, edge_order=edge_order), np.gradient(a, axis=0, edge_order=edge_order),
          rtol=1e-5)


def test_gradient_nan_and_errors(ca):
    a = with_nan((6,))
    check(ca.gradient(lazy(ca, a, 4)), np.gradient(a))
    x = lazy(ca, np.arange(2.0), 1)
    with pytest.raises(ValueError, match="too small"):
        ca.gradient(x, edge_order=2)
    with pytest.raises(ValueError, match="edge_order"):
        ca.gradient(x, edge_order=3)
    with pytest.raises(ValueError, match="match the length"):
        ca.gradient(lazy(ca, np.arange(5.0)), np.arange(4.0))
    with pytest.raises(TypeError, match="number of arguments"):
        ca.gradient(lazy(ca, np.ones((3, 3))), 1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="bool"):
        ca.gradient(lazy(ca, np.ones(3, bool)))


@pytest.mark.parametrize("chunks", CHUNKINGS)
def test_isclose_allclose(ca, chunks):
    a = with_nan((4, 5))
    b = a + np.where(np.arange(5) % 2, 1e-9, 1e-3)
    x, y = lazy(ca, a, chunks), lazy(ca, b, chunks)
    check(ca.isclose(x, y), np.isclose(a, b))
    check(ca.isclose(x, y, equal_nan=True), np.isclose(a, b, equal_nan=True))
    check(ca.isclose(x, b[0], rtol=0.1, atol=0.01), np.isclose(a, b[0], rtol=0.1, atol=0.01))
    check(np.isclose(x, 0.5), np.isclose(a, 0.5))
    i = sample((4, 5), "int8")
    check(ca.isclose(lazy(ca, i, chunks), i + 1, atol=1), np.isclose(i, i + 1, atol=1))
    for other, kw in ((b, {}), (a, {}), (a, {"equal_nan": True}), (b, {"rtol": 1e-2})):
        got = ca.allclose(x, other, **kw)
        assert got.shape == () and got.dtype == np.bool_
        assert bool(got.compute()) == np.allclose(a, other, **kw)
    got = np.allclose(x, a, equal_nan=True)
    assert got.shape == () and bool(got.compute())
    e = np.zeros((0, 2))
    assert bool(ca.allclose(lazy(ca, e, 1), e).compute())


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "int32", "uint16", "float32", "float64"])
def test_round(ca, chunks, dtype):
    a = (sample((4, 5), "float64") * 123.456).astype(dtype) if dtype[0] != "u" else sample((4, 5), dtype) * 7
    a = a.astype(dtype)
    x = lazy(ca, a, chunks)
    for decimals in (0, 1, 2, -1, -2):
        check(ca.round(x, decimals), np.round(a, decimals))
        check(ca.around(x, decimals), np.around(a, decimals))
        check(np.round(x, decimals), np.round(a, decimals))
        check(np.around(x, decimals=decimals), np.around(a, decimals=decimals))
        check(x.round(decimals), a.round(decimals))
    b = sample((4, 5), "bool")
    check(ca.round(lazy(ca, b, chunks)), np.round(b))   # NumPy's float16, chunkarr's float32
    check(np.around(lazy(ca, b, chunks)), np.around(b))
    with pytest.raises(TypeError, match="decimals=0"):
        ca.round(lazy(ca, b, chunks), 1)
    halves = np.array([0.5, 1.5, 2.5, -0.5, -2.5, np.nan, np.inf])
    check(ca.round(lazy(ca, halves, 3)), np.round(halves))   # half to even, as NumPy


@pytest.mark.parametrize("chunks", CHUNKINGS)
def test_nan_to_num(ca, chunks):
    a = np.array([[np.nan, np.inf, -np.inf, 1.5], [2.0, np.nan, -1.0, np.inf]])
    for dtype in ("float32", "float64"):
        x = lazy(ca, a.astype(dtype), chunks)
        check(ca.nan_to_num(x), np.nan_to_num(a.astype(dtype)))
        check(ca.nan_to_num(x, nan=-9, posinf=99, neginf=-99),
              np.nan_to_num(a.astype(dtype), nan=-9, posinf=99, neginf=-99))
        check(np.nan_to_num(x, nan=3.0), np.nan_to_num(a.astype(dtype), nan=3.0))
    i = sample((3, 3), "int8")
    check(ca.nan_to_num(lazy(ca, i, chunks)), np.nan_to_num(i))
    with pytest.raises(TypeError, match="cast"):
        ca.nan_to_num(lazy(ca, a, chunks), nan="a")   # at the call, not at compute()


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "uint16", "float32", "float64", "bool"])
def test_count_nonzero_ptp(ca, chunks, dtype):
    a = sample((5, 6), dtype)
    if dtype.startswith("float"):
        a[1, 1] = np.nan
        a[2, :3] = 0
    x = lazy(ca, a, chunks)
    for axis in (None, 0, 1, (0, 1)):
        got = ca.count_nonzero(x, axis)
        want = np.count_nonzero(a, axis)
        assert_matches(np.asarray(got.compute()), np.asarray(want), dtype=False)
        assert got.dtype == np.int64
        assert_matches(np.asarray(np.count_nonzero(x, axis=axis).compute()), np.asarray(want), dtype=False)
        if dtype != "bool":
            check(ca.ptp(x, axis), np.ptp(a, axis))
            check(np.ptp(x, axis=axis), np.ptp(a, axis=axis))
    check(ca.count_nonzero(x, 0, keepdims=True).astype(np.intp), np.count_nonzero(a, 0, keepdims=True))
    if dtype == "bool":
        with pytest.raises(TypeError, match="bool"):
            ca.ptp(x)
    else:
        check(ca.ptp(x, 1, keepdims=True), np.ptp(a, 1, keepdims=True))


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "float32", "float64", "bool"])
def test_average(ca, chunks, dtype):
    a = sample((4, 6), dtype)
    x = lazy(ca, a, chunks)
    w2, w1 = sample((4, 6), "float64", 3, positive=True), np.arange(1, 7, dtype=np.int32)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    for axis, weights in ((None, None), (0, None), (1, None), (None, w2), (0, w2), (1, w1), (-1, w1), ((0, 1), w2)):
        check(ca.average(x, axis, weights), np.average(a, axis, weights), rtol=rtol)
        check(np.average(x, axis=axis, weights=weights), np.average(a, axis=axis, weights=weights), rtol=rtol)
        got_avg, got_scale = ca.average(x, axis, weights, returned=True)
        want_avg, want_scale = np.average(a, axis, weights, returned=True)
        check(got_avg, want_avg, rtol=rtol)
        check(got_scale, want_scale, rtol=rtol)
    check(ca.average(x, 1, w1, keepdims=True), np.average(a, 1, w1, keepdims=True), rtol=rtol)
    with pytest.raises(TypeError, match="Axis must be specified"):
        ca.average(x, weights=w1)
    with pytest.raises(ValueError, match="Length of weights"):
        ca.average(x, 0, weights=w1)


def test_average_nan(ca):
    a = with_nan((3, 4))
    check(ca.average(lazy(ca, a, 2), 1), np_expected(np.average, a, 1))


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int32", "float32", "float64"])
def test_cov_corrcoef(ca, chunks, dtype):
    a, b = sample((3, 8), dtype, 1), sample((2, 8), dtype, 2)
    x, y = lazy(ca, a, chunks), lazy(ca, b, chunks)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    for args, kw in [((), {}), ((), {"bias": True}), ((), {"ddof": 3}), ((b,), {}), ((), {"rowvar": False})]:
        other = [lazy(ca, v, chunks) for v in args]
        check(ca.cov(x, *other, **kw), np.cov(a, *args, **kw), rtol=rtol)
        check(np.cov(x, *args, **kw), np.cov(a, *args, **kw), rtol=rtol)
        if "ddof" not in kw and "bias" not in kw:
            check(ca.corrcoef(x, *other, **kw), np.corrcoef(a, *args, **kw), rtol=rtol)
            check(np.corrcoef(x, *args, **kw), np.corrcoef(a, *args, **kw), rtol=rtol)
    check(ca.cov(x[0]), np.cov(a[0]), rtol=rtol)
    check(ca.cov(x[0], y[1]), np.cov(a[0], b[1]), rtol=rtol)
    check(ca.corrcoef(x[0], y[0]), np.corrcoef(a[0], b[0]), rtol=rtol)
    check(ca.cov(x.T, rowvar=False), np.cov(a.T, rowvar=False), rtol=rtol)
    n = with_nan((2, 6))
    check(ca.cov(lazy(ca, n, chunks)), np.cov(n))
    with pytest.raises(NotImplementedError, match="aweights"):
        ca.cov(x, aweights=np.ones(8))
    with pytest.raises(ValueError, match="ddof must be integer"):
        ca.cov(x, ddof=1.5)
    with pytest.raises(ValueError, match="2 dimensions"):
        ca.cov(lazy(ca, np.ones((2, 2, 2))))


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "uint16", "float32", "float64", "bool"])
def test_trace_outer(ca, chunks, dtype):
    a = sample((4, 6), dtype)
    x = lazy(ca, a, chunks)
    for offset in (0, 1, -2, 5, -5, 10):
        check(ca.trace(x, offset), np.trace(a, offset), reduction=True)
        check(np.trace(x, offset), np.trace(a, offset), reduction=True)
    c = sample((3, 4, 5), dtype)
    z = lazy(ca, c, chunks)
    for axes in ((0, 1), (1, 2), (2, 0), (-1, -2)):
        check(ca.trace(z, 1, *axes), np.trace(c, 1, *axes), reduction=True)
    if dtype == "float64":
        n = with_nan((3, 3))
        check(ca.trace(lazy(ca, n, chunks)), np.trace(n))
        check(ca.trace(x, dtype=np.float32), np.trace(a, dtype=np.float32), reduction=True)
    with pytest.raises(ValueError, match="two dimensions"):
        ca.trace(lazy(ca, a[0], chunks))
    if dtype != "bool":
        check(ca.outer(x[0], x[1:3]), np.outer(a[0], a[1:3]))
        check(np.outer(x[0], a[1]), np.outer(a[0], a[1]))


def test_result_type(ca):
    x8, x32 = lazy(ca, sample((3,), "int8")), lazy(ca, sample((3,), "float32"))
    assert ca.result_type(x8, x32) == np.result_type(np.int8, np.float32)
    assert ca.result_type(x32, 1.0) == np.result_type(np.ones(3, np.float32), 1.0)
    assert ca.result_type(x8, np.int16, "f4") == np.result_type(np.int8, np.int16, "f4")
    assert ca.result_type(lazy(ca, np.int64(3)), np.int8) == np.result_type(np.int64(3), np.int8)
    assert np.result_type(x8, x32) == np.float32
    assert np.result_type(x8, np.uint8) == np.int16


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int32", "float32", "float64"])
def test_digitize_searchsorted(ca, chunks, dtype):
    a = sample((4, 6), dtype)
    if dtype.startswith("float"):
        a[0, 0] = np.nan
    x = lazy(ca, a, chunks)
    for bins in ([-2, 0, 1.5], [3.0, 1.0, -1.0], np.array([0])):
        for right in (False, True):
            check(ca.digitize(x, bins, right), np.digitize(a, bins, right))
            check(np.digitize(x, bins, right=right), np.digitize(a, bins, right=right))
    s = np.sort(sample((9,), "float64", 3))
    for side in ("left", "right"):
        check(ca.searchsorted(s, x, side), np.searchsorted(s, a, side))
        check(np.searchsorted(s, x, side=side), np.searchsorted(s, a, side=side))
    unsorted = sample((9,), "float64", 4)
    sorter = np.argsort(unsorted)
    check(ca.searchsorted(unsorted, x, sorter=sorter), np.searchsorted(unsorted, a, sorter=sorter))
    with pytest.raises(ValueError, match="side"):
        ca.searchsorted(s, x, "middle")
    with pytest.raises(ValueError, match="monotonically"):
        ca.digitize(x, [1, 3, 2])
    with pytest.raises(ValueError, match="too deep"):
        ca.digitize(x, [[1, 2]])


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "uint16", "float64", "bool"])
def test_isin(ca, chunks, dtype):
    a = sample((4, 6), dtype)
    x = lazy(ca, a, chunks)
    for test in ([1, 2, -3], np.array([0]), [], [True]):
        check(ca.isin(x, test), np.isin(a, test))
        check(ca.isin(x, test, invert=True), np.isin(a, test, invert=True))
        check(np.isin(x, test), np.isin(a, test))
    check(ca.isin(x, lazy(ca, a[0], 2)), np.isin(a, a[0]))


@pytest.mark.parametrize("chunks", [1, 4, 7, None])
@pytest.mark.parametrize("dtype", ["int8", "uint16", "int64", "bool"])
def test_bincount(ca, chunks, dtype):
    a = np.abs(sample((23,), dtype)).astype(dtype)
    x = lazy(ca, a, chunks)
    w = sample((23,), "float32", 5)
    check(ca.bincount(x), np.bincount(a))
    check(np.bincount(x), np.bincount(a))
    check(ca.bincount(x, minlength=15), np.bincount(a, minlength=15))
    check(ca.bincount(x, weights=lazy(ca, w, 5)), np.bincount(a, weights=w))
    check(np.bincount(x, weights=w, minlength=12), np.bincount(a, weights=w, minlength=12))
    e = np.zeros(0, dtype)
    check(ca.bincount(lazy(ca, e, 2)), np.bincount(e))
    check(ca.bincount(lazy(ca, e, 2), minlength=3), np.bincount(e, minlength=3))
    if a.max() > 0:
        with pytest.raises(ValueError, match="minlength"):
            ca.bincount(x, minlength=int(a.max())).compute()


def test_bincount_errors(ca):
    with pytest.raises(ValueError, match="negative"):
        ca.bincount(lazy(ca, np.array([1, -1, 2]), 2))
    with pytest.raises(TypeError, match="float64"):
        ca.bincount(lazy(ca, np.array([1.0, 2.0])))
    with pytest.raises(ValueError, match="1-d"):
        ca.bincount(lazy(ca, np.ones((2, 2), int)))


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "uint16", "float32", "float64"])
def test_nanargmin_nanargmax(ca, chunks, dtype):
    a = sample((4, 5), dtype, 4)
    if dtype.startswith("float"):
        a = with_nan((4, 5), dtype)
        a[1, 2], a[3, 0] = np.inf, -np.inf   # ties with the NaN stand-ins, as NumPy's
    x = lazy(ca, a, chunks)
    for name in ("nanargmin", "nanargmax"):
        for axis in (None, 0, 1, -1):
            check(getattr(ca, name)(x, axis=axis), getattr(np, name)(a, axis=axis))
            check(getattr(np, name)(x, axis), getattr(np, name)(a, axis))
    if dtype.startswith("float"):
        a[:, 4] = np.nan   # a column of NaN only, along an axis that is not reduced
        check(ca.nanargmax(lazy(ca, a, chunks), axis=1), np.nanargmax(a, axis=1))


def check_histogram(got, want):
    """(counts, edges...) of chunkarr against NumPy's: counts lazy float64, edges equal."""
    assert len(got) == len(want)
    check(got[0], want[0])
    got_edges, want_edges = (got[1:], want[1:]) if len(want) == 3 else (got[1], want[1])
    assert len(got_edges) == len(want_edges)
    for g, w in zip(got_edges, want_edges):
        check(g, w)


@pytest.mark.parametrize("chunks", [1, 4, 7, None])
@pytest.mark.parametrize("dtype", ["int8", "uint16", "float32", "float64"])
def test_histogram2d_and_histogramdd(ca, chunks, dtype):
    a, b = sample((23,), dtype, 1), sample((23,), dtype, 2)
    x, y = lazy(ca, a, chunks), lazy(ca, b, chunks)
    w = sample((23,), "float32", 5)
    for kwargs in ({}, {"bins": 4}, {"bins": (3, 5)}, {"bins": (2, [-1.0, 0.0, 0.5, 2.0])},
                   {"bins": [-2.0, -1.0, 0.0, 1.5]}, {"bins": 3, "range": [(-1, 1), None]},
                   {"bins": 3, "range": [(-1, 1), (0, 2)]}, {"bins": 4, "density": True}):
        want = np.histogram2d(a, b, **kwargs)
        check_histogram(ca.histogram2d(x, y, **kwargs), want)
        check_histogram(np.histogram2d(x, y, **kwargs), want)   # NumPy's own function dispatches
    check_histogram(np.histogram2d(x, b, bins=3, weights=w), np.histogram2d(a, b, bins=3, weights=w))
    check_histogram(ca.histogram2d(x, y, bins=3, weights=lazy(ca, w, 5), density=True),
                    np.histogram2d(a, b, bins=3, weights=w, density=True))
    s = np.stack([a, b, a], axis=1)
    for sample_chunks in ((chunks or 23, 1), (chunks or 23, 3)):
        check_histogram(np.histogramdd(lazy(ca, s, sample_chunks), bins=(2, 3, 4)), np.histogramdd(s, bins=(2, 3, 4)))
    check_histogram(ca.histogramdd([x, y], bins=3), np.histogramdd([a, b], bins=3))
    check_histogram(ca.histogramdd(x, bins=5), np.histogramdd(a, bins=5))   # 1-d: D = 1
    e = np.zeros(0, dtype)
    check_histogram(ca.histogram2d(lazy(ca, e, 2), lazy(ca, e, 2), bins=3), np.histogram2d(e, e, bins=3))


def test_histogram2d_nan_and_errors(ca):
    a = with_nan((17,))
    b = sample((17,), "float64", 3)
    x, y = lazy(ca, a, 4), lazy(ca, b, 5)
    with pytest.raises(ValueError, match="autodetected range of .nan, nan. is not finite"):
        np.histogram2d(a, b)
    with pytest.raises(ValueError, match="autodetected range of .nan, nan. is not finite"):
        ca.histogram2d(x, y)
    kwargs = {"bins": 3, "range": [(-2, 2), (-3, 3)]}   # NaN outside every bin: not counted
    check_histogram(ca.histogram2d(x, y, **kwargs), np.histogram2d(a, b, **kwargs))
    for bad, message in (({"bins": [[2.0, 1.0, 3.0], 3]}, "monotonically increasing"),
                         ({"bins": 0}, "must be positive"),
                         ({"bins": 3, "range": [(2, 1), None]}, "max must be larger than min")):
        with pytest.raises(ValueError, match=message):
            np.histogram2d(b, b, **bad)
        with pytest.raises(ValueError, match=message):
            ca.histogram2d(y, y, **bad)
    s = np.stack([b, b, b], axis=1)
    with pytest.raises(ValueError, match="dimension of bins must be equal"):
        np.histogramdd(s, bins=(2, 2))
    with pytest.raises(ValueError, match="dimension of bins must be equal"):
        ca.histogramdd(lazy(ca, s, 4), bins=(2, 2))
    with pytest.raises(TypeError, match="density="):
        ca.histogramdd(lazy(ca, s, 4), normed=True)
    with pytest.raises(ValueError, match="one length"):
        ca.histogram2d(y, lazy(ca, b[:4], 2))
    with pytest.raises(ValueError, match="weights of shape"):
        ca.histogram2d(y, y, weights=np.ones(3))
    with pytest.raises(ValueError, match=r"\(N, D\) sample"):
        ca.histogramdd(lazy(ca, np.zeros((2, 2, 2)), 1))


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "int32", "float32", "float64", "bool"])
def test_nancumsum_nancumprod(ca, chunks, dtype):
    a = sample((4, 5), dtype, positive=True)
    if dtype.startswith("float"):
        a = with_nan((4, 5), dtype)
        a[2] = np.nan
    x = lazy(ca, a, chunks)
    rtol = 1e-5 if dtype == "float32" else None
    for axis in (None, 0, 1, -1):
        check(ca.nancumsum(x, axis), np.nancumsum(a, axis), rtol=rtol)
        check(ca.nancumprod(x, axis), np.nancumprod(a, axis), rtol=rtol)
        check(np.nancumsum(x, axis=axis), np.nancumsum(a, axis=axis), rtol=rtol)
        check(np.nancumprod(x, axis=axis), np.nancumprod(a, axis=axis), rtol=rtol)
    check(ca.nancumsum(x, 0, dtype=np.float64), np.nancumsum(a, 0, dtype=np.float64), rtol=rtol)
    e = np.zeros((0, 3), dtype)
    check(ca.nancumsum(lazy(ca, e, 2), 1), np.nancumsum(e, 1))


def _coarsen_reference(reduction, a, axes):
    axes = {ax % a.ndim: f for ax, f in axes.items()}
    shape, reduce_axes = [], []
    for ax, n in enumerate(a.shape):
        f = axes.get(ax, 1)
        shape += [n // f, f]
        reduce_axes.append(2 * ax + 1)
    return reduction(a.reshape(shape), axis=tuple(reduce_axes))


@pytest.mark.parametrize("chunks", [1, 2, (4, 3), 5, None])
@pytest.mark.parametrize("dtype", ["int8", "float32", "float64"])
def test_coarsen(ca, chunks, dtype):
    a = sample((8, 12), dtype)
    x = lazy(ca, a, chunks)
    for reduction in (np.sum, np.mean, np.max, np.nanmin):
        for axes in ({0: 2}, {1: 3}, {0: 4, 1: 6}, {0: 1, -1: 2}):
            check(ca.coarsen(reduction, x, axes), _coarsen_reference(reduction, a, axes))
    b = sample((7, 10), dtype)
    got = ca.coarsen(np.mean, lazy(ca, b, chunks), {0: 2, 1: 3}, trim_excess=True)
    check(got, _coarsen_reference(np.mean, b[:6, :9], {0: 2, 1: 3}))
    with pytest.raises(ValueError, match="trim_excess"):
        ca.coarsen(np.sum, lazy(ca, b, chunks), {0: 2})


@pytest.mark.parametrize("chunks", CHUNKINGS)
def test_apply_along_axis(ca, chunks):
    a = sample((4, 5, 3), "float64")
    x = lazy(ca, a, chunks)
    for func in (np.sum, lambda v: v[::-1].cumsum(), lambda v: np.outer(v[:2], v[:3]), lambda v: (v > 0).sum()):
        for axis in (0, 1, 2, -1):
            check(ca.apply_along_axis(func, axis, x), np.apply_along_axis(func, axis, a))
    check(np.apply_along_axis(np.mean, 1, x), np.apply_along_axis(np.mean, 1, a))
    check(ca.apply_along_axis(lambda v, p: v ** p, 0, x, 2), np.apply_along_axis(lambda v, p: v ** p, 0, a, 2))
    i = sample((3, 4), "int32")
    check(ca.apply_along_axis(np.sort, 1, lazy(ca, i, chunks)), np.apply_along_axis(np.sort, 1, i))


@pytest.mark.parametrize("value", [-2.567, np.nan, 3.5])
def test_zero_dimensional(ca, value):
    a = np.float64(value)
    x = ca.from_array(a)
    for ours, theirs in ((lambda v: ca.round(v, 1), lambda v: np.round(v, 1)),
                         (lambda v: ca.isclose(v, 3.5), lambda v: np.isclose(v, 3.5)),
                         (ca.nan_to_num, np.nan_to_num), (lambda v: ca.isin(v, [3.5]), lambda v: np.isin(v, [3.5])),
                         (lambda v: ca.digitize(v, [0.0]), lambda v: np.digitize(v, [0.0])),
                         (lambda v: ca.searchsorted([1.0, 4.0], v), lambda v: np.searchsorted([1.0, 4.0], v)),
                         (ca.count_nonzero, np.count_nonzero), (ca.average, np.average), (ca.ptp, np.ptp),
                         (ca.nancumsum, np.nancumsum)):
        got, want = ours(x), theirs(a)
        assert got.shape == np.shape(want)
        assert_matches(np.asarray(got.compute()), np.asarray(want), dtype=False)
        assert np.asarray(got.compute()).dtype == np.asarray(want).dtype


def test_select_vdot_ediff1d_moment_nanarg(ca):
    rng = np.random.default_rng(21)
    a = rng.integers(-3, 6, (5, 7)).astype(np.int32)
    b = rng.uniform(-2, 2, (5, 7))
    b[1, 2] = np.nan
    x, y = ca.from_array(a, chunks=(2, 3)), ca.from_array(b, chunks=(3, 4))
    assert_matches(ca.select([x > 2, y < 0], [x, y * 10], -1).compute(), np.select([a > 2, b < 0], [a, b * 10], -1))
    assert_matches(np.select([x > 2], [x]).compute(), np.select([a > 2], [a]))
    assert_matches(ca.vdot(x, x).compute(), np.vdot(a, a))
    assert_matches(ca.ediff1d(x, to_begin=[9], to_end=[8, 7]).compute(), np.ediff1d(a, to_begin=[9], to_end=[8, 7]))
    for axis in (None, 0, 1):
        m = ((a - a.mean(axis=axis, keepdims=True)) ** 3).sum(axis=axis) / (a.size if axis is None else a.shape[axis])
        assert_matches(ca.moment(x, 3, axis=axis).compute(), m, reduction=True)
        assert_matches(ca.nanargmax(y, axis=axis).compute(), np.nanargmax(b, axis=axis))
        assert_matches(np.nanargmin(y, axis=axis).compute(), np.nanargmin(b, axis=axis))
    with pytest.raises(ValueError, match="same length"):
        ca.select([x > 2], [x, x])
    b[:, 4] = np.nan
    for name in ("nanargmin", "nanargmax"):
        with pytest.raises(ValueError, match="All-NaN slice encountered"):
            getattr(ca, name)(ca.from_array(b, chunks=(3, 4)), axis=0).compute()
        assert_matches(getattr(ca, name)(ca.from_array(b, chunks=(3, 4)), axis=1).compute(),
                       getattr(np, name)(b, axis=1))


def test_piecewise_apply_over_axes_ravel_unravel(ca):
    a = np.linspace(-3, 3, 35).reshape(5, 7)
    x = ca.from_array(a, chunks=(2, 3))
    got = ca.piecewise(x, [x < 0, x > 1], [lambda v: -v, lambda v: v ** 2, 7.0])
    assert_matches(got.compute(), np.piecewise(a, [a < 0, a > 1], [lambda v: -v, lambda v: v ** 2, 7.0]))
    assert_matches(np.piecewise(x, [x < 0], [0, np.sin]).compute(), np.piecewise(a, [a < 0], [0, np.sin]))
    assert_matches(ca.apply_over_axes(np.sum, x, [0, 1]).compute(), np.apply_over_axes(np.sum, a, [0, 1]))
    rows, cols = np.array([0, 4, 2, 3]), np.array([6, 0, 3, 3])
    for order in ("C", "F"):
        flat = ca.ravel_multi_index((ca.from_array(rows, chunks=3), cols), (5, 7), order=order)
        assert_matches(flat.compute(), np.ravel_multi_index((rows, cols), (5, 7), order=order))
        back = ca.unravel_index(ca.from_array(np.array([0, 13, 34, 20]), chunks=3), (5, 7), order=order)
        for g, e in zip(back, np.unravel_index([0, 13, 34, 20], (5, 7), order=order)):
            assert_matches(g.compute(), e)
    assert_matches(ca.ravel_multi_index((rows + 3, cols), (5, 7), mode="clip").compute(),
                   np.ravel_multi_index((rows + 3, cols), (5, 7), mode="clip"))
