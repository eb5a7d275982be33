"""Zarr stores decode to exactly what xr.open_zarr gives (issue 17 point 2): its dtype (xarray's
CFMaskCoder promotes masked int8/16 and uint8/16 to float32, wider integers to float64; then
CFScaleOffsetCoder's _choose_float_dtype) and its values bit for bit, since chunkarr unpacks in
that dtype with a rounding after `* scale_factor` and after `+ add_offset`, as xarray does.
And float16 stores (point 1) read as float32, which holds every float16 value exactly; xarray
keeps an unscaled float16 variable float16, so there the values are compared widened.

References are what xarray and zarr-python read from stores written here; nothing is copied
from chunkarr's output."""
import json
import warnings

import numcodecs
import numpy as np
import pytest
import zarr

xr = pytest.importorskip("xarray")

SHAPE, CHUNKS = (23, 17), (5, 4)  # edge chunks on both axes


def stored_values(dtype, seed):
    """Values over the type's range (floats: a normal spread) with a few exact fill candidates."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype).newbyteorder("=")
    if dt.kind in "iu":
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, size=SHAPE, endpoint=True, dtype=dt)
    else:
        a = rng.normal(0, 300, size=SHAPE).astype(dt)
        a[1, 2] = np.nan
    a.flat[::7] = 3  # the fill value of most cases
    a.flat[::11] = 5  # a missing_value in some
    return a


def zarr_store(path, dtype, fill_value, attrs, seed=0, unwritten_rows=0, **kw):
    """A group with variable `v` written by zarr-python; the chunks of the last `unwritten_rows`
    rows are never written (they read as fill_value)."""
    root = zarr.open_group(str(path), mode="w")
    z = root.create_dataset("v", shape=SHAPE, chunks=CHUNKS, dtype=dtype, fill_value=fill_value, **kw)
    data = stored_values(dtype, seed)
    z[: SHAPE[0] - unwritten_rows] = data[: SHAPE[0] - unwritten_rows]
    z.attrs.update(dict(attrs, _ARRAY_DIMENSIONS=["y", "x"]))
    return path


def xarray_reads(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # xarray's "multiple fill values" note
        return xr.open_zarr(str(path), consolidated=False)["v"].values


def assert_same(got, expected):
    """Same dtype and the same values, NaN where NaN: equal floats of one dtype are the same bits
    (but for the sign of zero)."""
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_array_equal(got, expected)


# (stored dtype, zarr fill_value, .zattrs): packed and masked variables as xarray and
# zarr-python users write them.
CASES = {
    "int16-fill-scale-offset": ("<i2", 3, {"scale_factor": 0.5, "add_offset": 1.0}),
    "int16-scale-offset": ("<i2", None, {"scale_factor": 0.01, "add_offset": 273.15}),
    "int16-scale": ("<i2", None, {"scale_factor": 0.1}),
    "int16-fill-only": ("<i2", 3, {}),
    "int16-integer-scale": ("<i2", None, {"scale_factor": 2}),
    "int16-offset-only": ("<i2", None, {"add_offset": 2}),
    "int16-neutral-scale": (">i2", None, {"scale_factor": 1.0}),
    "uint8-fill-scale": ("|u1", 3, {"scale_factor": 0.1}),
    "uint8-scale-offset": ("|u1", None, {"scale_factor": 0.2, "add_offset": -10.0}),
    "int8-fill-missing": ("|i1", 3, {"missing_value": 5}),
    "uint16-fill-scale-offset": ("<u2", 3, {"scale_factor": 0.05, "add_offset": 100.0}),
    "int32-fill-scale": ("<i4", 3, {"scale_factor": 0.1}),
    "int32-scale-offset": (">i4", None, {"scale_factor": 1e-3, "add_offset": 5.0}),
    "int64-fill": ("<i8", 3, {}),
    "uint32-fill-scale-offset": ("<u4", 3, {"scale_factor": 0.25, "add_offset": -1.0}),
    "float32-fill-scale-offset": ("<f4", 3, {"scale_factor": 0.1, "add_offset": 0.3}),
    "float32-nan-offset": ("<f4", "NaN", {"add_offset": 0.1}),
    "float64-fill-scale": ("<f8", 3, {"scale_factor": 0.7}),
    "float16-nan-scale-offset": ("<f2", "NaN", {"scale_factor": 0.1, "add_offset": 2.0}),
    "float16-fill-scale": (">f2", 3, {"scale_factor": 0.5}),
    # xarray: fill_value replaces a _FillValue attribute; the valid range is not applied.
    "int16-fill-beats-attribute": ("<i2", 3, {"_FillValue": 5}),
    "int16-attribute-without-fill": ("<i2", None, {"_FillValue": 5, "missing_value": 3}),
    "int16-valid-range-ignored": ("<i2", None, {"valid_range": [0, 100], "scale_factor": 0.5}),
    "int16-unsigned": ("<i2", -3, {"_Unsigned": "true", "scale_factor": 0.5}),
}


# Unwritten chunks only where fill_value is not null (zarr-python then reads np.empty's bytes).
OPEN_CASES = [(case, rows) for case in CASES for rows in (0, 8) if rows == 0 or CASES[case][1] is not None]


@pytest.mark.parametrize("case,unwritten_rows", OPEN_CASES,
                         ids=[f"{case}-{'missing-chunks' if rows else 'written'}" for case, rows in OPEN_CASES])
def test_open_gives_xarray_dtype_and_values(ca, tmp_path, case, unwritten_rows):
    dtype, fill, attrs = CASES[case]
    fill = np.nan if fill == "NaN" else fill
    store = zarr_store(tmp_path / "s.zarr", dtype, fill, attrs, seed=len(case), unwritten_rows=unwritten_rows,
                       compressor=numcodecs.Blosc("lz4", shuffle=numcodecs.Blosc.SHUFFLE))
    expected = xarray_reads(store)
    got = ca.open(store, "v")
    assert got.dtype == expected.dtype
    assert_same(got.compute(), expected)
    # A slice across chunk edges decodes alike.
    assert_same(got[3:19:3, 2:15].compute(), expected[3:19:3, 2:15])


def test_cases_reach_every_xarray_decoded_dtype(tmp_path):
    # The cases above are not all float64 by accident: xarray gives both float dtypes for them.
    dtypes = set()
    for i, (dtype, fill, attrs) in enumerate(CASES.values()):
        fill = np.nan if fill == "NaN" else fill
        dtypes.add(xarray_reads(zarr_store(tmp_path / f"s{i}.zarr", dtype, fill, attrs)).dtype.name)
    assert dtypes == {"float32", "float64"}


@pytest.mark.parametrize("encoding,values", [
    ({"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0, "_FillValue": -32767}, "t"),
    ({"dtype": "int16", "scale_factor": 0.01, "_FillValue": -32767}, "anomaly"),
    ({"dtype": "uint8", "scale_factor": 0.5, "_FillValue": 255}, "cover"),
    ({"dtype": "int32", "scale_factor": 1e-4, "add_offset": 280.0, "_FillValue": -1}, "t"),
    ({"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0}, "t-no-nan"),
    ({"dtype": "float16"}, "anomaly"),
    ({"dtype": "float32", "_FillValue": -9999.0}, "t"),
], ids=["int16-offset-fill", "int16-scale-fill", "uint8-fill", "int32-offset-fill", "int16-no-fill",
        "float16-nan", "float32-fill"])
def test_open_matches_xarray_on_to_zarr_stores(ca, tmp_path, encoding, values):
    rng = np.random.default_rng(5)
    if values == "cover":
        data = rng.integers(0, 200, size=(9, 7, 6)) * 0.5
    elif values == "anomaly":
        data = rng.normal(0, 3, size=(9, 7, 6))
    else:
        data = rng.normal(280, 10, size=(9, 7, 6))
    if values != "t-no-nan":
        data[0, 0, :] = np.nan
        data[4, 2, 3] = np.nan
    ds = xr.Dataset({"v": (("time", "lat", "lon"), data)})
    ds["v"].encoding = dict(encoding, chunks=(2, 3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # packing without a _FillValue: xarray warns about NaN
        ds.to_zarr(str(tmp_path / "x.zarr"), mode="w")
    expected = xarray_reads(tmp_path / "x.zarr")
    got = ca.open(tmp_path / "x.zarr", "v").compute()
    if expected.dtype == np.float16:
        expected = expected.astype(np.float32)  # chunkarr reads float16 as float32 (exact)
    assert_same(got, expected)
    # Reductions of the decoded values (a float32 mean is float32, as NumPy's).
    x = ca.open(tmp_path / "x.zarr", "v")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all-NaN columns: NumPy warns and gives NaN
        reference = np.nanmean(expected.astype(np.float64), axis=0)
    np.testing.assert_allclose(x.nanmean(axis=0).compute(), reference, rtol=1e-6)


@pytest.mark.parametrize("missing_value", [[16777217, 3], 16777216, [16777217.0, 2.5], [1e300, 2.5], 3.0e38],
                         ids=["int-2^24+1", "int-2^24", "float-2^24+1", "float-1e300", "float-3e38"])
def test_float32_fill_values_numpy_compares_exactly_or_not(ca, tmp_path, missing_value):
    # NumPy 1.x compares an integer scalar with float32 values exactly, a float one in float32
    # (16777217.0 is 16777216 there) unless it is beyond float32's range (then in float64):
    # 2^24 + 1 and 1e300 match nothing, not their float32 rounding.
    root = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    z = root.create_dataset("v", shape=(6,), chunks=(4,), dtype="<f4", fill_value=None)
    z[:] = np.array([16777216, np.inf, 2.5, 1, 3.0e38, -np.inf], dtype=np.float32)
    z.attrs.update({"_ARRAY_DIMENSIONS": ["x"], "missing_value": missing_value})
    expected = xarray_reads(tmp_path / "g.zarr")
    assert_same(ca.open(tmp_path / "g.zarr", "v").compute(), expected)


# ---------------------------------------------------------------- float16

@pytest.mark.parametrize("endian", ["<", ">"])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("compressor", [None, numcodecs.Blosc("zstd", shuffle=numcodecs.Blosc.BITSHUFFLE),
                                        numcodecs.Zlib(level=4)], ids=["none", "blosc-bitshuffle", "zlib"])
def test_every_float16_value_reads_as_its_float32(ca, tmp_path, endian, order, compressor):
    bits = np.arange(1 << 16, dtype=np.uint16)
    halves = bits.view(np.float16).reshape(256, 256)
    z = zarr.open_array(str(tmp_path / "h.zarr"), mode="w", shape=halves.shape, chunks=(60, 70),
                        dtype=np.dtype("f2").newbyteorder(endian), order=order, fill_value=None,
                        compressor=compressor)
    z[...] = halves
    x = ca.from_zarr(tmp_path / "h.zarr")
    assert x.dtype == np.float32 and x.shape == halves.shape
    got = x.compute()
    # NumPy's widening, NaN payloads and the sign of zero included.
    np.testing.assert_array_equal(got.view(np.uint32), halves.astype(np.float32).view(np.uint32))
    np.testing.assert_array_equal(x[17:200:7, 65:71].compute().view(np.uint32),
                                  halves[17:200:7, 65:71].astype(np.float32).view(np.uint32))


def test_float16_fill_value_and_nan(ca, tmp_path):
    z = zarr.open_array(str(tmp_path / "h.zarr"), mode="w", shape=(13, 6), chunks=(4, 4), dtype="<f2",
                        fill_value=-2.5)
    z[:5] = np.arange(30, dtype=np.float16).reshape(5, 6) / 8
    z[1, 1] = np.nan
    z[2, 2] = -2.5
    raw = zarr.open_array(str(tmp_path / "h.zarr"), mode="r")[...]  # unwritten chunks: -2.5
    assert (raw == -2.5).sum() > 40
    np.testing.assert_array_equal(ca.from_zarr(tmp_path / "h.zarr").compute(), raw.astype(np.float32))
    expected = np.where(raw == -2.5, np.nan, raw).astype(np.float32)
    got = ca.open(tmp_path / "h.zarr", "").compute()
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)
    # xarray masks the same values (in float16).
    z.attrs["_ARRAY_DIMENSIONS"] = ["a", "b"]
    root = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    root.create_dataset("v", data=raw, chunks=(4, 4), fill_value=-2.5).attrs["_ARRAY_DIMENSIONS"] = ["a", "b"]
    np.testing.assert_array_equal(xarray_reads(tmp_path / "g.zarr").astype(np.float32), expected)


@pytest.mark.parametrize("missing_value,masked", [(-9999.0, 7), (-9999, 6)], ids=["float", "integer"])
def test_float16_fill_values_compare_as_xarray_does(ca, tmp_path, missing_value, masked):
    # A store that says fill_value 0.1 and missing_value -9999: zarr-python reads the fill as
    # float16(0.1); xarray (NumPy 1.x) compares a float missing_value in float16 (-9999 is then
    # float16's -10000) and an integer one exactly (no float16 is -9999).
    root = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    z = root.create_dataset("v", shape=(9,), chunks=(4,), dtype="<f2", fill_value=0)
    z[:4] = np.array([0.1, -9999, 1.5, 0.2], dtype=np.float16)  # chunks 1 and 2 never written
    z.attrs.update({"_ARRAY_DIMENSIONS": ["x"], "missing_value": missing_value})
    meta = json.loads((tmp_path / "g.zarr" / "v" / ".zarray").read_text())
    meta["fill_value"] = 0.1
    (tmp_path / "g.zarr" / "v" / ".zarray").write_text(json.dumps(meta))
    raw = zarr.open_group(str(tmp_path / "g.zarr"), mode="r")["v"][...]
    assert raw[5] == np.float16(0.1) and raw[1] == np.float16(-9999)
    np.testing.assert_array_equal(ca.from_zarr(tmp_path / "g.zarr", "v").compute(), raw.astype(np.float32))
    expected = xarray_reads(tmp_path / "g.zarr")
    assert np.isnan(expected).sum() == masked  # 0.1, the 5 unwritten values, -9999 or not
    assert_same(ca.open(tmp_path / "g.zarr", "v").compute(), expected.astype(np.float32))


def test_float16_cannot_be_written(ca, tmp_path):
    with pytest.raises(TypeError, match="float16"):
        ca.from_array(np.zeros(3, np.float16))
    with pytest.raises(TypeError, match="float16"):
        ca.to_zarr(np.zeros(3, np.float16), tmp_path / "h.zarr")
    assert not (tmp_path / "h.zarr").exists()


@pytest.mark.parametrize("dtype,fill_value", [("<f2", 1e20), ("<f2", 70000.0), ("<f4", 1e39), ("<f4", -1e39)])
def test_fill_value_beyond_the_dtype_is_infinite_as_zarr_reads_it(ca, tmp_path, dtype, fill_value):
    """zarr-python casts fill_value to the dtype (beyond its range: inf), so unwritten chunks hold
    inf and xarray masks them; chunkarr too (the .zarray's number as written would mask nothing)."""
    path = zarr_store(tmp_path / "s.zarr", dtype, 0, {}, unwritten_rows=8)
    meta = json.loads((path / "v" / ".zarray").read_text())
    meta["fill_value"] = fill_value
    (path / "v" / ".zarray").write_text(json.dumps(meta))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # NumPy's "overflow encountered in cast" in zarr-python
        raw = zarr.open_group(str(path), mode="r")["v"][...]
        expected = xarray_reads(path)
    assert np.isinf(raw[-1]).all() and np.isnan(expected[-1]).all()
    # float16 reads widened to float32 (exact), where xarray keeps float16
    assert_same(ca.open(path, "v").compute(), expected.astype(np.float32))


@pytest.mark.parametrize("flag", ["true", "True"])
def test_unsigned_flag_as_xarray_reads_it(ca, tmp_path, flag):
    """xarray makes int16 data unsigned for _Unsigned "true" only (netCDF4-python takes "True" too)."""
    root = zarr.open_group(str(tmp_path / "u.zarr"), mode="w")
    z = root.create_dataset("v", data=np.array([-1, 2, 3, -32768], dtype=np.int16), chunks=3, fill_value=None)
    z.attrs.update({"_ARRAY_DIMENSIONS": ["x"], "_Unsigned": flag})
    assert_same(ca.open(tmp_path / "u.zarr", "v").compute(), xarray_reads(tmp_path / "u.zarr"))
