"""Files: ca.open() of HDF5 (h5py) and NetCDF (netCDF4) files written here, CF decoding, globs
of many files, and .to_hdf5() round trips (atomic: no file left behind when a write fails)."""
import os
import subprocess
import sys
import textwrap

import h5py
import netCDF4
import numpy as np
import pytest

from conftest import assert_matches, sample

IO_DTYPES = ["int8", "int32", "uint16", "int64", "float32", "float64"]


def write_h5(path, name, data, **kwargs):
    with h5py.File(path, "a") as f:
        f.create_dataset(name, data=data, **kwargs)
    return path


def netcdf4_decoded(path, variable):
    """What netCDF4-python gives (mask and scale applied), with masked values as NaN."""
    with netCDF4.Dataset(path) as ds:
        v = ds.variables[variable][...]
        if np.ma.isMaskedArray(v):
            out = np.ma.filled(v.astype(np.float64 if v.dtype.kind != "f" else v.dtype), np.nan)
        else:
            out = np.asarray(v)
        return out


# ---------------------------------------------------------------------------------------------
# HDF5


@pytest.mark.parametrize("dtype", IO_DTYPES)
@pytest.mark.parametrize(
    "layout",
    [
        {},
        {"chunks": (3, 4, 5)},
        {"chunks": (3, 4, 5), "compression": "gzip", "shuffle": True},
        {"chunks": (7, 1, 11), "compression": "gzip", "compression_opts": 9, "fletcher32": True},
    ],
    ids=["contiguous", "chunked", "gzip-shuffle", "gzip9-fletcher32"],
)
def test_open_hdf5(ca, tmp_path, dtype, layout):
    a = sample((7, 9, 11), dtype, seed=1)
    path = write_h5(tmp_path / "a.h5", "data", a, **layout)
    x = ca.open(str(path), "data")
    assert isinstance(x, ca.Array)
    assert x.shape == a.shape
    assert x.dtype == a.dtype
    assert sum(x.chunks[0]) == 7 and sum(x.chunks[2]) == 11
    assert_matches(x.compute(), a)
    assert_matches(x[2:5, ::2, -1].compute(), a[2:5, ::2, -1])
    assert_matches(x.sum(axis=1).compute(), a.sum(axis=1), reduction=True)
    assert_matches(x.mean().compute(), a.mean(), reduction=True)


@pytest.mark.parametrize("file_type, numpy_type", [("STD_B8LE", "u1"), ("STD_B16BE", ">u2"), ("STD_B32LE", "<u4"),
                                                   ("STD_B64BE", ">u8")])
def test_open_hdf5_bitfield(ca, tmp_path, file_type, numpy_type):
    # Bitfields (PyTables' booleans are 8-bit ones) read as h5py reads them: unsigned integers.
    a = (np.arange(6 * 7, dtype=np.uint64) * 2654435761 % 2**(8 * np.dtype(numpy_type).itemsize)).astype(numpy_type)
    a = a.reshape(6, 7)
    path = tmp_path / "bits.h5"
    ftype = getattr(h5py.h5t, file_type)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((4, 3))
    with h5py.File(path, "w") as f:
        ds = h5py.h5d.create(f.id, b"bits", ftype, h5py.h5s.create_simple(a.shape), dcpl=dcpl)
        ds.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(a), mtype=ftype)
    with h5py.File(path, "r") as f:
        expected = f["bits"][()]
    assert expected.dtype == np.dtype(numpy_type)
    x = ca.open(str(path), "bits")
    assert x.dtype == np.dtype(numpy_type).newbyteorder("=")
    assert_matches(x.compute(), expected.astype(expected.dtype.newbyteorder("=")))


def test_open_hdf5_group_paths(ca, tmp_path):
    a = sample((5, 6), "float64")
    path = tmp_path / "g.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("top", data=a)
        f.create_group("grp").create_dataset("t", data=a * 2, chunks=(2, 3))
    assert_matches(ca.open(str(path), "top").compute(), a)
    assert_matches(ca.open(str(path), "/top").compute(), a)
    assert_matches(ca.open(str(path), "/grp/t").compute(), a * 2)
    assert_matches(ca.open(str(path), "grp/t").compute(), a * 2)


@pytest.mark.parametrize("dtype", [">i4", ">f8", "<f4"])
def test_open_hdf5_byte_order(ca, tmp_path, dtype):
    a = np.arange(60).reshape(6, 10).astype(dtype)
    path = write_h5(tmp_path / "e.h5", "v", a, chunks=(4, 4))
    x = ca.open(str(path), "v")
    assert x.dtype == a.dtype.newbyteorder("=")
    np.testing.assert_array_equal(x.compute(), a)


def test_open_hdf5_unallocated_chunks_read_the_fill_value(ca, tmp_path):
    path = tmp_path / "sparse.h5"
    with h5py.File(path, "w") as f:
        d = f.create_dataset("v", shape=(10, 12), dtype="int32", chunks=(4, 5), fillvalue=-1)
        d[0:4, 0:5] = 7  # only one chunk written
        d[9, 11] = 3
        expected = d[...]
    x = ca.open(str(path), "v")
    np.testing.assert_array_equal(x.compute(), expected)
    assert x.sum().compute() == expected.sum()


def test_open_hdf5_fill_value_attribute_becomes_nan(ca, tmp_path):
    a = sample((6, 8, 10), "float32", seed=2)
    a[0, 0, :3] = -9999.0
    a[5, 7, 9] = -9999.0
    a[2, 3, 4] = np.nan
    path = tmp_path / "fill.h5"
    with h5py.File(path, "w") as f:
        d = f.create_dataset("t2m", data=a, chunks=(2, 4, 5), compression="gzip")
        d.attrs["_FillValue"] = np.float32(-9999.0)
    x = ca.open(str(path), "t2m")
    assert x.dtype == np.float32
    expected = np.where(a == -9999.0, np.nan, a)
    got = x.compute()
    assert np.isnan(got).sum() == 5
    assert_matches(got, expected)
    assert_matches(x.nanmean(axis=0).compute(), np.nanmean(expected, axis=0), reduction=True)
    assert x.count().compute() == expected.size - 5
    raw = ca.open(str(path), "t2m", mask_and_scale=False)
    assert raw.dtype == np.float32
    assert_matches(raw.compute(), a)


def test_open_hdf5_packed_and_missing_value(ca, tmp_path):
    raw = np.arange(-50, 70, dtype=np.int16).reshape(8, 15)
    raw[0, 0] = -32767
    raw[3, 3] = 999
    path = tmp_path / "packed.h5"
    with h5py.File(path, "w") as f:
        d = f.create_dataset("p", data=raw, chunks=(3, 4))
        d.attrs["_FillValue"] = np.int16(-32767)
        d.attrs["missing_value"] = np.int16(999)
        d.attrs["scale_factor"] = np.float64(0.5)
        d.attrs["add_offset"] = np.float64(10.0)
    x = ca.open(str(path), "p")
    assert x.dtype == np.float64
    expected = raw * 0.5 + 10.0
    expected[(raw == -32767) | (raw == 999)] = np.nan
    assert_matches(x.compute(), expected)
    r = ca.open(str(path), "p", mask_and_scale=False)
    assert r.dtype == np.int16
    np.testing.assert_array_equal(r.compute(), raw)


def test_open_hdf5_valid_range(ca, tmp_path):
    a = np.linspace(-10, 10, 40).reshape(5, 8)
    path = tmp_path / "vr.h5"
    with h5py.File(path, "w") as f:
        d = f.create_dataset("v", data=a)
        d.attrs["valid_range"] = np.array([-5.0, 5.0])
    expected = np.where((a < -5) | (a > 5), np.nan, a)
    assert_matches(ca.open(str(path), "v").compute(), expected)


# ---------------------------------------------------------------------------------------------
# NetCDF


def write_nc(path, fmt, data, fill_value=None, fill_rows_from=None, attrs=None, chunks=None):
    """A (time, lat, lon) variable "t2m" with an unlimited time dimension, written raw (no
    auto mask/scale). With fill_rows_from, the records from there on hold the fill value
    (`fill_value`, or the netCDF default fill of the type)."""
    data = np.array(data)
    if fill_rows_from is not None:
        fill = fill_value if fill_value is not None else netCDF4.default_fillvals[data.dtype.str[1:]]
        data[fill_rows_from:] = fill
    with netCDF4.Dataset(path, "w", format=fmt) as ds:
        ds.createDimension("time", None)
        ds.createDimension("lat", data.shape[1])
        ds.createDimension("lon", data.shape[2])
        kwargs = {}
        if fmt == "NETCDF4" and chunks:
            kwargs.update(chunksizes=chunks, zlib=True)
        v = ds.createVariable("t2m", data.dtype, ("time", "lat", "lon"), fill_value=fill_value, **kwargs)
        v.set_auto_maskandscale(False)
        for key, value in (attrs or {}).items():
            v.setncattr(key, value)
        v[:] = data
    return path


NC_FORMATS = ["NETCDF4", "NETCDF4_CLASSIC", "NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET", "NETCDF3_64BIT_DATA"]


@pytest.mark.parametrize("fmt", NC_FORMATS)
def test_open_netcdf_fill_value_becomes_nan(ca, tmp_path, fmt):
    a = sample((6, 5, 7), "float32", seed=3)
    a[1, 2, :] = -999.0
    a[5, 4, 6] = -999.0
    path = write_nc(tmp_path / "f.nc", fmt, a, fill_value=np.float32(-999.0), chunks=(2, 5, 4))
    x = ca.open(str(path), "t2m")
    assert x.shape == a.shape
    assert x.dtype == np.float32
    expected = netcdf4_decoded(path, "t2m")
    assert np.isnan(expected).sum() == 8
    assert_matches(x.compute(), expected)
    assert_matches(x.nanmean(axis=0).compute(), np.nanmean(expected, axis=0), reduction=True)
    raw = ca.open(str(path), "t2m", mask_and_scale=False)
    assert_matches(raw.compute(), a)


@pytest.mark.parametrize("fmt", ["NETCDF4", "NETCDF3_CLASSIC"])
def test_open_netcdf_default_fill_is_missing(ca, tmp_path, fmt):
    # No _FillValue attribute: the netCDF default fill for the type is missing (netCDF4-python).
    a = sample((5, 4, 3), "float64", seed=4)
    path = write_nc(tmp_path / "d.nc", fmt, a, fill_rows_from=3)
    expected = netcdf4_decoded(path, "t2m")
    assert np.isnan(expected[3:]).all() and not np.isnan(expected[:3]).any()
    assert_matches(ca.open(str(path), "t2m").compute(), expected)


@pytest.mark.parametrize("fmt", ["NETCDF4", "NETCDF3_64BIT_OFFSET"])
def test_open_netcdf_packed(ca, tmp_path, fmt):
    raw = (np.arange(4 * 6 * 5).reshape(4, 6, 5) - 60).astype(np.int16)
    raw[0, 0, 0] = -32767
    attrs = {"scale_factor": np.float64(0.01), "add_offset": np.float64(273.15)}
    path = write_nc(tmp_path / "p.nc", fmt, raw, fill_value=np.int16(-32767), attrs=attrs)
    x = ca.open(str(path), "t2m")
    assert x.dtype == np.float64
    expected = netcdf4_decoded(path, "t2m")
    assert np.isnan(expected[0, 0, 0])
    assert_matches(x.compute(), expected)


def test_open_netcdf_masked_integers_become_float64(ca, tmp_path):
    raw = np.arange(2 * 3 * 4, dtype=np.int32).reshape(2, 3, 4)
    raw[1, 1, 1] = -1
    path = write_nc(tmp_path / "i.nc", "NETCDF4", raw, fill_value=np.int32(-1))
    x = ca.open(str(path), "t2m")
    assert x.dtype == np.float64
    assert_matches(x.compute(), netcdf4_decoded(path, "t2m"))


@pytest.mark.parametrize("no_fill", [False, True])
@pytest.mark.parametrize("dtype", ["int8", "uint8"])
@pytest.mark.parametrize("fmt", ["NETCDF4", "NETCDF3_CLASSIC", "NETCDF3_64BIT_DATA"])
def test_open_netcdf_bytes_default_fill(ca, tmp_path, fmt, dtype, no_fill):
    # No _FillValue: the default fill of bytes (-127, 255) is missing unless the variable is in
    # no-fill mode, which only NetCDF-4 keeps (netCDF4-python's rule).
    if fmt == "NETCDF3_CLASSIC" and dtype == "uint8":
        pytest.skip("CDF-1 has no ubyte")
    fill = netCDF4.default_fillvals[np.dtype(dtype).str[1:]]
    raw = np.arange(2 * 3 * 4).reshape(2, 3, 4).astype(dtype)
    raw[1, 1, :2] = fill
    path = write_nc(tmp_path / "b.nc", fmt, raw, fill_value=False if no_fill else None)
    expected = netcdf4_decoded(path, "t2m")
    masked = not (no_fill and fmt == "NETCDF4")
    assert np.isnan(expected).sum() == (2 if masked else 0)
    x = ca.open(str(path), "t2m")
    assert x.dtype == (np.float64 if masked else np.dtype(dtype))
    assert_matches(x.compute(), expected, dtype=False)  # netCDF4-python's masked array: float


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32"])
@pytest.mark.parametrize("attrs", [
    {"_FillValue": -2},                         # a fill value of the signed type: 254, 65534, ...
    {},                                         # no fill: the signed default fill masks nothing
    {"valid_max": -3, "missing_value": 7},      # valid_max -3 is the unsigned maximum minus 2
    {"scale_factor": 0.5, "add_offset": 10.0},  # unpacked from the unsigned values
])
@pytest.mark.parametrize("fmt", ["NETCDF4", "NETCDF3_CLASSIC"])
def test_open_netcdf_unsigned_attribute_reads_the_bits_as_unsigned(ca, tmp_path, fmt, dtype, attrs):
    # _Unsigned = "true" on a signed integer variable (how CDF-1 stores unsigned data): its
    # bits are the unsigned type of that width, its attributes too (netCDF4-python, xarray).
    raw = np.array([[-1, 0, 5, -128], [-2, 7, -3, 100]], dtype=dtype)[None]
    raw[0, 1, 3] = netCDF4.default_fillvals[np.dtype(dtype).str[1:]]
    fill = attrs.get("_FillValue")
    extra = {k: (np.array(v, dtype) if k in ("valid_max", "missing_value") else v)
             for k, v in attrs.items() if k != "_FillValue"}
    extra["_Unsigned"] = "true"
    path = write_nc(tmp_path / "u.nc", fmt, raw, fill_value=None if fill is None else np.array(fill, dtype),
                    attrs=extra)
    expected = netcdf4_decoded(path, "t2m")
    assert np.nanmax(expected) > 100  # read as unsigned
    x = ca.open(str(path), "t2m")
    assert_matches(x.compute(), expected, dtype=False)
    if not attrs:
        assert x.dtype == np.dtype(dtype.replace("int", "uint"))
    got = ca.nansum(x).compute() if hasattr(ca, "nansum") else np.nansum(x.compute())
    assert float(got) == pytest.approx(float(np.nansum(expected)), rel=1e-12)


def test_open_glob_of_netcdf_files(ca, tmp_path):
    parts = [sample((n, 4, 5), "float32", seed=n) for n in (2, 3, 4)]
    for i, part in enumerate(parts):
        write_nc(tmp_path / f"t_{i}.nc", "NETCDF4", part, fill_value=np.float32(-999.0), chunks=(1, 4, 5))
    x = ca.open(str(tmp_path / "t_*.nc"), "t2m")
    expected = np.concatenate(parts, axis=0)
    assert x.shape == expected.shape and x.dtype == np.float32
    assert_matches(x.compute(), expected)
    assert_matches(x.mean(axis=0).compute(), expected.mean(axis=0), reduction=True)
    assert_matches(x[1:6].compute(), expected[1:6])


def test_open_glob_concat_along_another_dimension(ca, tmp_path):
    parts = [sample((3, n, 5), "float64", seed=n) for n in (2, 4)]
    for i, part in enumerate(parts):
        write_nc(tmp_path / f"tile_{i}.nc", "NETCDF4", part)
    x = ca.open(str(tmp_path / "tile_*.nc"), "t2m", concat="lat")
    expected = np.concatenate(parts, axis=1)
    assert x.shape == expected.shape
    assert_matches(x.compute(), expected)


def test_open_glob_with_mismatched_files_names_the_file(ca, tmp_path):
    write_nc(tmp_path / "m_0.nc", "NETCDF4", sample((2, 4, 5), "float32"))
    write_nc(tmp_path / "m_1.nc", "NETCDF4", sample((2, 3, 5), "float32"))
    with pytest.raises(ValueError, match="m_1.nc"):
        ca.open(str(tmp_path / "m_*.nc"), "t2m")


def test_open_glob_without_matches_is_os_error(ca, tmp_path):
    with pytest.raises(OSError):
        ca.open(str(tmp_path / "nothing_*.nc"), "t2m")


# ---------------------------------------------------------------------------------------------
# to_hdf5


@pytest.mark.parametrize("dtype", IO_DTYPES)
@pytest.mark.parametrize("name", ["data", "/grp/sub/data"])
def test_to_hdf5_round_trip(ca, tmp_path, dtype, name):
    a = sample((9, 7, 5), dtype, seed=5)
    x = ca.from_array(a, chunks=(4, 3, 5))
    path = tmp_path / "out.h5"
    x.to_hdf5(str(path), name)
    with h5py.File(path, "r") as f:
        stored = f[name][...]
    assert stored.dtype == a.dtype
    np.testing.assert_array_equal(stored, a)
    np.testing.assert_array_equal(ca.open(str(path), name).compute(), a)
    assert sorted(os.listdir(tmp_path)) == ["out.h5"]  # no temporary files left behind


def test_to_hdf5_of_an_expression(ca, tmp_path):
    a = sample((12, 6, 8), "float32", seed=6)
    src = write_h5(tmp_path / "in.h5", "t", a, chunks=(4, 3, 8), compression="gzip")
    x = ca.open(str(src), "t")
    anomaly = x - x.mean(axis=0)
    out = tmp_path / "anomaly.h5"
    anomaly.to_hdf5(str(out), "anomaly")
    with h5py.File(out, "r") as f:
        stored = f["anomaly"][...]
    assert stored.dtype == np.float32
    np.testing.assert_allclose(stored, a - a.mean(axis=0), rtol=1e-5, atol=1e-5)
    y = ca.open(str(out), "anomaly")
    np.testing.assert_allclose(y.mean(axis=0).compute(), np.zeros((6, 8)), atol=1e-5)


def test_pathlib_paths_are_accepted(ca, tmp_path):
    # Not spelled out in the API notes, but what h5py/xarray/dask users pass: os.PathLike.
    a = sample((5, 6), "int32")
    src = write_h5(tmp_path / "p.h5", "v", a)
    x = ca.open(src, "v")
    np.testing.assert_array_equal(x.compute(), a)
    x.to_hdf5(tmp_path / "q.h5", "v")
    with h5py.File(tmp_path / "q.h5", "r") as f:
        np.testing.assert_array_equal(f["v"][...], a)


def test_to_hdf5_into_a_missing_directory_is_os_error(ca, tmp_path):
    x = ca.ones((4, 4), chunks=2)
    target = tmp_path / "no" / "such" / "dir" / "out.h5"
    with pytest.raises(OSError):
        x.to_hdf5(str(target), "data")
    assert not target.exists()
    assert os.listdir(tmp_path) == []


def test_to_hdf5_failing_midway_leaves_no_file(chunkarr_pythonpath, tmp_path):
    # The source file is cut short after open(): reading fails during the write. The error
    # must arrive as an exception (not a crash) and no output file (nor temporary) may remain.
    # Runs in a subprocess so that a crash fails this test only.
    src = tmp_path / "src.h5"
    with h5py.File(src, "w") as f:
        f.create_dataset("v", data=np.arange(400_000, dtype=np.float64).reshape(400, 1000), chunks=(50, 1000))
    outdir = tmp_path / "out"
    outdir.mkdir()
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
            (x * 2).to_hdf5({str(outdir / "out.h5")!r}, "v")
        except Exception as e:
            print("raised", type(e).__name__, isinstance(e, (OSError, ValueError)), flush=True)
        else:
            print("no error", flush=True)
        print("files", sorted(os.listdir({str(outdir)!r})), flush=True)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"child crashed (rc={proc.returncode}): {proc.stderr[-2000:]}"
    assert "raised" in proc.stdout and "True" in proc.stdout, proc.stdout + proc.stderr
    assert "files []" in proc.stdout, proc.stdout


@pytest.mark.parametrize("dtype", ["<f8", ">i4", "<u2"])
def test_parts_of_raw_chunks_read_in_place(ca, tmp_path, dtype):
    """Parts of uncompressed chunks: cut along leading axes (read in runs straight into place),
    along trailing axes (read whole, then copied) and big-endian (swapped), against h5py."""
    a = np.arange(7 * 10 * 9).reshape(7, 10, 9).astype(dtype)
    path = tmp_path / "raw.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("v", data=a, chunks=(3, 4, 9))
    x = ca.open(str(path), "v")
    for index in ((slice(None),), (slice(1, 6), slice(2, 9)), (slice(2, 7), slice(None), slice(3, 8)),
                  (4, slice(1, 3)), (slice(0, 7, 2), slice(5, 10))):
        assert_matches(x[index].compute(), a[index].astype(a.dtype.newbyteorder("=")))
    for chunks in ((2, 3, 9), (5, 10, 4), (7, 1, 9)):
        assert_matches(x.rechunk(chunks).sum(axis=(1, 2)).compute(), a.sum(axis=(1, 2)))


@pytest.mark.parametrize("calendar", ["noleap", "standard"])
def test_to_netcdf_attrs_keep_their_types_and_decode_times(ca, tmp_path, calendar):
    xr = pytest.importorskip("xarray")
    days = np.arange(0, 400, 31.0)
    path = tmp_path / "out.nc"
    ca.to_netcdf(path, {"time": ca.from_array(days), "v": ca.from_array(np.ones((days.size, 2), "f4"), chunks=(5, 1))},
                 dims={"time": ["time"], "v": ["time", "x"]},
                 attrs={"time": {"units": "days since 2000-01-01", "calendar": calendar, "step": np.int16(31),
                                 "range": np.array([0, 400], "f4")}},
                 global_attrs={"history": "made by the test", "version": 3})
    with netCDF4.Dataset(path) as ds:
        time = ds["time"]
        assert time.getncattr("calendar") == calendar
        assert time.getncattr("step").dtype == np.int16 and time.getncattr("step") == 31
        assert time.getncattr("range").dtype == np.float32
        np.testing.assert_array_equal(time.getncattr("range"), [0, 400])
        assert ds["v"].ncattrs() == []
        assert ds.getncattr("history") == "made by the test"
        assert ds.getncattr("version").dtype == np.int64 and ds.getncattr("version") == 3
    expected = xr.decode_cf(xr.Dataset(coords={"time": ("time", days, {"units": "days since 2000-01-01",
                                                                         "calendar": calendar})}))
    with xr.open_dataset(path) as written:
        np.testing.assert_array_equal(written.time.values, expected.time.values)
    with pytest.raises(ValueError, match="attribute bad"):
        ca.to_netcdf(tmp_path / "bad.nc", {"v": ca.from_array(np.ones(2))}, attrs={"v": {"bad": [[1, 2]]}})
    assert not (tmp_path / "bad.nc").exists()
