"""Exact quantile/percentile/median (and the nan-variants) against NumPy: values bit for bit,
result dtypes, shapes with axis None/int/tuple and keepdims, odd chunkings, NaN, empty arrays,
int64 beyond 2**53, errors, NumPy dispatch; a file larger than the memory limit; histogram with
explicit bin edges."""
import json
import subprocess
import sys
import textwrap
import warnings

import h5py
import numpy as np
import pytest

from conftest import np_expected

CASES = [
    ((17,), 5, None),
    ((17,), ((5, 5, 7),), 0),
    ((1,), 1, None),
    ((7, 11), (3, 4), None),
    ((7, 11), (3, 4), 0),
    ((7, 11), ((2, 5), (11,)), -1),
    ((7, 11), 4, (0, 1)),
    ((5, 6, 7), (2, 3, 4), None),
    ((5, 6, 7), (2, 3, 4), 1),
    ((5, 6, 7), (2, 3, 4), (0, 2)),
    ((4, 9, 5), ((1, 3), (4, 5), (5,)), (-1, 0)),
    ((13, 1), (5, 1), 0),
]
DTYPES = ["int8", "uint16", "int32", "int64", "float32", "float64"]


def data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.normal(0, 100, size=shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -1000), min(info.max, 1000), size=shape).astype(dtype)


def assert_same(got, expected, dtype=True):
    """Same type of result (NumPy scalar or array), dtype, shape and values (NaN equal)."""
    expected = np.asarray(expected) if isinstance(expected, np.ndarray) else expected
    assert not dtype or np.asarray(got).dtype == np.asarray(expected).dtype, (np.asarray(got).dtype, np.asarray(expected).dtype)
    assert np.shape(got) == np.shape(expected)
    assert isinstance(got, np.ndarray) == isinstance(expected, np.ndarray)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))


@pytest.mark.parametrize("shape,chunks,axis", CASES, ids=[f"{s}-{c}-axis{a}".replace(" ", "") for s, c, a in CASES])
@pytest.mark.parametrize("dtype", DTYPES)
def test_quantile_percentile_median_match_numpy(ca, shape, chunks, axis, dtype):
    a = data(shape, dtype)
    x = ca.from_array(a, chunks=chunks)
    for q in [0.5, 0.0, 1.0, 0.37, [0.1, 0.5, 0.999], [[0.25, 1.0], [0.0, 0.75]], 0, 1, [0, 1]]:
        for keepdims in (False, True):
            assert_same(ca.quantile(x, q, axis=axis, keepdims=keepdims).compute(),
                        np.quantile(a, q, axis=axis, keepdims=keepdims))
            if np.ndim(q) > 1 and axis is not None:
                continue   # NumPy 1.24's nanquantile misplaces the axes of a 2-d q along an axis
            assert_same(ca.nanquantile(x, q, axis=axis, keepdims=keepdims).compute(),
                        np.nanquantile(a, q, axis=axis, keepdims=keepdims))
    for p in [50, 0, 100, 12.5, [1, 99]]:
        assert_same(ca.percentile(x, p, axis=axis).compute(), np.percentile(a, p, axis=axis))
        assert_same(ca.nanpercentile(x, p, axis=axis).compute(), np.nanpercentile(a, p, axis=axis))
    for keepdims in (False, True):
        assert_same(ca.median(x, axis=axis, keepdims=keepdims).compute(), np.median(a, axis=axis, keepdims=keepdims))
        assert_same(ca.nanmedian(x, axis=axis, keepdims=keepdims).compute(),
                    np.nanmedian(a, axis=axis, keepdims=keepdims))


def test_numpy_functions_dispatch_and_stay_lazy(ca):
    a = data((6, 10), "float64", seed=3)
    x = ca.from_array(a, chunks=(4, 3))
    for name in ["quantile", "nanquantile", "percentile", "nanpercentile"]:
        q = 30 if "percentile" in name else 0.3
        lazy = getattr(np, name)(x, q, axis=1, keepdims=True)
        assert isinstance(lazy, ca.Array)
        assert_same(lazy.compute(), getattr(np, name)(a, q, axis=1, keepdims=True))
    for name in ["median", "nanmedian"]:
        lazy = getattr(np, name)(x, axis=0)
        assert isinstance(lazy, ca.Array)
        assert_same(lazy.compute(), getattr(np, name)(a, axis=0))
    assert_same(x.quantile([0.2, 0.8], axis=0).compute(), np.quantile(a, [0.2, 0.8], axis=0))
    assert_same(x.median().compute(), np.median(a))
    assert_same(np.asarray(np.median(x, axis=1)), np.median(a, axis=1))


def test_int64_beyond_2_53_is_exact(ca):
    rng = np.random.default_rng(9)
    a = (2**60 + rng.permutation(np.arange(-500, 501, dtype=np.int64) * 3)).astype(np.int64)
    a[::7] = -(2**62) + 5
    x = ca.from_array(a, chunks=64)
    got = ca.quantile(x, [0, 1]).compute()   # integer q: the order statistics themselves
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.quantile(a, [0, 1]))
    assert got[1] == a.max() and got[0] == a.min()
    for q in [0.5, 0.25, 0.9, 0.123]:
        assert_same(ca.quantile(x, q).compute(), np.quantile(a, q))
    assert_same(ca.median(x).compute(), np.median(a))
    u = (np.uint64(2**63) + rng.permutation(np.arange(1001, dtype=np.uint64)) * np.uint64(5)).astype(np.uint64)
    assert_same(ca.quantile(ca.from_array(u, chunks=100), [0, 1]).compute(), np.quantile(u, [0, 1]))
    assert_same(ca.median(ca.from_array(u, chunks=100)).compute(), np.median(u))


def test_duplicates_all_equal_and_infinities(ca):
    dup = np.repeat(np.array([3.0, -1.0, 3.0, 7.5]), 250)
    same = np.full((40, 3), 2.5)
    inf = np.array([1.0, np.inf, -np.inf, 2.0, np.inf])
    zeros = np.array([0.0, -0.0, 0.0, -0.0, 1.0])
    for a, chunks in [(dup, 33), (same, (7, 2)), (inf, 2), (zeros, 2)]:
        x = ca.from_array(a, chunks=chunks)
        for q in [0, 0.25, 0.5, 0.6, 1.0, [0.0, 0.999]]:
            assert_same(ca.quantile(x, q).compute(), np_expected(np.quantile, a, q))
        assert_same(ca.median(x, axis=0).compute(), np_expected(np.median, a, axis=0))


def test_nan_propagates_or_is_skipped(ca):
    a = data((6, 9), "float64", seed=4)
    a[1, 3] = np.nan
    a[4, :] = np.nan            # an all-NaN lane along axis 1
    a[0, ::2] = np.nan
    for dtype in ["float64", "float32"]:
        b = a.astype(dtype)
        x = ca.from_array(b, chunks=(4, 4))
        for axis in [None, 0, 1]:
            for q in [0.5, [0.0, 0.3, 1.0], 1]:
                # NumPy returns a 0-d NaN result in the input's dtype (float32 here): a dtype that
                # depends on the data, which a lazy result cannot have; values are compared.
                quirk = axis is None and np.ndim(q) == 0 and dtype == "float32"
                assert_same(ca.quantile(x, q, axis=axis).compute(), np.quantile(b, q, axis=axis), dtype=not quirk)
                assert_same(ca.nanquantile(x, q, axis=axis).compute(), np_expected(np.nanquantile, b, q, axis=axis))
            assert_same(ca.median(x, axis=axis).compute(), np_expected(np.median, b, axis=axis))
            assert_same(ca.nanmedian(x, axis=axis).compute(), np_expected(np.nanmedian, b, axis=axis))
            assert_same(ca.nanpercentile(x, 40, axis=axis).compute(), np_expected(np.nanpercentile, b, 40, axis=axis))


def test_empty_arrays_follow_numpy(ca):
    for shape, axis in [((0,), None), ((0, 3), 0), ((0, 3), 1), ((3, 0), 0), ((3, 0), None)]:
        a = np.zeros(shape)
        x = ca.from_array(a, chunks=2)
        for f, nf in [(ca.quantile, np.quantile), (ca.nanquantile, np.nanquantile)]:
            try:
                expected = np_expected(nf, a, 0.5, axis=axis)
            except IndexError:
                with pytest.raises(IndexError):
                    f(x, 0.5, axis=axis)
                continue
            assert_same(f(x, 0.5, axis=axis).compute(), expected)
        assert_same(ca.median(x, axis=axis).compute(), np_expected(np.median, a, axis=axis))
        assert_same(ca.nanmedian(x, axis=axis).compute(), np_expected(np.nanmedian, a, axis=axis))


def test_invalid_arguments_raise(ca):
    x = ca.arange(10, chunks=3)
    for q in [1.5, -0.1, np.nan, [0.5, 2]]:
        with pytest.raises(ValueError, match=r"Quantiles must be in the range \[0, 1\]"):
            ca.quantile(x, q)
    with pytest.raises(ValueError, match=r"Percentiles must be in the range \[0, 100\]"):
        ca.percentile(x, 101)
    with pytest.raises(ValueError, match=r"Percentiles"):
        np.percentile(x, [-1, 50])
    with pytest.raises(ValueError, match="axis"):
        ca.quantile(x, 0.5, axis=1)
    with pytest.raises(NotImplementedError):
        ca.quantile(x, 0.5, method="nearest")
    with pytest.raises(TypeError):
        ca.quantile(ca.from_array(np.array([True, False])), 0.5)


def test_results_do_not_depend_on_threads(ca):
    a = data((64, 50), "float64", seed=8)
    x = ca.from_array(a, chunks=(5, 7))
    q = [0.01, 0.5, 0.77]
    one = ca.quantile(x, q, axis=0).compute(threads=1)
    many = ca.quantile(x, q, axis=0).compute(threads=4)
    np.testing.assert_array_equal(one, many)
    assert_same(one, np.quantile(a, q, axis=0))


def test_file_larger_than_the_memory_limit(ca, tmp_path, chunkarr_pythonpath):
    # 48 MiB of float64 in 256 KiB chunks; an 8 MiB budget. A child process computes, so its
    # peak resident memory can be measured against the file's size.
    rows, cols = 1536, 4096
    rng = np.random.default_rng(12)
    path = tmp_path / "big.h5"
    with h5py.File(path, "w") as f:
        dset = f.create_dataset("v", shape=(rows, cols), dtype="f8", chunks=(8, cols))
        for start in range(0, rows, 256):
            dset[start:start + 256] = rng.normal(0, 1e3, size=(256, cols))
    with h5py.File(path, "r") as f:
        a = f["v"][...]
    expected = np.quantile(a, [0.001, 0.5, 0.9])
    expected_median = np.median(a[:, :64], axis=0)
    del a
    script = textwrap.dedent(f"""
        import json
        import sys
        sys.path.insert(0, {chunkarr_pythonpath!r})
        import numpy as np
        import chunkarr as ca

        def kib(field):
            for line in open("/proc/self/status"):
                if line.startswith(field):
                    return int(line.split()[1])

        x = ca.open({str(path)!r}, "v")
        before = kib("VmRSS:")
        q = ca.quantile(x, [0.001, 0.5, 0.9]).compute(memory_limit="8MiB")
        m = ca.median(x[:, :64], axis=0).compute(memory_limit="8MiB")
        print(json.dumps({{"q": q.tolist(), "m": m.tolist(), "grown": kib("VmHWM:") - before}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    np.testing.assert_array_equal(np.array(result["q"]), expected)
    np.testing.assert_array_equal(np.array(result["m"]), expected_median)
    grown_kib = result["grown"]
    assert grown_kib < 32 * 1024, f"peak memory grew by {grown_kib} KiB for a 48 MiB file under an 8 MiB limit"


def test_histogram_with_edges_matches_numpy(ca):
    a = data((50, 7), "float64", seed=2)
    a[3, 3] = np.nan
    x = ca.from_array(a, chunks=(9, 4))
    for edges in [[-300, -10, 0, 0, 10.5, 250], np.linspace(-100, 100, 9), [0, 1], [-1000, 1000], [5, 5, 5]]:
        counts, got_edges = ca.histogram(x, bins=edges)
        want_counts, want_edges = np_expected(np.histogram, a[~np.isnan(a)], bins=edges)
        np.testing.assert_array_equal(counts.compute(), want_counts)
        assert counts.compute().dtype == np.int64
        np.testing.assert_array_equal(np.asarray(got_edges), want_edges)
    i = data((100,), "int32", seed=5)
    counts, edges = np.histogram(ca.from_array(i, chunks=30), bins=[-1000, -5, 0, 3, 999])
    np.testing.assert_array_equal(counts.compute(), np.histogram(i, bins=[-1000, -5, 0, 3, 999])[0])
    np.testing.assert_array_equal(np.asarray(edges), [-1000, -5, 0, 3, 999])
    with pytest.raises(ValueError, match="monotonically"):
        ca.histogram(x, bins=[0, 2, 1])
    with pytest.raises(ValueError, match="monotonically"):
        np.histogram(x, bins=[3, 2])


def test_zero_d_and_explain(ca):
    a = np.array(4.25)
    x = ca.from_array(a)
    assert_same(ca.quantile(x, 0.3).compute(), np.quantile(a, 0.3))
    assert_same(ca.median(x).compute(), np.median(a))
    y = ca.from_array(data((20, 6), "float64"), chunks=(7, 6))
    text = ca.quantile(y, [0.5, 0.9], axis=0).explain()
    assert "quantile(" in text and "quantile selection in passes" in text
    # A quantile feeds later stages like any reduction: x - median(x) along the axis.
    a = data((20, 6), "float64", seed=6)
    z = ca.from_array(a, chunks=(7, 4))
    np.testing.assert_allclose((z - ca.median(z, axis=0)).sum(axis=0).compute(), (a - np.median(a, axis=0)).sum(axis=0),
                               rtol=1e-12)


def test_quantiles_and_reductions_of_arrays_of_other_shapes_in_one_compute(ca):
    a_np, b_np = np.arange(12.).reshape(4, 3), np.arange(8.).reshape(2, 4)
    a, b = ca.from_array(a_np, chunks=(4, 3)), ca.from_array(b_np, chunks=(1, 3))
    got = ca.compute(ca.nansum(a), ca.nanpercentile(a, 25), ca.nansum(b), ca.nanpercentile(b, 25))
    np.testing.assert_allclose(got, [a_np.sum(), np.percentile(a_np, 25), b_np.sum(), np.percentile(b_np, 25)])
