"""`chunkarr stats` against NumPy on files written here with h5py.

Pins /work/notes/cli_contract.md: masking on the raw stored values (NaN, _FillValue,
missing_value, valid_min/valid_max/valid_range), then scale_factor/add_offset unpacking;
float64 accumulation; population std; exact JSON integers for integer/bool data without
packing; null when count == 0.

The reference is always computed from what h5py reads back (so lossy filters such as
scaleoffset are compared against the stored values, not the values we meant to write).
"""
import csv
import io
import json
import re
import os
import warnings

import h5py
import numpy as np
import pytest

RTOL64 = 1e-12
RTOL32 = 1e-6
KEYS = {"file", "variable", "shape", "dtype", "count", "missing",
        "min", "max", "mean", "std", "sum"}
CSV_HEADER = ["file", "variable", "shape", "dtype", "count", "missing",
              "min", "max", "mean", "std", "sum"]

INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
ALL_DTYPES = ["bool"] + INT_DTYPES + ["float32", "float64"]


# --------------------------------------------------------------------------- reference

def is_packed(attrs):
    return "scale_factor" in attrs or "add_offset" in attrs


def missing_mask(raw, attrs):
    """Missing-value mask on the raw stored values, as the contract (and netCDF4-python) does."""
    raw = np.asarray(raw)
    mask = np.zeros(raw.shape, dtype=bool)
    if raw.dtype.kind == "f":
        mask |= np.isnan(raw)
    if "_FillValue" in attrs:
        mask |= raw == np.asarray(attrs["_FillValue"]).astype(raw.dtype)
    if "missing_value" in attrs:
        for mv in np.atleast_1d(np.asarray(attrs["missing_value"])).astype(raw.dtype):
            mask |= raw == mv
    if "valid_range" in attrs:
        lo, hi = np.asarray(attrs["valid_range"]).astype(raw.dtype)
        mask |= (raw < lo) | (raw > hi)
    if "valid_min" in attrs:
        mask |= raw < np.asarray(attrs["valid_min"]).astype(raw.dtype)
    if "valid_max" in attrs:
        mask |= raw > np.asarray(attrs["valid_max"]).astype(raw.dtype)
    return mask


def unpack(raw, attrs):
    """Unpacked float64 values (value*scale + offset) when packed, else the raw values."""
    if not is_packed(attrs):
        return np.asarray(raw)
    scale = float(np.asarray(attrs.get("scale_factor", 1.0)))
    offset = float(np.asarray(attrs.get("add_offset", 0.0)))
    return np.asarray(raw).astype(np.float64) * scale + offset


def ref_stats(raw, attrs=None, ddof=0):
    attrs = dict(attrs or {})
    raw = np.asarray(raw)
    mask = missing_mask(raw, attrs)
    good = unpack(raw[~mask], attrs)
    exact_int = raw.dtype.kind in "biu" and not is_packed(attrs)
    r = {"count": int(good.size), "missing": int(mask.sum()), "exact_int": exact_int}
    if good.size == 0:
        r.update(min=None, max=None, mean=None, std=None, sum=None, absmax=0.0, abssum=0.0)
        return r
    f = good.astype(np.float64)
    if exact_int:
        r["min"] = int(good.min())
        r["max"] = int(good.max())
        r["sum"] = sum(int(v) for v in good.ravel().tolist())
    else:
        r["min"] = float(f.min())
        r["max"] = float(f.max())
        r["sum"] = float(f.sum())
    r["mean"] = float(f.mean())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r["std"] = float(f.std(ddof=ddof))
    r["absmax"] = float(np.abs(f).max())
    r["abssum"] = float(np.abs(f).sum())
    return r


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _close(got, exp, rtol, scale, what):
    assert _is_number(got), f"{what}: expected a number, got {got!r}"
    tol = rtol * max(abs(exp), scale)
    assert abs(got - exp) <= tol, f"{what}: got {got!r}, numpy {exp!r} (tol {tol:g})"


def check_record(rec, raw, attrs=None, *, variable, file=None, dtype=None, rtol=None,
                 ddof=0, exact_minmax=None):
    """Compare one JSON stats record with the NumPy reference."""
    attrs = dict(attrs or {})
    raw = np.asarray(raw)
    assert set(rec) == KEYS, f"JSON keys {sorted(rec)} != {sorted(KEYS)}"
    assert rec["variable"] == variable
    if file is not None:
        assert rec["file"] == str(file)
    assert rec["shape"] == list(raw.shape)
    assert rec["dtype"] == (dtype or raw.dtype.newbyteorder("=").name)
    exp = ref_stats(raw, attrs, ddof=ddof)
    if rtol is None:
        rtol = RTOL32 if raw.dtype == np.float32 else RTOL64
    if exact_minmax is None:
        exact_minmax = not is_packed(attrs)
    for k in ("count", "missing"):
        assert type(rec[k]) is int, f"{k} must be a JSON integer, got {rec[k]!r}"
        assert rec[k] == exp[k], f"{k}: got {rec[k]}, numpy {exp[k]}"
    if exp["count"] == 0:
        for k in ("min", "max", "mean", "std", "sum"):
            assert rec[k] is None, f"{k} must be null when count == 0, got {rec[k]!r}"
        return exp
    if exp["exact_int"]:
        for k in ("min", "max", "sum"):
            assert type(rec[k]) is int, f"{k} must be an exact JSON integer, got {rec[k]!r}"
            assert rec[k] == exp[k], f"{k}: got {rec[k]}, exact {exp[k]}"
    else:
        for k in ("min", "max"):
            if exact_minmax:
                assert _is_number(rec[k]) and float(rec[k]) == exp[k], \
                    f"{k}: got {rec[k]!r}, numpy {exp[k]!r} (must round-trip exactly)"
            else:
                _close(rec[k], exp[k], rtol, exp["absmax"], k)
        _close(rec["sum"], exp["sum"], rtol, exp["abssum"], "sum")
    _close(rec["mean"], exp["mean"], rtol, exp["absmax"], "mean")
    _close(rec["std"], exp["std"], rtol, exp["absmax"], "std")
    return exp


# --------------------------------------------------------------------------- writers

def write_ds(path, name, data=None, attrs=None, layout=None, **kw):
    """Create dataset `name` in `path` (append mode); return (raw read back, attrs)."""
    attrs = dict(attrs or {})
    with h5py.File(path, "a") as f:
        if layout == "compact":
            data = np.asarray(data)
            tid = h5py.h5t.py_create(data.dtype, logical=True)
            space = h5py.h5s.create_simple(data.shape) if data.shape else h5py.h5s.create(h5py.h5s.SCALAR)
            dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dcpl.set_layout(h5py.h5d.COMPACT)
            parent, _, leaf = name.rpartition("/")
            grp = f.require_group(parent) if parent else f
            h5py.h5d.create(grp.id, leaf.encode(), tid, space, dcpl=dcpl)
            ds = f[name]
            ds[...] = data
        else:
            ds = f.create_dataset(name, data=data, **kw)
        if layout is not None and layout != "compact":
            assert ds.id.get_create_plist().get_layout() == {
                "contiguous": h5py.h5d.CONTIGUOUS, "chunked": h5py.h5d.CHUNKED}[layout]
        for k, v in attrs.items():
            ds.attrs[k] = v
    # read back after closing: the chunk cache holds the data as written, before lossy
    # filters (scaleoffset) were applied
    with h5py.File(path, "r") as f:
        raw = f[name][()]
    return np.asarray(raw), attrs


def sample_values(dtype, shape, seed=0):
    """Values spanning the type's range (ints include the extremes where sums still fit)."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.random(shape) < 0.3
    if dt.kind in "iu":
        info = np.iinfo(dt)
        if dt.itemsize < 8:
            a = rng.integers(int(info.min), int(info.max), size=shape, endpoint=True).astype(dt)
            a.flat[0] = info.min
            a.flat[-1] = info.max
            return a
        # 64-bit: small values plus one or two near the limits, chosen so that no partial
        # sum can overflow (|small| <= 1000, fewer than 10**4 of them).
        lo = -1000 if dt.kind == "i" else 0
        a = rng.integers(lo, 1000, size=shape, endpoint=True).astype(dt)
        a.flat[a.size // 3] = info.max - 10**7
        if dt.kind == "i":
            a.flat[2 * a.size // 3] = info.min + 10**7
        return a
    a = rng.normal(-20.0, 1e3, size=shape).astype(dt)
    a.flat[5] = -(10.0 ** (37 if dt == np.float32 else 150))
    a.flat[-5] = 10.0 ** (37 if dt == np.float32 else 150)
    a.flat[7] = np.finfo(dt).tiny
    return a


@pytest.fixture
def h5(tmp_path):
    return tmp_path / "data.h5"


# --------------------------------------------------------------------------- dtypes / layouts

@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_every_dtype_chunked_partial_edges(h5, stats_json, dtype):
    data = sample_values(dtype, (37, 53))
    raw, _ = write_ds(h5, "x", data, chunks=(8, 10))
    [rec] = stats_json(f"{h5}:/x")
    check_record(rec, raw, variable="/x", file=h5, dtype=dtype)


@pytest.mark.parametrize("dtype", [">f8", ">f4", ">i2", ">i4", ">i8", ">u2", ">u4", ">u8"])
def test_big_endian_storage(h5, stats_json, dtype):
    data = sample_values(np.dtype(dtype).newbyteorder("="), (37, 53), seed=3).astype(dtype)
    raw, _ = write_ds(h5, "be", data, chunks=(8, 10))
    with h5py.File(h5, "r") as f:
        assert f["be"].dtype.byteorder == ">", "h5py did not store big-endian"
    [rec] = stats_json(f"{h5}:/be")
    check_record(rec, raw, variable="/be", dtype=np.dtype(dtype).newbyteorder("=").name)


@pytest.mark.parametrize("layout", ["contiguous", "compact", "chunked"])
@pytest.mark.parametrize("dtype", ["float64", "int32", "uint16"])
def test_layouts(h5, stats_json, layout, dtype):
    data = sample_values(dtype, (23, 17), seed=5)
    kw = {"chunks": (5, 4)} if layout == "chunked" else {}
    raw, _ = write_ds(h5, "x", data, layout=layout, **kw)
    [rec] = stats_json(f"{h5}:/x")
    check_record(rec, raw, variable="/x")


def test_float_extremes_and_subnormals(h5, stats_json):
    # |x| <= 1e150 so that squares (std) cannot overflow
    data = np.array([1e-300, -1.2345678901234567e150, 9.876543210987654e149,
                     5e-324, -5e-324, 0.0, -0.0, 1.0], dtype="f8")
    raw, _ = write_ds(h5, "x", data)
    [rec] = stats_json(f"{h5}:x")
    check_record(rec, raw, variable="/x")
    assert rec["min"] == -1.2345678901234567e150
    assert rec["max"] == 9.876543210987654e149
    assert rec["count"] == 8


@pytest.mark.parametrize("attr", ["_FillValue", "missing_value", "valid_min", "valid_max",
                                  "valid_range"])
@pytest.mark.parametrize("dtype", ["int64", "uint64"])
def test_64bit_ints_stay_exact_with_missing_value_attrs(h5, stats_json, dtype, attr):
    # masking must not route integer min/max/sum through float64
    data = sample_values(dtype, (37, 53), seed=15)
    info = np.iinfo(dtype)
    mark = np.array(999_999 if dtype == "uint64" else -999_999, dtype=dtype)
    data[5, 5:9] = mark
    attrs = {
        "_FillValue": mark,
        "missing_value": np.array([mark, mark], dtype=dtype),
        "valid_min": np.array(info.min + 10**7 if dtype == "int64" else 0, dtype=dtype),
        "valid_max": np.array(info.max - 10**7, dtype=dtype),
        "valid_range": np.array([info.min + 10**7 if dtype == "int64" else 0,
                                 info.max - 10**7], dtype=dtype),
    }
    raw, attrs = write_ds(h5, "x", data, chunks=(8, 10), attrs={attr: attrs[attr]})
    [rec] = stats_json(f"{h5}:/x")
    check_record(rec, raw, attrs, variable="/x")


# --------------------------------------------------------------------------- filters

FILTERS = {
    "gzip+shuffle": dict(compression="gzip", compression_opts=4, shuffle=True),
    "gzip9": dict(compression="gzip", compression_opts=9),
    "fletcher32": dict(fletcher32=True),
    "shuffle+gzip+fletcher32": dict(compression="gzip", shuffle=True, fletcher32=True),
    "scaleoffset-int": dict(scaleoffset=0),
    "scaleoffset-float": dict(scaleoffset=2),
}


@pytest.mark.parametrize("filt", list(FILTERS))
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint16", "int64"])
def test_filters(h5, stats_json, filt, dtype):
    if filt == "scaleoffset-int" and np.dtype(dtype).kind == "f":
        pytest.skip("integer scaleoffset applies to integer data")
    if filt == "scaleoffset-float" and np.dtype(dtype).kind != "f":
        pytest.skip("float scaleoffset applies to float data")
    rng = np.random.default_rng(11)
    if np.dtype(dtype).kind == "f":
        data = (280 + 20 * np.sin(np.arange(41 * 59) / 50.0).reshape(41, 59)
                + rng.normal(0, 1, (41, 59))).astype(dtype)
    else:
        data = sample_values(dtype, (41, 59), seed=12)
    raw, _ = write_ds(h5, "x", data, chunks=(16, 16), **FILTERS[filt])
    with h5py.File(h5, "r") as f:
        assert f["x"].id.get_create_plist().get_nfilters() >= 1
    [rec] = stats_json(f"{h5}:/x")
    check_record(rec, raw, variable="/x")


# --------------------------------------------------------------------------- missing values

def test_nan_some(h5, stats_json):
    data = sample_values("float64", (37, 53), seed=2)
    data[::7, ::3] = np.nan
    raw, _ = write_ds(h5, "x", data, chunks=(8, 10), compression="gzip")
    [rec] = stats_json(f"{h5}:/x")
    exp = check_record(rec, raw, variable="/x")
    assert exp["missing"] > 0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_nan_all(h5, stats_json, dtype):
    raw, _ = write_ds(h5, "x", np.full((9, 11), np.nan, dtype), chunks=(4, 4))
    [rec] = stats_json(f"{h5}:/x")
    check_record(rec, raw, variable="/x")
    assert rec["count"] == 0 and rec["missing"] == 99


@pytest.mark.parametrize("dtype,fill", [("float64", -9999.0), ("float32", 1e20),
                                        ("int16", -32767), ("uint8", 255), ("int64", -1)])
def test_fillvalue_attr(h5, stats_json, dtype, fill):
    data = sample_values(dtype, (37, 53), seed=4)
    data[3:9, 10:30] = fill
    raw, attrs = write_ds(h5, "x", data, chunks=(8, 10),
                          attrs={"_FillValue": np.array(fill, dtype=dtype)})
    [rec] = stats_json(f"{h5}:/x")
    exp = check_record(rec, raw, attrs, variable="/x")
    assert exp["missing"] >= 120


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_missing_value_scalar(h5, stats_json, dtype):
    data = sample_values(dtype, (37, 53), seed=6)
    data[0, :] = -999
    raw, attrs = write_ds(h5, "x", data, chunks=(8, 10),
                          attrs={"missing_value": np.array(-999, dtype=dtype)})
    [rec] = stats_json(f"{h5}:/x")
    exp = check_record(rec, raw, attrs, variable="/x")
    assert exp["missing"] >= 53


@pytest.mark.parametrize("dtype", ["float64", "int16"])
def test_missing_value_array(h5, stats_json, dtype):
    data = sample_values(dtype, (37, 53), seed=7)
    data[1, :] = -999
    data[:, 2] = -888
    raw, attrs = write_ds(h5, "x", data, chunks=(8, 10),
                          attrs={"missing_value": np.array([-999, -888], dtype=dtype)})
    [rec] = stats_json(f"{h5}:/x")
    exp = check_record(rec, raw, attrs, variable="/x")
    assert exp["missing"] >= 53 + 36


def test_fillvalue_and_missing_value_together(h5, stats_json):
    data = sample_values("float32", (37, 53), seed=8)
    data[4, :] = -1.0e30
    data[5, :] = 9.96921e36
    data[6, 6] = np.nan
    raw, attrs = write_ds(h5, "x", data, chunks=(8, 10),
                          attrs={"_FillValue": np.float32(9.96921e36),
                                 "missing_value": np.float32(-1.0e30)})
    [rec] = stats_json(f"{h5}:/x")
    exp = check_record(rec, raw, attrs, variable="/x")
    assert exp["missing"] == 53 * 2 + 1


@pytest.mark.parametrize("which", ["valid_min", "valid_max", "valid_min+valid_max", "valid_range"])
@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_valid_limits(h5, stats_json, which, dtype):
    rng = np.random.default_rng(9)
    data = rng.integers(-100, 100, size=(37, 53)).astype(dtype)
    attrs = {}
    if "valid_min" in which:
        attrs["valid_min"] = np.array(-50, dtype=dtype)
    if "valid_max" in which:
        attrs["valid_max"] = np.array(60, dtype=dtype)
    if which == "valid_range":
        attrs["valid_range"] = np.array([-50, 60], dtype=dtype)
    raw, attrs = write_ds(h5, "x", data, chunks=(8, 10), attrs=attrs)
    [rec] = stats_json(f"{h5}:/x")
    exp = check_record(rec, raw, attrs, variable="/x")
    assert exp["missing"] > 0
    if "valid_min" in which or which == "valid_range":
        assert rec["min"] >= -50
    if "valid_max" in which or which == "valid_range":
        assert rec["max"] <= 60


# --------------------------------------------------------------------------- packed data

def _packed_raw(seed=10):
    rng = np.random.default_rng(seed)
    phys = 273.15 + 25 * np.sin(np.linspace(0, 6, 37 * 53)).reshape(37, 53) + rng.normal(0, 2, (37, 53))
    raw = np.round((phys - 273.15) / 0.01).astype("i2")
    raw[10:12, :] = -32767
    return raw


def test_packed_int16_float64_attrs(h5, stats_json):
    attrs = {"scale_factor": np.float64(0.01), "add_offset": np.float64(273.15),
             "_FillValue": np.int16(-32767)}
    raw, attrs = write_ds(h5, "t", _packed_raw(), chunks=(8, 10), compression="gzip",
                          shuffle=True, attrs=attrs)
    [rec] = stats_json(f"{h5}:/t")
    exp = check_record(rec, raw, attrs, variable="/t", dtype="int16")
    assert exp["missing"] == 2 * 53
    assert 200 < rec["min"] < rec["mean"] < rec["max"] < 350
    assert not exp["exact_int"]


def test_packed_int16_float32_attrs(h5, stats_json):
    attrs = {"scale_factor": np.float32(0.01), "add_offset": np.float32(273.15),
             "_FillValue": np.int16(-32767)}
    raw, attrs = write_ds(h5, "t", _packed_raw(1), chunks=(8, 10), attrs=attrs)
    [rec] = stats_json(f"{h5}:/t")
    check_record(rec, raw, attrs, variable="/t", dtype="int16", rtol=RTOL32)


def test_packed_scale_only_and_offset_only(h5, stats_json):
    raw1, a1 = write_ds(h5, "s", _packed_raw(2), attrs={"scale_factor": np.float64(0.5)})
    raw2, a2 = write_ds(h5, "o", _packed_raw(3), attrs={"add_offset": np.float64(-10.25)})
    recs = stats_json(str(h5))
    assert [r["variable"] for r in recs] == ["/o", "/s"]
    check_record(recs[0], raw2, a2, variable="/o")
    check_record(recs[1], raw1, a1, variable="/s")
    assert not isinstance(recs[1]["sum"], bool)


def test_packed_negative_scale_swaps_extremes_and_axis_stats(h5, stats_json, run_cli, tmp_path):
    # Packed integers unpacked to float64 are reduced as stored and the results unpacked: a
    # negative scale makes the stored maximum the unpacked minimum.
    attrs = {"scale_factor": np.float64(-0.02), "add_offset": np.float64(5.5), "_FillValue": np.int16(-32767)}
    raw, attrs = write_ds(h5, "t", _packed_raw(5), chunks=(7, 9), compression="gzip", attrs=attrs)
    [rec] = stats_json(f"{h5}:/t")
    check_record(rec, raw, attrs, variable="/t", dtype="int16")
    values = np.where(raw == -32767, np.nan, raw * -0.02 + 5.5)
    assert rec["min"] == np.nanmin(values) and rec["max"] == np.nanmax(values)
    out = tmp_path / "per_column.nc"
    rc, _, err = run_cli("stats", f"{h5}:/t", "--axis", "0", "--stats", "min,max,mean,std,sum", "-o", out)
    assert rc == 0, err
    import netCDF4
    with netCDF4.Dataset(out) as f:
        t = f["t"]
        np.testing.assert_array_equal(t["min"][:], np.nanmin(values, axis=0))
        np.testing.assert_array_equal(t["max"][:], np.nanmax(values, axis=0))
        np.testing.assert_allclose(t["mean"][:], np.nanmean(values, axis=0), rtol=1e-12)
        np.testing.assert_allclose(t["std"][:], np.nanstd(values, axis=0), rtol=1e-10)
        np.testing.assert_allclose(t["sum"][:], np.nansum(values, axis=0), rtol=1e-12)


def test_packed_valid_range_applies_to_raw_values(h5, stats_json):
    # valid_range is in packed (raw) units: masking happens before unpacking.
    attrs = {"scale_factor": np.float64(0.01), "add_offset": np.float64(273.15),
             "_FillValue": np.int16(-32767), "valid_range": np.array([-1000, 1500], "i2")}
    raw, attrs = write_ds(h5, "t", _packed_raw(4), chunks=(8, 10), attrs=attrs)
    [rec] = stats_json(f"{h5}:/t")
    exp = check_record(rec, raw, attrs, variable="/t", dtype="int16")
    assert exp["missing"] > 2 * 53
    assert rec["min"] >= 273.15 - 10.0 - 1e-9
    assert rec["max"] <= 273.15 + 15.0 + 1e-9


# --------------------------------------------------------------------------- unallocated chunks

def _partially_written(h5, dtype, fillvalue, attrs=None, **kw):
    data = sample_values(dtype, (37, 53), seed=13)
    with h5py.File(h5, "a") as f:
        ds = f.create_dataset("u", shape=(37, 53), chunks=(8, 10), dtype=dtype,
                              fillvalue=fillvalue, **kw)
        ds[0:8, 0:10] = data[0:8, 0:10]
        ds[16:24, 20:30] = data[16:24, 20:30]
        ds[32:37, 50:53] = data[32:37, 50:53]       # partial edge chunk
        for k, v in (attrs or {}).items():
            ds.attrs[k] = v
        assert ds.id.get_num_chunks() == 3, "expected most chunks unallocated"
    with h5py.File(h5, "r") as f:
        raw = f["u"][()]
    return raw


@pytest.mark.parametrize("kw", [{}, {"compression": "gzip", "shuffle": True}], ids=["plain", "gzip"])
def test_unallocated_chunks_read_as_fill_value(h5, stats_json, kw):
    raw = _partially_written(h5, "int32", -7, **kw)
    [rec] = stats_json(f"{h5}:/u")
    exp = check_record(rec, raw, variable="/u")
    assert exp["count"] == 37 * 53 and exp["missing"] == 0
    assert rec["min"] <= -7


def test_unallocated_chunks_fill_equal_to_FillValue_attr_are_missing(h5, stats_json):
    raw = _partially_written(h5, "int32", -7, attrs={"_FillValue": np.int32(-7)})
    [rec] = stats_json(f"{h5}:/u")
    exp = check_record(rec, raw, {"_FillValue": np.int32(-7)}, variable="/u")
    assert exp["count"] == 8 * 10 * 2 + 5 * 3
    assert exp["missing"] == 37 * 53 - exp["count"]


def test_unallocated_chunks_nan_fill(h5, stats_json):
    raw = _partially_written(h5, "float64", np.nan, compression="gzip")
    [rec] = stats_json(f"{h5}:/u")
    exp = check_record(rec, raw, variable="/u")
    assert exp["count"] == 8 * 10 * 2 + 5 * 3


def test_no_chunks_allocated_at_all(h5, stats_json):
    with h5py.File(h5, "a") as f:
        f.create_dataset("u", shape=(20, 20), chunks=(8, 8), dtype="f4", fillvalue=1.5)
    [rec] = stats_json(f"{h5}:/u")
    check_record(rec, np.full((20, 20), 1.5, "f4"), variable="/u")
    assert rec["min"] == rec["max"] == 1.5 and rec["std"] == 0


# --------------------------------------------------------------------------- shapes

@pytest.mark.parametrize("dtype", ["float64", "int32", "bool"])
def test_zero_d(h5, stats_json, dtype):
    raw, _ = write_ds(h5, "s", np.array(-3, dtype=dtype) if dtype != "bool" else np.bool_(True))
    [rec] = stats_json(f"{h5}:/s")
    check_record(rec, raw, variable="/s")
    assert rec["shape"] == [] and rec["count"] == 1 and rec["std"] == 0


def test_zero_d_missing(h5, stats_json):
    raw, attrs = write_ds(h5, "s", np.float64(-9999.0), attrs={"_FillValue": np.float64(-9999.0)})
    [rec] = stats_json(f"{h5}:/s")
    check_record(rec, raw, attrs, variable="/s")
    assert rec["count"] == 0 and rec["missing"] == 1


@pytest.mark.parametrize("shape,kw", [((0,), {}), ((3, 0), {}),
                                      ((0,), {"chunks": (4,), "maxshape": (None,)}),
                                      ((0, 5), {"chunks": (2, 5), "maxshape": (None, 5)})],
                         ids=["0", "3x0", "0-chunked", "0x5-chunked"])
@pytest.mark.parametrize("dtype", ["float64", "int16"])
def test_empty(h5, stats_json, shape, kw, dtype):
    raw, _ = write_ds(h5, "e", shape=shape, dtype=dtype, **kw)
    [rec] = stats_json(f"{h5}:/e")
    check_record(rec, raw, variable="/e")
    assert rec["count"] == 0 and rec["missing"] == 0 and rec["min"] is None


# --------------------------------------------------------------------------- paths / whole file

@pytest.mark.parametrize("spec", ["/grp/sub/x", "grp/sub/x"])
def test_nested_group_path(h5, stats_json, spec):
    raw, _ = write_ds(h5, "grp/sub/x", sample_values("float32", (10, 12)), chunks=(3, 5))
    write_ds(h5, "grp/other", np.arange(5.0))
    [rec] = stats_json(f"{h5}:{spec}")
    check_record(rec, raw, variable="/grp/sub/x", file=h5)


def _whole_file(h5):
    refs = {}
    refs["/a"] = write_ds(h5, "a", np.where(np.arange(10) % 3 == 0, np.nan, np.arange(10.0)))
    refs["/zeta"] = write_ds(h5, "zeta", np.array([True, False, True, True, False, False]))
    refs["/grp/sub/x"] = write_ds(h5, "grp/sub/x", sample_values("int16", (4, 5)), chunks=(2, 2))
    refs["/grp/y"] = write_ds(h5, "grp/y", np.array([1, 2, 250], "u1"), attrs={"_FillValue": np.uint8(250)})
    refs["/grp2/v"] = write_ds(h5, "grp2/v", _packed_raw(5),
                               attrs={"scale_factor": 0.01, "add_offset": 273.15,
                                      "_FillValue": np.int16(-32767)})
    refs["/scalar"] = write_ds(h5, "scalar", np.float32(2.5))
    refs["/empty"] = write_ds(h5, "empty", shape=(0,), dtype="f8")
    with h5py.File(h5, "a") as f:
        f.create_dataset("strings", data=np.array(["a", "bb", "ccc"], dtype=object),
                         dtype=h5py.string_dtype())
        f.create_dataset("fixed_str", data=np.array([b"ab", b"cd"], dtype="S2"))
        f.create_dataset("cmpd", data=np.zeros(4, dtype=[("a", "i4"), ("b", "f8")]))
        f.create_group("grp/emptygroup")
        f.create_dataset("grp/sub/strs", data=np.array(["x"], dtype=object), dtype=h5py.string_dtype())
    return refs


def test_whole_file_mode(h5, stats_json):
    refs = _whole_file(h5)
    recs = stats_json(str(h5))
    got = [r["variable"] for r in recs]
    assert got == sorted(refs), f"whole-file datasets/order: {got}"
    for rec in recs:
        raw, attrs = refs[rec["variable"]]
        check_record(rec, raw, attrs, variable=rec["variable"], file=h5)


def test_file_name_containing_colon(tmp_path, stats_json):
    h5 = tmp_path / "odd:name.h5"
    raw, _ = write_ds(h5, "x", np.arange(12.0).reshape(3, 4))
    write_ds(h5, "y", np.arange(3, dtype="i4"))
    recs = stats_json(str(h5))                    # whole argument is an existing file
    assert [r["variable"] for r in recs] == ["/x", "/y"]
    assert recs[0]["file"] == str(h5)
    [rec] = stats_json(f"{h5}:/x")                # split at the last ':'
    check_record(rec, raw, variable="/x", file=h5)
    [rec] = stats_json(f"{h5}:x")
    check_record(rec, raw, variable="/x", file=h5)


# --------------------------------------------------------------------------- options

def test_ddof(h5, stats_json):
    data = sample_values("float64", (37, 53), seed=14)
    raw, _ = write_ds(h5, "x", data, chunks=(8, 10))
    [rec] = stats_json(f"{h5}:/x", "--ddof", "1")
    check_record(rec, raw, variable="/x", ddof=1)
    [rec0] = stats_json(f"{h5}:/x", "--ddof", "0")
    check_record(rec0, raw, variable="/x", ddof=0)
    assert rec["std"] > rec0["std"]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """~20 MB float64, 256 KiB chunks, some NaN, a _FillValue; plus an int dataset."""
    p = tmp_path_factory.mktemp("big") / "big.h5"
    rng = np.random.default_rng(42)
    with h5py.File(p, "w") as f:
        ds = f.create_dataset("t", shape=(20, 512, 256), chunks=(1, 128, 256), dtype="f8",
                              fillvalue=-9999.0)
        ds.attrs["_FillValue"] = -9999.0
        for i in range(20):
            a = 250 + 40 * rng.random((512, 256)) + 1e-3 * rng.standard_normal((512, 256))
            a[rng.random((512, 256)) < 0.01] = np.nan
            a[:3, i:i + 5] = -9999.0
            ds[i] = a
        f.create_dataset("n", data=rng.integers(-2**40, 2**40, size=(300, 1000)), chunks=(37, 101),
                         compression="gzip", shuffle=True)
    with h5py.File(p, "r") as f:
        refs = {"/t": (f["t"][()], {"_FillValue": -9999.0}), "/n": (f["n"][()], {})}
    return p, refs


def test_threads_bit_identical(big_file, run_cli):
    p, _ = big_file
    outs = {}
    for t in ("1", "2", "3", None):
        args = ["stats", str(p), "--format", "json"] + (["--threads", t] if t else [])
        rc, out, err = run_cli(*args)
        assert rc == 0, err
        outs[t] = out
    assert outs["1"] == outs["2"], "--threads 1 and --threads 2 differ"
    assert outs["1"] == outs["3"], "--threads 1 and --threads 3 differ"
    assert outs["1"] == outs[None], "--threads 1 and default threads differ"


def test_big_file_against_numpy(big_file, stats_json):
    p, refs = big_file
    recs = stats_json(str(p), "--threads", "2")
    assert [r["variable"] for r in recs] == ["/n", "/t"]
    for rec in recs:
        raw, attrs = refs[rec["variable"]]
        check_record(rec, raw, attrs, variable=rec["variable"], file=p)


def test_memory_limit_small_still_correct(big_file, stats_json):
    p, refs = big_file
    assert p.stat().st_size > 19e6
    [rec] = stats_json(f"{p}:/t", "--memory-limit", "1MB", "--threads", "2")
    raw, attrs = refs["/t"]
    check_record(rec, raw, attrs, variable="/t")


def test_memory_limit_result_matches_unlimited(big_file, run_cli):
    # A budget this small makes the executor split tasks, which changes the summation tree:
    # counts and extrema stay exact, sums and moments agree to rounding. (Bit-identical results
    # are promised across thread counts, see test_threads_bit_identical.)
    p, _ = big_file
    rc1, out1, err1 = run_cli("stats", f"{p}:/t", "--format", "json", "--memory-limit", "1MB")
    rc2, out2, err2 = run_cli("stats", f"{p}:/t", "--format", "json")
    assert rc1 == 0 and rc2 == 0, (err1, err2)
    [small], [unlimited] = json.loads(out1), json.loads(out2)
    for key in ("count", "missing", "min", "max", "shape", "dtype"):
        assert small[key] == unlimited[key], key
    for key in ("mean", "std", "sum"):
        assert small[key] == pytest.approx(unlimited[key], rel=1e-12), key


@pytest.mark.parametrize("limit", ["512MB", "2GB", "1.5GiB", "1000000", "64MiB"])
def test_memory_limit_units_accepted(h5, stats_json, limit):
    raw, _ = write_ds(h5, "x", np.arange(100.0))
    [rec] = stats_json(f"{h5}:/x", "--memory-limit", limit)
    check_record(rec, raw, variable="/x")


@pytest.mark.parametrize("flag", ["--progress", "--no-progress"])
def test_progress_flags_leave_stdout_clean(h5, run_cli, flag):
    raw, _ = write_ds(h5, "x", sample_values("float64", (37, 53)), chunks=(8, 10))
    rc, out, err = run_cli("stats", f"{h5}:/x", "--format", "json", flag)
    assert rc == 0, err
    [rec] = json.loads(out)
    check_record(rec, raw, variable="/x")
    if flag == "--no-progress":
        assert err == ""


# --------------------------------------------------------------------------- output formats

def test_csv_matches_json(h5, run_cli, stats_json):
    _whole_file(h5)
    write_ds(h5, "grp/e2", shape=(3, 0), dtype="i4")
    js = stats_json(str(h5))
    rc, out, err = run_cli("stats", str(h5), "--format", "csv")
    assert rc == 0 and err == "", err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == CSV_HEADER
    body = [r for r in rows[1:] if r]
    assert len(body) == len(js)
    for row, rec in zip(body, js):
        d = dict(zip(CSV_HEADER, row))
        assert d["file"] == rec["file"]
        assert d["variable"] == rec["variable"]
        assert d["shape"] == "x".join(str(n) for n in rec["shape"])
        assert d["dtype"] == rec["dtype"]
        for k in ("count", "missing", "min", "max", "mean", "std", "sum"):
            v = rec[k]
            if v is None:
                assert d[k] == "", f"{rec['variable']} {k}: csv {d[k]!r} should be empty"
            elif type(v) is int and re.fullmatch(r"-?[0-9]+", d[k]):
                assert int(d[k]) == v, f"{rec['variable']} {k}: csv {d[k]!r} json {v!r}"
            else:
                assert float(d[k]) == float(v), f"{rec['variable']} {k}: csv {d[k]!r} json {v!r}"
    shapes = {d[1]: d[2] for d in body}
    assert shapes["/scalar"] == ""
    assert shapes["/grp/e2"] == "3x0"
    assert shapes["/grp/sub/x"] == "4x5"


def test_table_contains_same_numbers(h5, run_cli, stats_json):
    refs = _whole_file(h5)
    js = stats_json(str(h5))
    rc, out, err = run_cli("stats", str(h5))        # default format is table
    assert rc == 0 and err == "", err
    rc2, out2, _ = run_cli("stats", str(h5), "--format", "table")
    assert rc2 == 0 and out2 == out
    lines = out.splitlines()
    assert len(lines) >= len(js) + 1
    for rec in js:
        pat = r"(^|[\s:|])" + re.escape(rec["variable"]) + r"($|[\s|,])"
        hits = [l for l in lines if re.search(pat, l)]
        assert hits, f"{rec['variable']} not in table output:\n{out}"
        line = hits[0]
        assert str(rec["count"]) in line
        if type(rec["min"]) is int:
            assert str(rec["min"]) in line and str(rec["max"]) in line and str(rec["sum"]) in line
    assert set(refs) == {r["variable"] for r in js}


# --------------------------------------------------------------------------- --axis

def ref_axis(raw, attrs, axes, ddof=0):
    raw = np.asarray(raw)
    mask = missing_mask(raw, attrs)
    vals = np.asarray(unpack(raw, attrs), dtype=np.float64).copy()
    vals[mask] = np.nan
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        r = {
            "count": (~mask).sum(axis=axes).astype(np.int64),
            "missing": mask.sum(axis=axes).astype(np.int64),
            "min": np.nanmin(vals, axis=axes),
            "max": np.nanmax(vals, axis=axes),
            "mean": np.nanmean(vals, axis=axes),
            "std": np.nanstd(vals, axis=axes, ddof=ddof),
        }
    if raw.dtype.kind in "biu" and not is_packed(attrs):
        r["sum"] = np.where(mask, 0, raw).astype(np.int64).sum(axis=axes)
    else:
        r["sum"] = np.nansum(vals, axis=axes)
    scale = float(np.nanmax(np.abs(vals))) if np.any(~mask) else 0.0
    return r, scale


def check_axis_group(grp, raw, attrs, axes, rtol=RTOL64):
    exp, scale = ref_axis(raw, attrs, axes)
    names = {"count", "missing", "min", "max", "mean", "std", "sum"}
    assert names <= set(grp.keys()), f"{grp.name} has {sorted(grp.keys())}"
    exact_int = np.asarray(raw).dtype.kind in "biu" and not is_packed(attrs)
    for k in names:
        got = grp[k][()]
        assert np.shape(got) == exp[k].shape, f"{grp.name}/{k}: shape {np.shape(got)} != {exp[k].shape}"
        dt = grp[k].dtype
        if k in ("count", "missing") or (k == "sum" and exact_int):
            assert dt.kind == "i" and dt.itemsize == 8, f"{grp.name}/{k}: dtype {dt}, want int64"
            np.testing.assert_array_equal(got, exp[k], err_msg=f"{grp.name}/{k}")
        else:
            assert dt.kind == "f" and dt.itemsize == 8, f"{grp.name}/{k}: dtype {dt}, want float64"
            if k in ("min", "max") and not is_packed(attrs):
                np.testing.assert_array_equal(got, exp[k], err_msg=f"{grp.name}/{k}")
            elif k == "sum":
                defined = exp["count"] > 0          # empty-slice float sum: not pinned
                np.testing.assert_allclose(np.asarray(got)[defined], np.asarray(exp[k])[defined], rtol=rtol,
                                           atol=rtol * scale * max(1, np.asarray(raw).size),
                                           err_msg=f"{grp.name}/{k}")
            else:
                np.testing.assert_allclose(got, exp[k], rtol=rtol, atol=rtol * scale,
                                           equal_nan=True, err_msg=f"{grp.name}/{k}")


@pytest.fixture
def axis_file(tmp_path):
    p = tmp_path / "in.h5"
    rng = np.random.default_rng(21)
    f64 = 280 + 10 * rng.standard_normal((6, 13, 17))
    f64[rng.random(f64.shape) < 0.05] = np.nan
    f64[:, 0, 0] = np.nan                       # an all-missing slice along axis 0
    f64[2, 3:5, :] = -9999.0
    refs = {}
    refs["/t"] = write_ds(p, "t", f64, chunks=(2, 5, 5), compression="gzip",
                          attrs={"_FillValue": -9999.0})
    i32 = rng.integers(-10**6, 10**6, size=(6, 13, 17)).astype("i4")
    i32[1, :, 4] = -1
    refs["/grp/i"] = write_ds(p, "grp/i", i32, chunks=(4, 4, 4), attrs={"_FillValue": np.int32(-1)})
    refs["/grp/p"] = write_ds(p, "grp/p", _packed_raw(6)[:36].reshape(6, 6, 53)[:, :, :17],
                              attrs={"scale_factor": 0.01, "add_offset": 273.15,
                                     "_FillValue": np.int16(-32767)})
    return p, refs


def _normalise_axes(spec, ndim):
    ax = tuple(int(a) for a in spec.split(","))
    return tuple(sorted(a % ndim for a in ax))


@pytest.mark.parametrize("spec", ["0", "1", "2", "-1", "0,2", "-1,0", "0,1,2"])
@pytest.mark.parametrize("var", ["/t", "/grp/i", "/grp/p"])
def test_axis_output_matches_numpy(axis_file, run_cli, tmp_path, spec, var):
    p, refs = axis_file
    out = tmp_path / "out.h5"
    rc, so, se = run_cli("stats", f"{p}:{var}", "--axis", spec, "-o", out)
    assert rc == 0, se
    lines = so.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wrote ") and out.name in lines[0], so
    raw, attrs = refs[var]
    with h5py.File(out, "r") as f:
        assert var in f and isinstance(f[var], h5py.Group), f"no group {var} in output"
        check_axis_group(f[var], raw, attrs, _normalise_axes(spec, raw.ndim))


def test_axis_whole_file_and_long_option(axis_file, run_cli, tmp_path):
    p, refs = axis_file
    out = tmp_path / "all.h5"
    rc, so, se = run_cli("stats", str(p), "--axis", "0", "--output", out)
    assert rc == 0, se
    assert so.strip().startswith("wrote ")
    with h5py.File(out, "r") as f:
        for var, (raw, attrs) in refs.items():
            check_axis_group(f[var], raw, attrs, (0,))


def test_axis_overwrites_existing_output(axis_file, run_cli, tmp_path):
    p, refs = axis_file
    out = tmp_path / "out.h5"
    out.write_bytes(b"old contents")
    rc, so, se = run_cli("stats", f"{p}:/t", "--axis", "1", "-o", out)
    assert rc == 0, se
    with h5py.File(out, "r") as f:
        check_axis_group(f["/t"], *refs["/t"], (1,))
    assert sorted(x.name for x in tmp_path.iterdir()) == ["in.h5", "out.h5"], "temp files left behind"


def test_axis_int64_sum_exact_with_fill(tmp_path, run_cli):
    info = np.iinfo("int64")
    a = np.array([[info.min + 10**7, -1, 3, 5], [info.max - 10**7, 2, -1, 7]], dtype="i8")
    p = tmp_path / "i64.h5"
    raw, attrs = write_ds(p, "x", a, attrs={"_FillValue": np.int64(-1)})
    out = tmp_path / "out.h5"
    rc, so, se = run_cli("stats", f"{p}:/x", "--axis", "0", "-o", out)
    assert rc == 0, se
    with h5py.File(out, "r") as f:
        check_axis_group(f["/x"], raw, attrs, (0,))
        assert f["/x/sum"][()].tolist() == [-1, 2, 3, 12]


@pytest.mark.parametrize("dtype", ["f8", "f4"])
def test_simd_copies_bit_identical(tmp_path, exe, dtype):
    """The AVX2 copy of the reduction loops and the baseline copy give the same bytes.

    (CHUNKARR_SIMD=baseline forces the baseline; on a CPU without AVX2 both runs use it.)
    Unmasked float data with NaN, infinities, odd run lengths and edge chunks, reduced whole and
    along each axis.
    """
    import subprocess
    rng = np.random.default_rng(7)
    a = (rng.standard_normal((37, 53, 29)) * 1e3).astype(dtype)
    a[rng.random(a.shape) < 0.02] = np.nan
    a[0, 0, :3] = [np.inf, -np.inf, -0.0]
    p = tmp_path / "simd.h5"
    with h5py.File(p, "w") as f:
        f.create_dataset("x", data=a, chunks=(5, 17, 11))
    outs = {}
    for simd in ("baseline", "auto"):
        env = dict(os.environ, CHUNKARR_SIMD=simd)
        outs[simd] = []
        for axis in (None, "0", "2"):
            args = [exe, "stats", f"{p}:x", "--format", "json"]
            out = tmp_path / f"{simd}_{axis}.h5"
            if axis is not None:
                args += ["--axis", axis, "-o", str(out)]
            r = subprocess.run(args, env=env, capture_output=True, timeout=120)
            assert r.returncode == 0, r.stderr
            if axis is None:
                outs[simd].append(r.stdout)
            else:
                with h5py.File(out, "r") as f:
                    outs[simd].append({k: f["/x"][k][()].tobytes() for k in f["/x"]})
    assert outs["baseline"] == outs["auto"]
    rec = json.loads(outs["auto"][0])
    rec = rec[0] if isinstance(rec, list) else rec
    assert rec["count"] == int(np.isfinite(a).sum() + np.isinf(a).sum())


def test_the_cli_does_not_link_blas(exe):
    """BLAS is loaded on the first matrix product only: linked, OpenBLAS would start a thread
    pool that spins for ~0.1 s of CPU per core at every start (8 % of a short stats run)."""
    import subprocess
    import shutil
    if not shutil.which("ldd"):
        pytest.skip("no ldd")
    libs = subprocess.run(["ldd", exe], capture_output=True, text=True, timeout=60).stdout
    assert "chunkarr" in libs or "libhdf5" in libs   # ldd worked
    assert "blas" not in libs.lower(), libs
