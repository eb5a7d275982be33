"""Dask interop with Debian's python3-dask: Array.to_dask() (Dask blocks that chunkarr computes,
each a group of whole chunkarr chunks), ca.from_dask() (a chunkarr array whose blocks Dask
computes) and dask.array.from_array over a chunkarr array, on the threaded and the processes
schedulers, against NumPy."""
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import assert_matches, sample

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")

DTYPES = ["int8", "uint16", "int64", "bool", "float32", "float64"]


def boundaries(chunks):
    return [set(np.cumsum((0,) + tuple(axis)).tolist()) for axis in chunks]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, chunks", [((7, 5), (3, 2)), ((7, 5), 1), ((7, 5), -1), ((9,), 4), ((0, 3), 2)])
def test_to_dask_values_and_blocks(ca, dtype, shape, chunks):
    a = sample(shape, dtype, seed=4)
    x = ca.from_array(a, chunks=chunks)
    d = x.to_dask(block_size=3 * 2 * a.itemsize)
    assert d.shape == a.shape and d.dtype == a.dtype
    # Dask's blocks are runs of whole chunkarr chunks: every Dask boundary is a chunkarr one.
    for dask_bounds, chunkarr_bounds in zip(boundaries(d.chunks), boundaries(x.chunks)):
        assert dask_bounds <= chunkarr_bounds
    got = d.compute(scheduler="threads")
    assert type(got) is np.ndarray
    np.testing.assert_array_equal(got, a)


def test_to_dask_groups_small_chunks(ca):
    a = np.arange(40 * 30, dtype=np.float64).reshape(40, 30)
    x = ca.from_array(a, chunks=(1, 3))   # 400 tiny chunks
    d = x.to_dask()                       # default: Dask's array.chunk-size (128 MiB)
    assert d.npartitions == 1
    assert len(dict(d.__dask_graph__())) == 1
    d = x.to_dask(block_size=8 * 30 * 4)  # four whole rows per block
    assert d.chunks == ((4,) * 10, (30,))
    np.testing.assert_array_equal(d.compute(), a)


def test_to_dask_zero_d_and_lazy_expressions(ca):
    a = sample((6, 4), "float32", seed=7)
    x = ca.from_array(a, chunks=(4, 3))
    assert float(x.sum().to_dask().compute()) == pytest.approx(float(a.sum()), rel=1e-5)
    d = ((x - x.mean(axis=0)) ** 2).to_dask(block_size=4 * 3 * 4)
    assert_matches(d.compute(), (a - a.mean(axis=0)) ** 2)
    # Dask operations on top of it run on NumPy blocks.
    assert_matches(d.max(axis=1).compute(), ((a - a.mean(axis=0)) ** 2).max(axis=1))


@pytest.mark.parametrize("scheduler", ["threads", "processes", "sync"])
def test_to_dask_schedulers(ca, scheduler):
    a = sample((8, 6), "float64", seed=3)
    x = ca.from_array(a, chunks=(3, 4)) * 2 + 1
    d = x.to_dask(block_size=3 * 4 * 8)
    assert d.npartitions == 6
    (total, values) = dask.compute(d.sum(), d, scheduler=scheduler)
    assert total == pytest.approx((a * 2 + 1).sum())
    np.testing.assert_array_equal(values, a * 2 + 1)


def test_to_dask_bad_block_size(ca):
    with pytest.raises(ValueError, match="block_size"):
        ca.zeros((4,), chunks=2).to_dask(block_size=0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("chunks", [(3, 2), 1, -1])
def test_from_dask(ca, dtype, chunks):
    a = sample((7, 5), dtype, seed=9)
    d = da.from_array(a, chunks=chunks)
    x = ca.from_dask(d)
    assert x.shape == a.shape and x.dtype == a.dtype
    assert x.chunks == d.chunks
    np.testing.assert_array_equal(x.compute(), a)
    np.testing.assert_array_equal(x[2:5, 1].compute(), a[2:5, 1])
    if dtype != "bool":
        assert_matches(x.sum(axis=0).compute(), a.sum(axis=0))


def test_from_dask_is_lazy_and_reads_each_block_once(ca):
    calls = []

    def record(block, block_info=None):
        calls.append(block_info[None]["chunk-location"])
        return block

    d = da.map_blocks(record, da.arange(12, chunks=4), dtype=np.int64)
    x = ca.from_dask(d) * 2
    assert calls == [] or all(c == (0,) for c in calls)  # only Dask's meta probing, no blocks
    calls.clear()
    np.testing.assert_array_equal(x.compute(), np.arange(12) * 2)
    assert sorted(calls) == [(0,), (1,), (2,)]


def test_from_dask_zero_d_and_empty(ca):
    assert ca.from_dask(da.from_array(np.float32(2.5))).compute() == np.float32(2.5)
    assert ca.from_dask(da.zeros((0, 3), chunks=2)).compute().shape == (0, 3)


def test_from_dask_round_trip_through_to_dask(ca):
    a = sample((10, 4), "float64", seed=2)
    x = ca.from_dask(ca.from_array(a, chunks=(3, 4)).to_dask(block_size=3 * 4 * 8))
    np.testing.assert_array_equal(x.compute(), a)


def test_from_dask_errors(ca):
    with pytest.raises(TypeError, match="dask.array.Array"):
        ca.from_dask(np.zeros(3))
    d = da.from_array(np.arange(10), chunks=3)
    with pytest.raises(ValueError, match="unknown size"):
        ca.from_dask(d[d > 3])


def test_dask_from_array_over_chunkarr(ca):
    # Dask keeps duck arrays (__array_function__) as its blocks, so its operations run lazily on
    # chunkarr pieces; when Dask gathers blocks (a reduction's combine step, compute() of several
    # blocks) chunkarr computes them, so Dask's results are NumPy, as for h5py-backed arrays.
    a = sample((7, 5), "float64", seed=1)
    x = ca.from_array(a, chunks=(3, 2))
    d = da.from_array(x, chunks=(4, 5))
    total = d.sum().compute()
    assert isinstance(total, (np.ndarray, np.generic)), type(total)
    assert total == pytest.approx(a.sum())
    values = d.compute()
    assert type(values) is np.ndarray
    np.testing.assert_array_equal(values, a)
    np.testing.assert_array_equal(np.asarray(x.to_dask().compute()), a)


@pytest.mark.parametrize("scheduler", ["sync", "threads", "processes"])
def test_dask_result_of_one_chunkarr_block_is_numpy(ca, scheduler):
    # Dask hands back a one-block result as that block, with no dispatch: chunkarr computes it.
    a = sample((4, 6), "int32", seed=3)
    x = ca.from_array(a, chunks=(2, 3))
    d = da.from_array(x)   # one block: the whole chunkarr array
    assert d.numblocks == (1, 1)
    results = dask.compute(d, d[1, 2], d + 1, d[::-1, 1:4].T, da.from_array(x, chunks=(2, 6))[2:],
                           d.sum(axis=0), scheduler=scheduler)
    expected = [a, a[1, 2], a + 1, a[::-1, 1:4].T, a[2:], a.sum(axis=0)]
    for got, want in zip(results, expected):
        assert isinstance(got, (np.ndarray, np.generic)), type(got)
        assert np.asarray(got).dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    assert type(d[1, 2].compute()) is np.int32   # a scalar as NumPy's a[1, 2], as Dask gives for NumPy blocks
    # Other results pass chunkarr's finalize unchanged: a one-block NumPy Dask array is its array.
    assert da.from_array(a).compute(scheduler="sync") is a
    np.testing.assert_array_equal(da.from_array(a)[1:].compute(scheduler=scheduler), a[1:])


@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_dask_operations_on_chunkarr_blocks_give_numpy(ca, scheduler):
    a = sample((9, 6), "float32", seed=2)
    x = ca.from_array(a, chunks=(2, 4))
    d = da.from_array(x, chunks=(4, 3))
    results = dask.compute(d.mean(), (d * 2 + 1).max(axis=0), d.std(axis=1), d[::2, 1:] - 1,
                           scheduler=scheduler)
    expected = [a.mean(), (a * 2 + 1).max(axis=0), a.std(axis=1), a[::2, 1:] - 1]
    for got, want in zip(results, expected):
        assert isinstance(got, (np.ndarray, np.generic)), type(got)
        np.testing.assert_allclose(got, want, rtol=1e-6)
    # The token Dask names a chunkarr array by is stable for one array and differs between arrays.
    assert dask.base.tokenize(x) == dask.base.tokenize(x) != dask.base.tokenize(x + 1)


@pytest.mark.parametrize("shape,chunks,columns", [((11,), (4,), None), ((9, 3), (2, 3), ["a", "b", "c"]),
                                                  ((7, 2), (7, 1), None)])
def test_to_dask_dataframe(ca, shape, chunks, columns):
    pd = pytest.importorskip("pandas")
    a = sample(shape, "float64", seed=3)
    frame = ca.from_array(a, chunks=chunks).to_dask_dataframe(columns=columns)
    want = da.from_array(a, chunks=chunks).to_dask_dataframe(columns=columns).compute()
    got = frame.compute()
    assert type(got) is type(want)   # a 1-d array gives a Series, as in Dask
    (pd.testing.assert_series_equal if a.ndim == 1 else pd.testing.assert_frame_equal)(got, want)
    if columns:
        assert list(frame.columns) == columns
    with pytest.raises(ValueError, match="1-d or 2-d"):
        ca.zeros((2, 2, 2)).to_dask_dataframe()


def test_distributed_cluster(ca, tmp_path):
    # dask.distributed with worker processes: to_dask() tasks are chunkarr computations of groups
    # of chunks, and a file-backed array is reopened by path on the workers (pickled by path).
    distributed = pytest.importorskip("distributed", reason="python3-distributed is not installed")
    h5py = pytest.importorskip("h5py")
    a = sample((6, 4), "float64", seed=5)
    stored = sample((40, 12), "float32", seed=6)
    stored[3, 5] = np.nan
    path = tmp_path / "t.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("v", data=stored, chunks=(7, 5), compression="gzip")
    x = ca.from_array(a, chunks=(2, 2)) + 1
    v = ca.open(str(path), "v").rechunk((8, 12))
    anomaly = v - ca.nanmean(v, axis=0)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1) as cluster, \
            distributed.Client(cluster) as client:
        np.testing.assert_array_equal(x.to_dask(block_size=2 * 4 * 8).compute(), a + 1)
        blocks = anomaly.to_dask(block_size=16 * 12 * 4)
        assert blocks.chunks == ((16, 16, 8), (12,))   # groups of whole chunkarr chunks, not one task per chunk
        np.testing.assert_array_equal(blocks.compute(), anomaly.compute())
        # Dask's own reduction over chunkarr blocks, on the workers: NumPy back, as computed here.
        total = da.from_array(v, chunks=(10, 12)).sum().compute()
        assert isinstance(total, (np.ndarray, np.generic))
        assert np.isnan(total) and np.isnan(stored.sum())
        assert da.nansum(da.from_array(v, chunks=(10, 12))).compute() == pytest.approx(np.nansum(stored, dtype=np.float64))
        # A result of one chunkarr block, finalized on a worker by client.compute: NumPy too.
        one_block = client.compute(da.from_array(v, chunks=v.shape)[3, 4:9] * 2).result()
        assert type(one_block) is np.ndarray
        np.testing.assert_array_equal(one_block, v.compute()[3, 4:9] * 2)
        assert len(client.scheduler_info()["workers"]) == 2


@pytest.mark.parametrize("first", ["dask.array", "chunkarr", "dask, then chunkarr, then dask.array"])
def test_dask_wrapping_without_a_token_computes_chunkarr_blocks(first, chunkarr_pythonpath):
    """da.from_array(x, name=False) never asks chunkarr for a token: chunkarr registers with
    dask.array when either is imported, in any order (fresh interpreters)."""
    imports = {"dask.array": ["import dask.array as da", "import chunkarr as ca"],
               "chunkarr": ["import chunkarr as ca", "import dask.array as da"],
               "dask, then chunkarr, then dask.array": ["import dask", "import chunkarr as ca",
                                                         "import dask.array as da"]}[first]
    code = "\n".join(imports) + """
import numpy as np
x = ca.from_array(np.arange(12.0).reshape(3, 4), chunks=(2, 4))
one, several = da.from_array(x, name=False), da.from_array(x, chunks=(1, 4), name=False)
print(*(type(r).__name__ for r in (one.compute(), (one + 1)[1].compute(), several.sum().compute())))
print(float(one[2, 3].compute()), float(several[::-1].compute()[0, 0]))
"""
    env = dict(os.environ, PYTHONPATH=chunkarr_pythonpath)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["ndarray", "ndarray", "float64", "11.0", "8.0"]
