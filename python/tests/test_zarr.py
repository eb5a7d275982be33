"""Zarr v2 stores from Python: ca.open / ca.from_zarr read what zarr-python and xarray write
(compared with what they read back), and Array.to_zarr / ca.to_zarr write stores that
zarr-python and xr.open_zarr read back exactly; atomic on failure."""
import os
import pickle
import subprocess
import sys
import textwrap

import numcodecs
import numpy as np
import pytest
import zarr

from conftest import sample

ALL_DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]
SHAPES = [((), (), None), ((0,), (1,), None), ((0, 5), (1, 5), (3, 2)), ((1,), (1,), None), ((13,), (5,), (4,)),
          ((7, 5), (7, 5), (2, 3)), ((9, 7, 5), (4, 3, 2), (5, 4, 5)), ((5, 1, 8), (2, 1, 3), None)]


def shape_id(case):
    return f"{case[0]}-{case[1]}-{case[2]}".replace(" ", "")


# ---------------------------------------------------------------- reading

@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("endian", ["<", ">"])
def test_from_zarr_matches_zarr_python(ca, tmp_path, dtype, order, endian):
    dt = np.dtype(dtype).newbyteorder(endian) if np.dtype(dtype).itemsize > 1 else np.dtype(dtype)
    a = sample((19, 11), dtype, seed=3).astype(dt)
    z = zarr.open_array(str(tmp_path / "s.zarr"), mode="w", shape=a.shape, chunks=(4, 5), dtype=dt, order=order,
                        fill_value=None, compressor=numcodecs.Blosc("zstd", shuffle=numcodecs.Blosc.BITSHUFFLE))
    z[...] = a
    x = ca.from_zarr(tmp_path / "s.zarr")
    assert x.dtype == np.dtype(dtype) and x.shape == a.shape
    np.testing.assert_array_equal(x.compute(), zarr.open_array(str(tmp_path / "s.zarr"))[...])
    # Slices across chunk edges read only their part.
    np.testing.assert_array_equal(x[3:17:2, 4:9].compute(), a[3:17:2, 4:9])


def test_open_masks_the_fill_value_and_from_zarr_does_not(ca, tmp_path):
    store = tmp_path / "g.zarr"
    root = zarr.open_group(str(store), mode="w")
    z = root.create_group("a").create_group("b").create_dataset("v", shape=(10, 4), chunks=(3, 3), dtype="<i2",
                                                                 fill_value=-9, dimension_separator="/")
    z[:5] = np.arange(20).reshape(5, 4)
    raw = zarr.open_group(str(store))["a/b/v"][...]
    np.testing.assert_array_equal(ca.from_zarr(store, "a/b/v").compute(), raw)
    opened = ca.open(store, "/a/b/v").compute()
    np.testing.assert_array_equal(opened, np.where(raw == -9, np.nan, raw))


def packed_xarray_store(xr, path, shape, seed, dtype="int16", chunks=(3, 4), consolidated=None):
    """A store xarray writes: "t", packed to `dtype` (scale_factor, add_offset, _FillValue) with
    one NaN at [2, 3]."""
    t = np.random.default_rng(seed).normal(10, 3, size=shape)
    t[2, 3] = np.nan
    ds = xr.Dataset({"t": (("time", "x"), t)})
    ds["t"].encoding = {"dtype": dtype, "scale_factor": 0.1, "add_offset": 5.0, "_FillValue": -1, "chunks": chunks}
    ds.to_zarr(str(path), mode="w", consolidated=consolidated)


def test_open_decodes_as_xarray(ca, tmp_path):
    xr = pytest.importorskip("xarray")
    packed_xarray_store(xr, tmp_path / "x.zarr", (8, 6), seed=1)
    expected = xr.open_zarr(str(tmp_path / "x.zarr"))["t"].values
    got = ca.open(tmp_path / "x.zarr", "t").compute()
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert np.isnan(got[2, 3])


def test_a_consolidated_store_opens_without_its_array_files(ca, tmp_path):
    """As zarr.open_consolidated and xr.open_zarr: with .zmetadata the arrays' own .zarray and
    .zattrs are never read (here they are gone); shape, dtype and attributes come from it."""
    xr = pytest.importorskip("xarray")
    packed_xarray_store(xr, tmp_path / "c.zarr", (9, 7), seed=5, dtype=">i2", chunks=(4, 3), consolidated=True)
    removed = [f for name in (".zarray", ".zattrs") for f in (tmp_path / "c.zarr" / "t").glob(name)]
    for f in removed:
        f.unlink()
    assert len(removed) == 2
    raw = zarr.open_consolidated(str(tmp_path / "c.zarr"), mode="r")["t"]
    stored = ca.from_zarr(tmp_path / "c.zarr", "t")
    assert (stored.shape, stored.dtype) == (raw.shape, np.dtype("int16"))
    np.testing.assert_array_equal(stored.compute(), raw[...])
    expected = xr.open_zarr(str(tmp_path / "c.zarr"), consolidated=True)["t"].values
    got = ca.open(tmp_path / "c.zarr", "t").compute()  # unpacked with the attributes of .zmetadata
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert got.dtype == expected.dtype == np.float32 and np.isnan(got[2, 3])


def test_zarr_arrays_pickle_and_reopen_by_path(ca, tmp_path):
    z = zarr.open_array(str(tmp_path / "s.zarr"), mode="w", shape=(30,), chunks=(7,), dtype="<f8",
                        compressor=numcodecs.Zlib())
    z[...] = np.arange(30.0)
    x = ca.from_zarr(tmp_path / "s.zarr") * 2
    y = pickle.loads(pickle.dumps(x))
    np.testing.assert_array_equal(y.compute(), np.arange(30.0) * 2)


# ---------------------------------------------------------------- writing

@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("case", SHAPES, ids=shape_id)
def test_to_zarr_matches_zarr_python(ca, tmp_path, case, dtype):
    shape, chunks, stored = case
    a = sample(shape, dtype, seed=len(shape) + 3)
    x = ca.from_array(a, chunks=chunks) if shape else ca.from_array(a)
    x.to_zarr(tmp_path / "out.zarr", "g/data", chunks=stored)
    z = zarr.open_group(str(tmp_path / "out.zarr"), mode="r")["g/data"]
    assert z.dtype == a.dtype and z.shape == a.shape
    np.testing.assert_array_equal(z[...], a)
    if a.size and a.ndim:
        assert z.chunks == tuple(min(c, s) for c, s in zip(stored or chunks, shape))
    assert os.listdir(tmp_path) == ["out.zarr"]


@pytest.mark.parametrize("compressor", [
    None, numcodecs.Zlib(level=3), numcodecs.GZip(level=7),
    numcodecs.Blosc("lz4", 5, numcodecs.Blosc.SHUFFLE), numcodecs.Blosc("zstd", 3, numcodecs.Blosc.BITSHUFFLE),
    numcodecs.Blosc("lz4hc", 9, numcodecs.Blosc.NOSHUFFLE), numcodecs.Blosc("blosclz", 1, numcodecs.Blosc.SHUFFLE),
    numcodecs.Blosc("zlib", 5, numcodecs.Blosc.SHUFFLE), "default"], ids=str)
def test_to_zarr_compressors(ca, tmp_path, compressor):
    a = sample((40, 33), "float32", seed=5)
    ca.from_array(a, chunks=(16, 16)).to_zarr(tmp_path / "out.zarr", compressor=compressor)
    z = zarr.open_array(str(tmp_path / "out.zarr"), mode="r")
    expected = numcodecs.Blosc("lz4", 5, numcodecs.Blosc.SHUFFLE) if compressor == "default" else compressor
    assert z.compressor == expected
    np.testing.assert_array_equal(z[...], a)


def test_to_zarr_dimension_names_for_xarray(ca, tmp_path):
    xr = pytest.importorskip("xarray")
    a = sample((6, 5, 4), "float64", seed=8)
    x = ca.from_array(a, chunks=(2, 5, 4))
    x.mean(axis=0).to_zarr(tmp_path / "m.zarr", "clim", dims=("lat", "lon"))
    ds = xr.open_zarr(str(tmp_path / "m.zarr"))
    assert ds["clim"].dims == ("lat", "lon")
    np.testing.assert_allclose(ds["clim"].values, a.mean(axis=0))
    # And back through chunkarr, with its dimension names.
    back = ca.open(tmp_path / "m.zarr", "clim")
    np.testing.assert_allclose(back.compute(), a.mean(axis=0))


def test_to_zarr_nan_and_missing_round_trip(ca, tmp_path):
    a = np.array([[1.0, np.nan, 3.0], [np.inf, -0.0, 5e-324]])
    ca.to_zarr(ca.from_array(a, chunks=(1, 2)), tmp_path / "o.zarr")
    np.testing.assert_array_equal(zarr.open_array(str(tmp_path / "o.zarr"))[...], a)


def test_to_zarr_refuses_to_overwrite_unless_asked(ca, tmp_path):
    target = tmp_path / "o.zarr"
    ca.from_array(np.arange(5.0)).to_zarr(target)
    with pytest.raises(FileExistsError):
        ca.from_array(np.arange(3.0)).to_zarr(target)
    ca.from_array(np.arange(3.0)).to_zarr(target, overwrite=True)
    np.testing.assert_array_equal(zarr.open_array(str(target))[...], np.arange(3.0))
    assert sorted(os.listdir(tmp_path)) == ["o.zarr"]
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not a Zarr store"):
        ca.from_array(np.arange(3.0)).to_zarr(plain, overwrite=True)
    assert (plain / "keep.txt").read_text() == "mine"


def test_to_zarr_bad_arguments(ca, tmp_path):
    x = ca.from_array(np.arange(5.0))
    with pytest.raises(ValueError, match="lzma"):
        x.to_zarr(tmp_path / "o.zarr", compressor={"id": "lzma"})
    with pytest.raises(ValueError, match="snappy"):
        x.to_zarr(tmp_path / "o.zarr", compressor=numcodecs.Blosc("snappy"))
    assert os.listdir(tmp_path) == []


def test_failing_to_zarr_keeps_the_existing_store(chunkarr_pythonpath, tmp_path):
    # The source store loses a chunk file's bytes after open(): reading fails mid-way.
    src = tmp_path / "src.zarr"
    z = zarr.open_array(str(src), mode="w", shape=(400, 1000), chunks=(50, 1000), dtype="<f8",
                        compressor=numcodecs.Zlib())
    z[...] = np.arange(400_000.0).reshape(400, 1000)
    target = tmp_path / "out" / "o.zarr"
    target.parent.mkdir()
    old = zarr.open_array(str(target), mode="w", shape=(3,), chunks=(2,), dtype="<i4")
    old[...] = [7, 8, 9]
    before = sorted((p.relative_to(target), p.read_bytes()) for p in target.rglob("*") if p.is_file())
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {chunkarr_pythonpath!r})
        import chunkarr as ca
        x = ca.from_zarr({str(src)!r})
        open({str(src / "5.0")!r}, "wb").write(b"damaged")
        try:
            (x * 2).to_zarr({str(target)!r}, overwrite=True, chunks=(10, 1000))
        except Exception as e:
            print("raised", type(e).__name__, e, flush=True)
        else:
            print("no error", flush=True)
        """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "raised OSError" in proc.stdout and "chunk 5.0" in proc.stdout, proc.stdout + proc.stderr
    after = sorted((p.relative_to(target), p.read_bytes()) for p in target.rglob("*") if p.is_file())
    assert after == before
    assert os.listdir(target.parent) == ["o.zarr"]


def test_a_store_rewritten_after_open_is_an_error_not_a_mix(ca, tmp_path):
    z = zarr.open_array(str(tmp_path / "s.zarr"), mode="w", shape=(20,), chunks=(5,), dtype="<f8")
    z[...] = np.arange(20.0)
    x = ca.from_zarr(tmp_path / "s.zarr")
    z.resize(30)  # rewrites .zarray
    z[20:] = 1.0
    with pytest.raises(OSError, match="changed while it was being read"):
        x.sum().compute()
    np.testing.assert_array_equal(ca.from_zarr(tmp_path / "s.zarr").compute(), zarr.open_array(str(tmp_path / "s.zarr"))[...])
