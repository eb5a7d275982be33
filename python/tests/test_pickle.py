"""Pickling chunkarr arrays: every kind of operation and source pickles and unpickles to an array
with the same shape, dtype, chunks and values (checked against NumPy); copy.copy/deepcopy,
multiprocessing (fork and spawn) and Dask's process scheduler use it."""
import copy
import multiprocessing
import pickle

import h5py
import netCDF4
import numpy as np
import pytest

from conftest import assert_matches, sample


def add_block_index(block, block_id=None):
    """A module-level map_blocks function (these pickle by reference)."""
    return block + sum(block_id)


def scale(block, factor):
    return block * factor


def round_trip(x):
    y = pickle.loads(pickle.dumps(x))
    assert y.shape == x.shape
    assert y.dtype == x.dtype
    assert y.chunks == x.chunks
    return y


def check(x, expected):
    y = round_trip(x)
    got = y.compute()
    assert_matches(got, expected)
    np.testing.assert_array_equal(got, x.compute())
    return y


@pytest.fixture
def a():
    return sample((7, 5), "float64", seed=1)


def test_generated_arrays(ca):
    check(ca.zeros((4, 3), dtype="int16", chunks=(3, 2)), np.zeros((4, 3), np.int16))
    check(ca.ones((5,), dtype=bool, chunks=1), np.ones(5, bool))
    check(ca.full((2, 3), 7.5, chunks=2), np.full((2, 3), 7.5))
    check(ca.arange(3, 20, 2, chunks=4), np.arange(3, 20, 2))
    check(ca.linspace(0, 1, 11, chunks=3), np.linspace(0, 1, 11))
    r = ca.random.random((6, 4), chunks=(4, 3), seed=5)
    check(r, r.compute())
    check(ca.zeros((0, 3), chunks=2), np.zeros((0, 3)))


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int64", "bool", "float32", "float64"])
@pytest.mark.parametrize("chunks", [1, (3, 2), -1])
def test_numpy_data(ca, dtype, chunks):
    data = sample((7, 5), dtype, seed=2)
    x = ca.from_array(data, chunks=chunks)
    y = check(x, data)
    before = data.copy()
    # the unpickled array has its own copy of the data, the original shares the user's
    data[0, 0] = not before[0, 0] if dtype == "bool" else before[0, 0] + 1
    assert_matches(y.compute(), before)
    assert x.compute()[0, 0] == data[0, 0]


def test_zero_d(ca):
    x = ca.from_array(np.array(3.5))
    check(x, np.array(3.5))
    check(x + 1, np.array(4.5))


def test_every_operation(ca, a):
    x = ca.from_array(a, chunks=(3, 2))
    i = ca.from_array(np.arange(35, dtype=np.int32).reshape(7, 5), chunks=(2, 5))
    cases = {
        "elementwise": (np.sqrt(np.abs(x)) * 2 - x, np.sqrt(np.abs(a)) * 2 - a),
        "where": (ca.where(x > 0, x, -1.0), np.where(a > 0, a, -1.0)),
        "cast": (x.astype("float32"), a.astype("float32")),
        "slice": (x[1:6:2, 1:], a[1:6:2, 1:]),
        "integer index": (x[3], a[3]),
        "take (fancy index, negative step)": (x[::-1, [4, 0, -2]], a[::-1, [4, 0, -2]]),
        "reduce": (x.sum(axis=0), a.sum(axis=0)),
        "nan reduce": (ca.where(x > 0.5, np.nan, x).mean(axis=1), np.where(a > 0.5, np.nan, a).mean(axis=1)),
        "quantile": (ca.quantile(x, 0.3, axis=0), np.quantile(a, 0.3, axis=0)),
        "rechunk": (x.rechunk((1, 5)), a),
        "concatenate": (ca.concatenate([x, x * 2], axis=1), np.concatenate([a, a * 2], axis=1)),
        "transpose": (x.T, a.T),
        "expand_dims": (ca.expand_dims(x, 1), np.expand_dims(a, 1)),
        "scan": (x.cumsum(axis=0), np.cumsum(a, axis=0)),
        "reshape": (x.reshape(5, 7), a.reshape(5, 7)),
        "map_blocks": (ca.map_blocks(add_block_index, i, dtype=np.int32), None),
        "map_blocks kwargs": (ca.map_blocks(scale, x, factor=3.0), a * 3.0),
        "matmul": (x @ x.T, a @ a.T),
        "tensordot": (ca.tensordot(x, x, axes=([0], [0])), np.tensordot(a, a, axes=([0], [0]))),
    }
    for name, (expression, expected) in cases.items():
        if expected is None:
            expected = expression.compute()
        check(expression, expected)


def test_shared_subexpressions_stay_shared(ca, a):
    x = ca.from_array(a, chunks=2)
    s = x - x.mean()
    y = round_trip(s * s + s)
    assert_matches(y.compute(), (a - a.mean()) ** 2 + (a - a.mean()))
    # one copy of the data in the pickle, not one per use
    assert len(pickle.dumps(s * s + s)) < 2 * a.nbytes + 4096


def test_hdf5_file(ca, tmp_path, a):
    path = tmp_path / "x.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("g/v", data=a, chunks=(3, 2))
    x = ca.open(str(path), "g/v")
    check(x, a)
    check(x[2:].sum(axis=1), a[2:].sum(axis=1))


def write_packed(path, data, fmt="NETCDF4"):
    with netCDF4.Dataset(path, "w", format=fmt) as ds:
        ds.createDimension("time", None)
        ds.createDimension("x", data.shape[1])
        v = ds.createVariable("t", "i2", ("time", "x"), fill_value=np.int16(-999))
        v.scale_factor = np.float32(0.5)
        v.add_offset = np.float32(10)
        v[:] = data


def netcdf4_values(paths):
    parts = []
    for p in paths:
        with netCDF4.Dataset(p) as ds:
            parts.append(np.ma.filled(ds["t"][:].astype(np.float32), np.nan))
    return np.concatenate(parts)


@pytest.mark.parametrize("fmt", ["NETCDF4", "NETCDF3_64BIT_OFFSET"])
def test_cf_decoded_netcdf_variable(ca, tmp_path, fmt):
    data = np.ma.masked_equal(np.arange(24, dtype=np.int16).reshape(6, 4) - 5, 3)
    path = str(tmp_path / "p.nc")
    write_packed(path, data, fmt)
    x = ca.open(path, "t")
    y = check(x, netcdf4_values([path]))
    assert y.dtype == x.dtype
    with netCDF4.Dataset(path) as ds:
        ds.set_auto_maskandscale(False)
        stored = ds["t"][:]
    check(ca.open(path, "t", mask_and_scale=False), stored)


def test_many_files(ca, tmp_path):
    paths = []
    for k in range(3):
        p = str(tmp_path / f"part{k}.nc")
        write_packed(p, (np.arange(8, dtype=np.int16).reshape(2, 4) + 10 * k))
        paths.append(p)
    x = ca.open(str(tmp_path / "part*.nc"), "t", concat="time")
    check(x, netcdf4_values(paths))
    check(x.mean(axis=0), np.nanmean(netcdf4_values(paths), axis=0))


def test_file_must_exist_where_unpickled(ca, tmp_path, a):
    path = tmp_path / "gone.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("v", data=a)
    data = pickle.dumps(ca.open(str(path), "v") + 1)
    path.unlink()
    with pytest.raises(OSError, match="opens its files again.*gone.h5"):
        pickle.loads(data)


def test_file_changed_since_pickled(ca, tmp_path, a):
    path = tmp_path / "changed.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("v", data=a)
    data = pickle.dumps(ca.open(str(path), "v"))
    with h5py.File(path, "w") as f:
        f.create_dataset("v", data=a[:3])
    with pytest.raises(ValueError, match="changed"):
        pickle.loads(data)


def test_map_blocks_function_that_does_not_pickle(ca, a, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "cloudpickle", None)  # as without cloudpickle
    x = ca.from_array(a, chunks=3)

    def local_function(block):
        return block + 1

    y = ca.map_blocks(local_function, x)
    with pytest.raises(TypeError, match="map_blocks function 'local_function' does not pickle"):
        pickle.dumps(y)


def test_lambda_pickles_with_cloudpickle(ca, a):
    pytest.importorskip("cloudpickle")
    y = ca.map_blocks(lambda block: block * 2, ca.from_array(a, chunks=3))
    check(y, a * 2)


def test_copy_and_deepcopy(ca, a):
    data = a.copy()
    x = ca.from_array(data, chunks=(3, 2)) * 2
    shallow, deep = copy.copy(x), copy.deepcopy(x)
    for y in (shallow, deep):
        assert (y.shape, y.dtype, y.chunks) == (x.shape, x.dtype, x.chunks)
        assert_matches(y.compute(), a * 2)
    data[0, 0] = 100.0
    assert deep.compute()[0, 0] == a[0, 0] * 2        # its own data
    assert shallow.compute()[0, 0] == 200.0           # shares the NumPy array, as copy.copy does


def compute_in_child(x):
    return np.asarray(x.compute())


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing(ca, tmp_path, a, method):
    path = tmp_path / "m.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("v", data=a, chunks=(2, 2))
    arrays = [ca.from_array(a, chunks=3).sum(axis=0), ca.open(str(path), "v") * 2, ca.arange(10, chunks=3)]
    with multiprocessing.get_context(method).Pool(2) as pool:
        results = pool.map(compute_in_child, arrays)
    assert_matches(results[0], a.sum(axis=0))
    assert_matches(results[1], a * 2)
    assert_matches(results[2], np.arange(10))


def test_dask_process_scheduler(ca, a):
    dask = pytest.importorskip("dask")
    x = ca.from_array(a, chunks=(2, 3))
    d = (x * 2).to_dask(block_size=4 * 3 * 8)
    assert d.npartitions > 1
    (total,) = dask.compute(d.sum(), scheduler="processes")
    assert isinstance(total, (float, np.floating))
    assert total == pytest.approx((a * 2).sum())
