"""Array.to_hdf5 / Array.to_netcdf / ca.to_hdf5 / ca.to_netcdf: streamed, compressed stores that
h5py and netCDF4-python read back exactly, on odd shapes and chunkings; atomic on failure and
on Ctrl-C."""
import hashlib
import os
import subprocess
import sys
import textwrap
import threading
import _thread

import h5py
import netCDF4
import numpy as np
import pytest

from conftest import sample

ALL_DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]

# (shape, array chunks, stored chunks or None for the default)
SHAPES = [
    ((), (), None),
    ((0,), (1,), None),
    ((0, 5), (1, 5), (3, 2)),
    ((1,), (1,), None),
    ((13,), (5,), (4,)),
    ((7, 5), (3, 2), (3, 2)),
    ((7, 5), (7, 5), (2, 3)),          # stored chunks smaller than the array's
    ((9, 7, 5), (4, 3, 2), (5, 4, 5)),  # ... and larger / not aligned
    ((5, 1, 8), (2, 1, 3), None),
]


def shape_id(case):
    shape, chunks, stored = case
    return f"{shape}-{chunks}-{stored}".replace(" ", "")


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.mark.parametrize("compression", [None, "gzip"])
@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("case", SHAPES, ids=shape_id)
def test_to_hdf5_matches_h5py(ca, tmp_path, case, dtype, compression):
    shape, chunks, stored = case
    a = sample(shape, dtype, seed=len(shape) + 3)
    x = ca.from_array(a, chunks=chunks) if shape else ca.from_array(a)
    path = tmp_path / "out.h5"
    x.to_hdf5(path, "/g/data", chunks=stored, compression=compression)
    with h5py.File(path, "r") as f:
        d = f["/g/data"]
        assert d.dtype == a.dtype
        assert d.shape == a.shape
        np.testing.assert_array_equal(d[()], a)
        if a.size and a.ndim:
            assert d.chunks == tuple(min(c, s) for c, s in zip(stored or chunks, shape))
            assert d.compression == compression
            assert d.shuffle == (compression is not None and a.dtype.itemsize > 1)
    assert os.listdir(tmp_path) == ["out.h5"]


def test_to_hdf5_options_and_expressions(ca, tmp_path):
    a = np.linspace(0, 1, 20 * 30 * 7).reshape(20, 30, 7)
    x = ca.from_array(a, chunks=(8, 30, 7))
    y = (x - x.mean(axis=0)) * 2
    y.to_hdf5(tmp_path / "a.h5", "y", compression=9)                           # h5py: int means gzip level
    y.to_hdf5(tmp_path / "b.h5", "y", compression="gzip", compression_opts=1, shuffle=False, chunks=(3, -1, 2))
    with h5py.File(tmp_path / "a.h5") as f, h5py.File(tmp_path / "b.h5") as g:
        assert f["y"].compression_opts == 9 and f["y"].shuffle
        assert g["y"].compression_opts == 1 and not g["y"].shuffle and g["y"].chunks == (3, 30, 2)
        want = (a - a.mean(axis=0)) * 2
        np.testing.assert_allclose(f["y"][()], want, rtol=1e-13, atol=1e-15)
        np.testing.assert_array_equal(f["y"][()], g["y"][()])
    ca.to_hdf5(tmp_path / "c.h5", {"/x": x, "/stats/mean": x.mean(axis=0), "/raw": np.arange(5)},
               compression="gzip", memory_limit="64MiB", threads=2)
    with h5py.File(tmp_path / "c.h5") as f:
        np.testing.assert_array_equal(f["x"][()], a)
        np.testing.assert_allclose(f["stats/mean"][()], a.mean(axis=0), rtol=1e-14)
        np.testing.assert_array_equal(f["raw"][()], np.arange(5))
    with pytest.raises(ValueError):
        x.to_hdf5(tmp_path / "d.h5", "x", compression="lzf")
    with pytest.raises(ValueError):
        x.to_hdf5(tmp_path / "d.h5", "x", compression="gzip", compression_opts=10)
    with pytest.raises(ValueError):
        x.to_hdf5(tmp_path / "d.h5", "x", chunks=(2, 2))
    assert not (tmp_path / "d.h5").exists()


def test_to_hdf5_within_a_small_memory_limit(ca, tmp_path):
    # 32 MiB of float64 written through a 6 MiB budget, in 256 KiB chunks.
    x = ca.random.random((1024, 4096), chunks=(64, 4096))
    x.to_hdf5(tmp_path / "big.h5", "x", chunks=(8, 4096), compression="gzip", compression_opts=1,
              memory_limit="6MiB")
    with h5py.File(tmp_path / "big.h5") as f:
        np.testing.assert_array_equal(f["x"][()], x.compute())


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("compression", [None, "zlib"])
def test_to_netcdf_matches_netcdf4(ca, tmp_path, dtype, compression):
    a = sample((9, 7, 5), dtype, seed=9)
    x = ca.from_array(a, chunks=(4, 7, 2))
    path = tmp_path / "out.nc"
    x.to_netcdf(path, "v", dims=("time", "lat", "lon"), compression=compression, chunks=(4, 3, 5))
    with netCDF4.Dataset(path) as ds:
        assert ds.data_model == "NETCDF4"
        v = ds["v"]
        v.set_auto_maskandscale(False)
        assert v.dimensions == ("time", "lat", "lon")
        assert v.chunking() == [4, 3, 5]
        filters = v.filters()
        assert bool(filters["zlib"]) == (compression is not None)
        values = v[...]
        if dtype == "bool":
            assert v.dtype == np.int8 and v.getncattr("dtype") == "bool"
            values = values.astype(bool)
        np.testing.assert_array_equal(values, a)
    assert os.listdir(tmp_path) == ["out.nc"]


def test_to_netcdf_shared_dimensions_groups_and_odd_shapes(ca, tmp_path):
    t = np.arange(6 * 4, dtype=np.float32).reshape(6, 4)
    path = tmp_path / "many.nc"
    ca.to_netcdf(path, {"t": ca.from_array(t, chunks=(5, 3)), "mean": ca.from_array(t).mean(axis=0),
                        "/grp/count": ca.from_array(np.arange(4, dtype=np.int32)), "scalar": ca.from_array(np.float64(2.5)),
                        "empty": ca.zeros((0, 3), chunks=1)},
                 dims={"t": ("time", "x"), "mean": ("x",), "/grp/count": ("x",)}, complevel=5)
    with netCDF4.Dataset(path) as ds:
        assert ds["t"].dimensions == ("time", "x")
        assert ds["mean"].dimensions == ("x",)
        assert len(ds.dimensions["x"]) == 4 and len(ds.dimensions["time"]) == 6
        assert ds["t"].filters()["complevel"] == 5
        np.testing.assert_array_equal(ds["t"][...], t)
        np.testing.assert_allclose(ds["mean"][...], t.mean(axis=0))
        np.testing.assert_array_equal(ds["grp"]["count"][...], np.arange(4))
        assert ds["scalar"][...] == 2.5
        assert ds["empty"].shape == (0, 3)
    # Default dimension names; a second array with another length gets its own dimension.
    ca.to_netcdf(tmp_path / "d.nc", {"a": ca.ones((3, 2)), "b": ca.ones((5,))})
    with netCDF4.Dataset(tmp_path / "d.nc") as ds:
        assert ds["a"].dimensions == ("dim_0", "dim_1")
        assert ds["b"].dimensions == ("dim_0_5",)
    with pytest.raises(ValueError):   # a named dimension with two lengths
        ca.to_netcdf(tmp_path / "e.nc", {"a": ca.ones((3,)), "b": ca.ones((5,))}, dims={"a": ["x"], "b": ["x"]})
    assert not (tmp_path / "e.nc").exists()
    # chunkarr reads its own NetCDF-4 back.
    np.testing.assert_array_equal(ca.open(str(path), "t").compute(), t)


@pytest.mark.parametrize("suffix", ["h5", "nc"])
def test_failing_store_keeps_the_existing_file(chunkarr_pythonpath, tmp_path, suffix):
    # The source file is cut short after open(): reading fails mid-way through the store.
    src = tmp_path / "src.h5"
    with h5py.File(src, "w") as f:
        f.create_dataset("v", data=np.arange(400_000, dtype=np.float64).reshape(400, 1000), chunks=(50, 1000))
    outdir = tmp_path / "out"
    outdir.mkdir()
    target = outdir / f"out.{suffix}"
    target.write_bytes(b"the previous result\n" * 100)
    before = digest(target)
    method = "to_hdf5" if suffix == "h5" else "to_netcdf"
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {chunkarr_pythonpath!r})
        import chunkarr as ca
        x = ca.open({str(src)!r}, "v")
        size = os.path.getsize({str(src)!r})
        with open({str(src)!r}, "r+b") as f:
            f.truncate(size // 3)
        try:
            (x * 2).{method}({str(target)!r}, "v", compression="gzip", chunks=(10, 1000))
        except Exception as e:
            print("raised", type(e).__name__, flush=True)
        else:
            print("no error", flush=True)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"child crashed (rc={proc.returncode}): {proc.stderr[-2000:]}"
    assert "raised OSError" in proc.stdout, proc.stdout + proc.stderr
    assert digest(target) == before
    assert os.listdir(outdir) == [target.name]


def test_ctrl_c_during_store_keeps_the_existing_file(ca, tmp_path):
    target = tmp_path / "out.h5"
    ca.arange(10).to_hdf5(target, "old")
    before = digest(target)
    # Slow enough to interrupt: 128 MiB at gzip 9 on one thread.
    x = ca.random.random((4096, 4096), chunks=(64, 4096))
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            x.to_hdf5(target, "new", compression="gzip", compression_opts=9, threads=1)
    finally:
        timer.cancel()
    assert digest(target) == before
    assert os.listdir(tmp_path) == ["out.h5"]
    with h5py.File(target) as f:
        assert list(f) == ["old"]


def test_to_netcdf_reads_in_xarray_quietly(ca, tmp_path, capfd):
    xr = pytest.importorskip("xarray")
    a = np.arange(24, dtype="f4").reshape(4, 6)
    path = tmp_path / "x.nc"
    ca.to_netcdf(path, {"t": ca.from_array(a, chunks=(3, 4)), "flag": ca.from_array(a > 5)},
                 dims={"t": ("y", "x"), "flag": ("y", "x")}, compression="zlib")
    with xr.open_dataset(path) as ds:
        assert ds["t"].dims == ("y", "x")
        np.testing.assert_array_equal(ds["t"].values, a)
        assert ds["flag"].dtype == bool   # the dtype="bool" attribute, xarray's convention
        np.testing.assert_array_equal(ds["flag"].values, a > 5)
    # libnetcdf first ran on chunkarr's worker thread: no HDF5 error noise on this one after.
    assert "HDF5-DIAG" not in capfd.readouterr().err


@pytest.mark.parametrize("suffix", ["h5", "nc"])
def test_shuffle_without_compression(ca, tmp_path, suffix):
    a = sample((10, 7), "int32", seed=4)
    path = tmp_path / f"s.{suffix}"
    x = ca.from_array(a, chunks=(4, 7))
    if suffix == "h5":
        x.to_hdf5(path, "x", shuffle=True)
    else:
        x.to_netcdf(path, "x", shuffle=True)
    with h5py.File(path, "r") as f:
        assert f["x"].shuffle and f["x"].compression is None
        np.testing.assert_array_equal(f["x"][()], a)


def test_to_hdf5_of_quantiles_and_expressions_on_them(ca, tmp_path):
    # A quantile is computed in selection passes before the blocks are written; the block
    # writer runs those passes too (once it ran only plain reductions' stages).
    rng = np.random.default_rng(7)
    a = rng.normal(size=(40, 6, 5))
    x = ca.from_array(a, chunks=(7, 4, 5))
    ca.to_hdf5(tmp_path / "q.h5", {"/median": ca.median(x, axis=0), "/spread": x - ca.percentile(x, 90, axis=0)})
    with h5py.File(tmp_path / "q.h5") as f:
        np.testing.assert_array_equal(f["median"][()], np.median(a, axis=0))
        np.testing.assert_array_equal(f["spread"][()], a - np.percentile(a, 90, axis=0))
