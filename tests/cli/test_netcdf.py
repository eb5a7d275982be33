"""NetCDF (issue 4): `chunkarr stats` / `chunkarr info` against netCDF4-python on files written
here (pins the section "Issue 4 additions (NetCDF)" of /work/notes/cli_contract.md).

Every file is written with netCDF4-python in tmp_path (raw values written with
set_auto_maskandscale(False), so what is stored is exactly what the test chose). The reference
is what netCDF4-python reads back with its default auto mask-and-scale, reduced with NumPy:
count = values that are neither masked nor NaN, missing = the rest; min/max/mean/std (ddof 0)/
sum of the valid values accumulated in float64 (exact Python ints for unpacked integer data).

The reference is netCDF4-python's own mask, bytes included: without a `_FillValue` attribute
the type's default fill is missing for every type, and for byte/ubyte (int8/uint8) too unless
the variable is in no-fill mode (which only NetCDF-4 files keep: a classic file reads back with
fill on whatever it was written with).
"""
import csv
import io
import json
import math
import sys
import warnings
from pathlib import Path

import h5py
import netCDF4
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_bad_input import assert_error  # noqa: E402
from test_info import expected as h5_info_expected  # noqa: E402
from test_stats_vs_numpy import KEYS, RTOL32, RTOL64, _close, _is_number, check_record  # noqa: E402

CDF5 = "NETCDF3_64BIT_DATA"
HAS_CDF5 = bool(getattr(netCDF4, "__has_cdf5_format__", False))
ALL_FORMATS = ["NETCDF4", "NETCDF4_CLASSIC", "NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET", CDF5]
CLASSIC_TYPES = ["i1", "i2", "i4", "f4", "f8"]
EXT_TYPES = CLASSIC_TYPES + ["u1", "u2", "u4", "i8", "u8"]
NC4_FORMATS = ("NETCDF4", "NETCDF4_CLASSIC")   # HDF5 inside
NO_CDF5 = pytest.mark.skipif(not HAS_CDF5, reason="libnetcdf built without CDF-5 support")


def fmt_params(formats=ALL_FORMATS):
    return [pytest.param(f, marks=NO_CDF5) if f == CDF5 else f for f in formats]


def types_of(fmt):
    return EXT_TYPES if fmt in ("NETCDF4", CDF5) else CLASSIC_TYPES


def fmt_type_params(formats=ALL_FORMATS, only=None):
    out = []
    for f in formats:
        for t in types_of(f):
            if only is not None and t not in only:
                continue
            marks = [NO_CDF5] if f == CDF5 else []
            out.append(pytest.param(f, t, marks=marks, id=f"{f}-{t}"))
    return out


PER_KEYS = {"file", "variable", "dimension", "index", "coordinate", "count", "missing",
            "min", "max", "mean", "std", "sum"}
PER_CSV_HEADER = ["file", "variable", "dimension", "index", "coordinate", "count", "missing",
                  "min", "max", "mean", "std", "sum"]
DFV = netCDF4.default_fillvals


# --------------------------------------------------------------------------- data + writers

def dfv(dtype):
    dt = np.dtype(dtype)
    return np.array(DFV[dt.str[1:]], dt)[()]


def values(dtype, shape, seed=0):
    """Values over the type's range that never equal the netCDF default fill (inserted where
    a test wants it). 64-bit ints: small values plus one or two near the limits, chosen so
    that no partial sum can overflow."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    if dt.kind == "f":
        a = rng.normal(-20.0, 1e3, size=shape).astype(dt)
    else:
        info = np.iinfo(dt)
        if dt.itemsize < 8:
            a = rng.integers(int(info.min), int(info.max), size=shape, endpoint=True).astype(dt)
            if n >= 2:
                a.flat[0] = info.min
                a.flat[-1] = info.max
        else:
            lo = -1000 if dt.kind == "i" else 0
            a = rng.integers(lo, 1000, size=shape, endpoint=True).astype(dt)
            if n >= 3:
                a.flat[n // 3] = info.max - 10**7
                if dt.kind == "i":
                    a.flat[2 * n // 3] = info.min + 10**7
        fv = dfv(dt)
        one = dt.type(1)
        a[a == fv] = fv - one if fv > 0 else fv + one
    return np.asarray(a)


def create(path, fmt, dims):
    """Open a new Dataset with the given dimensions ({name: size or None for unlimited})."""
    d = netCDF4.Dataset(str(path), "w", format=fmt)
    for name, size in dims.items():
        d.createDimension(name, size)
    return d


def add_var(g, name, dtype, dims, data=None, attrs=None, fill=None, **kw):
    """Create a variable; `fill`: None = no _FillValue attribute, False = no fill mode,
    else the _FillValue. Attributes are set before the (raw, unscaled) data is written."""
    dt = np.dtype(dtype)
    if fill is False:
        kw["fill_value"] = False
    elif fill is not None:
        kw["fill_value"] = np.array(fill, dtype=dt)[()]
    v = g.createVariable(name, dtype, dims, **kw)
    for k, val in (attrs or {}).items():
        v.setncattr(k, val)
    if data is not None:
        v.set_auto_maskandscale(False)
        data = np.asarray(data)
        if data.ndim == 0:
            v.assignValue(data[()])
        else:
            v[tuple(slice(0, s) for s in data.shape)] = data
        v.set_auto_maskandscale(True)
    return v


def avoid(a, *vals):
    """`a` with every element equal to one of `vals` replaced by a value not in `vals`."""
    a = np.array(a)
    bad = [np.array(v, a.dtype)[()] for v in vals]
    repl = next(c for c in (1, 2, 3, 5, 11, 13) if np.array(c, a.dtype)[()] not in bad)
    for v in bad:
        a[a == v] = repl
    return a


def typed(dtype, val):
    return np.array(val, dtype=np.dtype(dtype))


# --------------------------------------------------------------------------- reference

def nc_read(path, var):
    """(data, mask, raw dtype, attrs) as netCDF4-python reads `var` with auto mask-and-scale."""
    with netCDF4.Dataset(str(path)) as d:
        v = d[var]
        dt = np.dtype(v.dtype)
        attrs = {a: v.getncattr(a) for a in v.ncattrs()}
        m = np.ma.asarray(v[...])
    data = np.asarray(m.data)
    mask = np.ma.getmaskarray(m).copy()
    return data, mask, dt, attrs


def ref_of(data, mask, raw_dtype, attrs, ddof=0):
    data = np.asarray(data)
    mask = np.asarray(mask, dtype=bool)
    if data.dtype.kind == "f":
        mask = mask | np.isnan(data)
    packed = "scale_factor" in attrs or "add_offset" in attrs
    exact = np.dtype(raw_dtype).kind in "iu" and not packed
    good = data[~mask]
    r = {"shape": list(data.shape), "dtype": np.dtype(raw_dtype).newbyteorder("=").name,
         "count": int(good.size), "missing": int(mask.sum()), "exact": exact,
         "packed": packed,
         "rtol": RTOL32 if np.dtype(raw_dtype) == np.float32 else RTOL64}
    if good.size == 0:
        r.update(min=None, max=None, mean=None, std=None, sum=None, absmax=0.0, abssum=0.0)
        return r
    f = good.astype(np.float64)
    if exact:
        ints = [int(x) for x in good.ravel().tolist()]
        r.update(min=min(ints), max=max(ints), sum=sum(ints))
    else:
        r.update(min=float(f.min()), max=float(f.max()), sum=float(f.sum()))
    r["mean"] = float(f.mean())
    r["std"] = float(f.std(ddof=ddof))
    r["absmax"] = float(np.abs(f).max())
    r["abssum"] = float(np.abs(f).sum())
    return r


def nc_ref(path, var, ddof=0):
    data, mask, dt, attrs = nc_read(path, var)
    return ref_of(data, mask, dt, attrs, ddof=ddof)


def multi_read(paths, var, axis=0):
    parts = [nc_read(p, var) for p in paths]
    data = np.concatenate([p[0] for p in parts], axis=axis)
    mask = np.concatenate([p[1] for p in parts], axis=axis)
    return data, mask, parts[0][2], parts[0][3]


def check_values(rec, ref, what):
    for k in ("count", "missing"):
        assert type(rec[k]) is int, f"{what}: {k} must be a JSON integer, got {rec[k]!r}"
        assert rec[k] == ref[k], f"{what}: {k}: got {rec[k]}, netCDF4+numpy {ref[k]}"
    if ref["count"] == 0:
        for k in ("min", "max", "mean", "std", "sum"):
            assert rec[k] is None, f"{what}: {k} must be null when count == 0, got {rec[k]!r}"
        return
    rtol = ref["rtol"]
    if ref["exact"]:
        for k in ("min", "max", "sum"):
            assert type(rec[k]) is int, f"{what}: {k} must be an exact JSON integer, got {rec[k]!r}"
            assert rec[k] == ref[k], f"{what}: {k}: got {rec[k]}, exact {ref[k]}"
    else:
        for k in ("min", "max"):
            if ref["packed"]:
                _close(rec[k], ref[k], rtol, ref["absmax"], f"{what}: {k}")
            else:
                assert _is_number(rec[k]) and float(rec[k]) == ref[k], \
                    f"{what}: {k}: got {rec[k]!r}, netCDF4 {ref[k]!r} (must round-trip exactly)"
        _close(rec["sum"], ref["sum"], rtol, ref["abssum"], f"{what}: sum")
    _close(rec["mean"], ref["mean"], rtol, ref["absmax"], f"{what}: mean")
    _close(rec["std"], ref["std"], rtol, ref["absmax"], f"{what}: std")


def check_rec(rec, ref, *, variable, file=None):
    assert set(rec) == KEYS, f"JSON keys {sorted(rec)} != {sorted(KEYS)}"
    assert rec["variable"] == variable, f"variable {rec['variable']!r} != {variable!r}"
    if file is not None:
        assert rec["file"] == str(file), f"file {rec['file']!r} != {str(file)!r}"
    assert rec["shape"] == ref["shape"], f"{variable}: shape {rec['shape']} != {ref['shape']}"
    assert rec["dtype"] == ref["dtype"], f"{variable}: dtype {rec['dtype']} != {ref['dtype']}"
    check_values(rec, ref, variable)


def stats_one(stats_json, spec, *extra):
    recs = stats_json(spec, *extra)
    assert len(recs) == 1, f"stats {spec}: expected one record, got {len(recs)}"
    return recs[0]


def check_var(stats_json, path, var, spec_var=None):
    """`stats PATH:VAR` (VAR as given, default var) vs the reference; returns the ref."""
    ref = nc_ref(path, var)
    rec = stats_one(stats_json, f"{path}:{spec_var or var}")
    check_rec(rec, ref, variable="/" + var.lstrip("/"), file=path)
    return ref


# --------------------------------------------------------------------------- basic file

NT, NY, NX = 5, 7, 9


def write_basic(path, fmt, seed=0):
    """time (unlimited, coordinate), lat, lon coordinates; t2m(time, lat, lon) float32 with
    _FillValue, NaN and a few fills; orog(lat, lon) float64 fixed; crs scalar int32."""
    rng = np.random.default_rng(seed)
    with create(path, fmt, {"time": None, "lat": NY, "lon": NX}) as d:
        d.setncattr("title", "chunkarr test")
        d.setncattr("version", np.int32(3))
        add_var(d, "time", "f8", ("time",), data=np.arange(NT) * 6.0 + 0.5,
                attrs={"units": "hours since 2021-01-01 00:00:00", "calendar": "standard"})
        add_var(d, "lat", "f4", ("lat",), data=np.linspace(-60, 60, NY).astype("f4"),
                attrs={"units": "degrees_north"})
        add_var(d, "lon", "f4", ("lon",), data=np.linspace(0, 320, NX).astype("f4"),
                attrs={"units": "degrees_east"})
        t = (280 + 20 * rng.standard_normal((NT, NY, NX))).astype("f4")
        t[1, 2, 3:6] = np.nan
        t[3, 0, :] = 1e20
        add_var(d, "t2m", "f4", ("time", "lat", "lon"), data=t, fill=1e20,
                attrs={"units": "K", "long_name": "2 metre temperature"})
        add_var(d, "orog", "f8", ("lat", "lon"), data=rng.normal(500, 300, (NY, NX)),
                attrs={"units": "m"})
        add_var(d, "crs", "i4", (), data=np.int32(4326))
    return path


# =========================================================================== formats

@pytest.mark.parametrize("fmt", fmt_params())
def test_format_record_and_fixed_variables(tmp_path, stats_json, fmt):
    p = write_basic(tmp_path / f"basic_{fmt}.nc", fmt)
    recs = stats_json(str(p))
    names = [r["variable"] for r in recs]
    assert names == ["/crs", "/lat", "/lon", "/orog", "/t2m", "/time"], names
    for r in recs:
        check_rec(r, nc_ref(p, r["variable"]), variable=r["variable"], file=p)
    ref = check_var(stats_json, p, "t2m")
    assert ref["missing"] == 3 + NX          # NaN + _FillValue row
    check_var(stats_json, p, "orog", "/orog")  # leading '/' optional
    check_var(stats_json, p, "crs")


@pytest.mark.parametrize("fmt,dtype", fmt_type_params())
def test_every_numeric_type_record_and_fixed(tmp_path, stats_json, fmt, dtype):
    p = tmp_path / f"types_{fmt}_{dtype}.nc"
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "rec", dtype, ("time", "y", "x"), data=values(dtype, (NT, NY, NX), seed=1))
        add_var(d, "fix", dtype, ("y", "x"), data=values(dtype, (NY, NX), seed=2))
    for var in ("rec", "fix"):
        ref = check_var(stats_json, p, var)
        assert ref["missing"] == 0
        assert ref["dtype"] == np.dtype(dtype).name


@pytest.mark.filterwarnings("ignore:endian-ness of dtype and endian kwarg")
@pytest.mark.parametrize("dtype", ["i2", "u2", "i4", "u4", "i8", "u8", "f4", "f8"])
def test_netcdf4_big_endian_variable(tmp_path, stats_json, dtype):
    p = tmp_path / "be.nc"
    with create(p, "NETCDF4", {"time": None, "x": 33}) as d:
        add_var(d, "v", dtype, ("time", "x"), data=values(dtype, (6, 33), seed=7), endian="big",
                chunksizes=(4, 10))
    with h5py.File(p, "r") as f:
        assert f["v"].dtype.byteorder == ">", "netCDF4 did not store big-endian"
    check_var(stats_json, p, "v")


@pytest.mark.parametrize("fmt", fmt_params())
def test_scalar_and_empty_record_variables(tmp_path, stats_json, fmt):
    p = tmp_path / "scalar.nc"
    with create(p, fmt, {"time": None, "x": 4}) as d:
        add_var(d, "s", "f8", (), data=np.float64(2.5))
        add_var(d, "e", "f4", ("time", "x"))            # no record written: shape (0, 4)
    check_var(stats_json, p, "s")
    ref = check_var(stats_json, p, "e")
    assert ref["shape"] == [0, 4] and ref["count"] == 0 and ref["missing"] == 0


# =========================================================================== missing values

FILLS = {"i1": -100, "u1": 200, "i2": -999, "u2": 999, "i4": -999999, "u4": 4000000000,
         "i8": -10**12, "u8": 10**12, "f4": -999.0, "f8": 1e30}


@pytest.mark.parametrize("fmt,dtype", fmt_type_params())
def test_explicit_fillvalue(tmp_path, stats_json, fmt, dtype):
    """Values equal to _FillValue are missing; with an explicit _FillValue the default fill
    is an ordinary value."""
    p = tmp_path / "fill.nc"
    fv = FILLS[dtype]
    rec = avoid(values(dtype, (NT, NY, NX), seed=3), fv)
    rec[1, 2:5, :] = fv
    fix = avoid(values(dtype, (NY, NX), seed=4), fv)
    fix[3, :] = fv
    if np.dtype(dtype).itemsize < 8:        # (64-bit default fills would overflow the sums)
        rec[0, 0, 0] = dfv(dtype)
        fix[0, 0] = dfv(dtype)
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "time", "f8", ("time",), data=np.arange(NT, dtype="f8"))
        add_var(d, "rec", dtype, ("time", "y", "x"), data=rec, fill=fv)
        add_var(d, "fix", dtype, ("y", "x"), data=fix, fill=fv)
    r = check_var(stats_json, p, "rec")
    assert r["missing"] == 3 * NX
    r = check_var(stats_json, p, "fix")
    assert r["missing"] == NX


@pytest.mark.parametrize("fmt,dtype", fmt_type_params())
def test_default_fill_without_fillvalue_attribute(tmp_path, stats_json, fmt, dtype):
    """No _FillValue attribute: the netCDF default fill of the type is missing, for int8/uint8
    too (the variables are in fill mode)."""
    p = tmp_path / "dfill.nc"
    rec = values(dtype, (NT, NY, NX), seed=5)
    rec[0, 1, 1:4] = dfv(dtype)
    fix = values(dtype, (NY, NX), seed=6)
    fix[2, 2:7] = dfv(dtype)
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "time", "f8", ("time",), data=np.arange(NT, dtype="f8"))
        add_var(d, "rec", dtype, ("time", "y", "x"), data=rec)
        add_var(d, "fix", dtype, ("y", "x"), data=fix)
        assert "_FillValue" not in d["rec"].ncattrs()
    r1 = check_var(stats_json, p, "rec")
    r2 = check_var(stats_json, p, "fix")
    assert r1["missing"] == 3 and r2["missing"] == 5


@pytest.mark.parametrize("fill", ["explicit", "default"])
@pytest.mark.parametrize("fmt,dtype", fmt_type_params())
def test_record_variable_shorter_than_record_dimension(tmp_path, stats_json, fmt, dtype, fill):
    """A record variable written for fewer records than the record dimension has (another
    variable is longer) still has the dimension's length; the records never written read as
    the fill value (_FillValue, else the default fill) and are missing, bytes included. (In
    NetCDF-4 the HDF5 dataset is shorter than the dimension.)"""
    p = tmp_path / "short.nc"
    fv = FILLS[dtype] if fill == "explicit" else None
    a = avoid(values(dtype, (NT - 2, NY, NX), seed=25), FILLS[dtype])
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "time", "f8", ("time",), data=np.arange(NT, dtype="f8"))
        add_var(d, "rec", dtype, ("time", "y", "x"), data=a, fill=fv)
    r = check_var(stats_json, p, "rec")
    assert r["shape"] == [NT, NY, NX]
    assert r["missing"] == 2 * NY * NX


@pytest.mark.parametrize("fmt,dtype", fmt_type_params(only=["i1", "u1", "i2", "i4", "u4",
                                                            "f4", "f8"]))
def test_no_fill_mode(tmp_path, stats_json, fmt, dtype):
    """fill_value=False (no fill mode, no _FillValue attribute): default fill values in the
    data are still missing (netCDF4-python does the same), except for bytes of a NetCDF-4 file:
    there no-fill mode is kept (the dataset has no fill value of its own) and netCDF4-python
    leaves the bytes' default fill unmasked. A classic file does not keep it."""
    p = tmp_path / "nofill.nc"
    a = values(dtype, (NT, NY, NX), seed=8)
    a[2, 3, :4] = dfv(dtype)
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "v", dtype, ("time", "y", "x"), data=a, fill=False)
        b = values(dtype, (NY, NX), seed=9)
        b[0, 0] = dfv(dtype)
        add_var(d, "w", dtype, ("y", "x"), data=b, fill=False)
    r = check_var(stats_json, p, "v")
    assert r["missing"] == (0 if dtype in ("i1", "u1") and fmt in NC4_FORMATS else 4)
    check_var(stats_json, p, "w")


MV = {"i2": ([-5, 7], -5), "i4": ([-123456, 42], 42), "f4": ([-1.5, 1e10], -1.5),
      "f8": ([-1.5, 1e300], 1e300), "u2": ([0, 65000], 65000), "i1": ([-3, 4], -3)}


@pytest.mark.parametrize("kind", ["scalar", "vector", "with_fillvalue"])
@pytest.mark.parametrize("fmt,dtype", fmt_type_params(only=list(MV)))
def test_missing_value(tmp_path, stats_json, fmt, dtype, kind):
    p = tmp_path / "mv.nc"
    vec, one = MV[dtype]
    a = avoid(values(dtype, (NT, NY, NX), seed=10), *vec, FILLS[dtype])
    a[0, 0, :3] = vec[0]
    a[2, 1, :5] = vec[1]
    fill = None
    if kind == "scalar":
        attrs = {"missing_value": typed(dtype, one)}
    else:
        attrs = {"missing_value": typed(dtype, vec)}
    if kind == "with_fillvalue":
        fill = FILLS[dtype]
        a[4, 4, :] = fill
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "v", dtype, ("time", "y", "x"), data=a, attrs=attrs, fill=fill)
    r = check_var(stats_json, p, "v")
    expect = {"scalar": 3 if one == vec[0] else 5, "vector": 8, "with_fillvalue": 8 + NX}[kind]
    assert r["missing"] == expect


VALID = {"i2": (-500, 500), "u2": (100, 60000), "i4": (-10**9, 10**9), "f4": (-800.0, 900.0),
         "f8": (-1000.5, 700.25)}


@pytest.mark.parametrize("attr", ["valid_min", "valid_max", "valid_range", "valid_min+valid_max"])
@pytest.mark.parametrize("fmt,dtype", fmt_type_params(only=list(VALID)))
def test_valid_min_max_range(tmp_path, stats_json, fmt, dtype, attr):
    p = tmp_path / "valid.nc"
    lo, hi = VALID[dtype]
    a = values(dtype, (NT, NY, NX), seed=11)
    a[0, 0, 0] = lo            # boundaries are valid
    a[0, 0, 1] = hi
    attrs = {}
    if attr in ("valid_min", "valid_min+valid_max"):
        attrs["valid_min"] = typed(dtype, lo)
    if attr in ("valid_max", "valid_min+valid_max"):
        attrs["valid_max"] = typed(dtype, hi)
    if attr == "valid_range":
        attrs["valid_range"] = typed(dtype, [lo, hi])
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "v", dtype, ("time", "y", "x"), data=a, attrs=attrs, fill=FILLS[dtype])
    r = check_var(stats_json, p, "v")
    assert r["missing"] > 0 and r["count"] > 0
    if attr != "valid_max":
        assert r["min"] == lo
    if attr != "valid_min":
        assert r["max"] == hi


PACKED = {
    "fill": ({"scale_factor": 0.01, "add_offset": 273.15}, -32767),
    "fill_not_default": ({"scale_factor": 0.002, "add_offset": -10.0}, -9999),
    "default_fill": ({"scale_factor": 0.01, "add_offset": 273.15}, None),
    "missing_value": ({"scale_factor": 0.5, "add_offset": 1.0,
                       "missing_value": np.int16(-1)}, None),
    "valid_range": ({"scale_factor": 0.1, "add_offset": 0.0,
                     "valid_range": np.array([-20000, 20000], "i2")}, -32767),
    "scale_only": ({"scale_factor": 1e-3}, -32767),
    "offset_only": ({"add_offset": 1000.0}, -32767),
}


@pytest.mark.parametrize("variant", list(PACKED))
@pytest.mark.parametrize("fmt", fmt_params())
def test_packed_int16(tmp_path, stats_json, fmt, variant):
    """Packed int16 -> float64 (float64 scale_factor/add_offset): masking on the raw values,
    then value*scale + offset."""
    p = tmp_path / "packed.nc"
    attrs, fv = PACKED[variant]
    attrs = {k: (np.float64(v) if k in ("scale_factor", "add_offset") else v)
             for k, v in attrs.items()}
    a = values("i2", (NT, NY, NX), seed=12)
    a[1, 1, :] = -32767                  # default fill (== explicit fill in some variants)
    a[2, 2, :4] = -1
    if fv is not None:
        a[3, 3, :2] = fv
    b = values("i2", (NY, NX), seed=13)
    b[0, :3] = -32767
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "time", "f8", ("time",), data=np.arange(NT, dtype="f8"))
        add_var(d, "sp", "i2", ("time", "y", "x"), data=a, attrs=attrs, fill=fv)
        add_var(d, "spf", "i2", ("y", "x"), data=b, attrs=attrs, fill=fv)
    with netCDF4.Dataset(str(p)) as d:
        assert np.ma.asarray(d["sp"][...]).dtype == np.float64
    r = check_var(stats_json, p, "sp")
    assert r["dtype"] == "int16" and r["missing"] > 0 and not r["exact"]
    check_var(stats_json, p, "spf")


@pytest.mark.parametrize("fmt,dtype", fmt_type_params(only=["f4", "f8"]))
def test_nan_in_floats(tmp_path, stats_json, fmt, dtype):
    p = tmp_path / "nan.nc"
    a = values(dtype, (NT, NY, NX), seed=14)
    a[::2, ::3, 1::4] = np.nan
    a[1, 1, 1] = FILLS[dtype]
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "v", dtype, ("time", "y", "x"), data=a, fill=FILLS[dtype])
        add_var(d, "allnan", dtype, ("y", "x"), data=np.full((NY, NX), np.nan, dtype))
        add_var(d, "nanfill", dtype, ("y", "x"), data=np.full((NY, NX), np.nan, dtype),
                fill=np.nan)
    r = check_var(stats_json, p, "v")
    assert r["missing"] == int(np.isnan(a).sum()) + 1
    for var in ("allnan", "nanfill"):
        r = check_var(stats_json, p, var)
        assert r["count"] == 0 and r["missing"] == NY * NX


# =========================================================================== NetCDF-4 storage

@pytest.mark.parametrize("fletcher", [False, True])
@pytest.mark.parametrize("fmt,dtype", fmt_type_params(NC4_FORMATS, only=["i2", "i4", "u2",
                                                                         "f4", "f8"]))
def test_netcdf4_zlib_shuffle_partial_edge_chunks(tmp_path, stats_json, fmt, dtype, fletcher):
    """zlib+shuffle, chunks that do not divide the shape, chunks never written (unallocated:
    read as the fill value -> missing)."""
    p = tmp_path / "z.nc"
    nt, ny, nx = 13, 50, 70
    a = avoid(values(dtype, (nt, ny, nx), seed=15), FILLS[dtype])
    a[3, 10:20, 5:9] = FILLS[dtype]
    b = avoid(values(dtype, (20, nx), seed=16), FILLS[dtype])
    with create(p, fmt, {"time": None, "y": ny, "x": nx}) as d:
        add_var(d, "time", "f8", ("time",), data=np.arange(nt, dtype="f8"))
        add_var(d, "v", dtype, ("time", "y", "x"), data=a, fill=FILLS[dtype], zlib=True,
                complevel=4, shuffle=True, chunksizes=(4, 16, 32), fletcher32=fletcher)
        add_var(d, "w", dtype, ("y", "x"), data=b, zlib=True, complevel=1, shuffle=True,
                chunksizes=(16, 32), fletcher32=fletcher)      # rows 20.. never written
        add_var(d, "u", dtype, ("time", "y", "x"), fill=FILLS[dtype], zlib=True, shuffle=True,
                chunksizes=(4, 16, 32))
        d["u"].set_auto_maskandscale(False)
        d["u"][0:nt, 0:30, :] = a[:, 0:30, :]       # chunks with y >= 32 never written
    with h5py.File(p, "r") as f:
        assert f["v"].chunks == (4, 16, 32) and f["v"].compression == "gzip"
        assert f["v"].shuffle
        assert f["u"].shape == (nt, ny, nx)
        assert f["u"].id.get_num_chunks() < 4 * 4 * 3
    r = check_var(stats_json, p, "v")
    assert r["missing"] == 40
    r = check_var(stats_json, p, "w")
    assert r["missing"] == 30 * nx          # default fill of the unallocated chunks
    r = check_var(stats_json, p, "u")
    assert r["missing"] == 40 + nt * 20 * nx


def test_netcdf4_packed_compressed(tmp_path, stats_json):
    p = tmp_path / "pz.nc"
    a = values("i2", (10, 41, 67), seed=17)
    a[::3, 5, :] = -32767
    with create(p, "NETCDF4", {"time": None, "lat": 41, "lon": 67}) as d:
        add_var(d, "sp", "i2", ("time", "lat", "lon"), data=a, fill=-32767, zlib=True,
                shuffle=True, chunksizes=(3, 16, 16),
                attrs={"scale_factor": np.float64(0.37), "add_offset": np.float64(98000.0)})
    check_var(stats_json, p, "sp")


# =========================================================================== groups

def write_groups(path):
    rng = np.random.default_rng(18)
    with create(path, "NETCDF4", {"time": None, "x": 6}) as d:
        add_var(d, "time", "f8", ("time",), data=np.arange(4, dtype="f8"))
        add_var(d, "top", "f4", ("time", "x"), data=rng.normal(size=(4, 6)).astype("f4"))
        g = d.createGroup("grp")
        g.createDimension("z", 3)
        g.setncattr("kind", "group attr")
        add_var(g, "var2", "i4", ("time", "z"), data=values("i4", (4, 3), seed=19), fill=-1)
        s = g.createGroup("sub")
        s.createDimension("w", 5)
        v = values("f8", (4, 3, 5), seed=20)
        v[0, 0, :] = -9999.0
        add_var(s, "var", "f8", ("time", "z", "w"), data=v, fill=-9999.0,
                chunksizes=(2, 2, 2), zlib=True)
        d.createGroup("empty")
    return path


def test_groups(tmp_path, stats_json):
    p = write_groups(tmp_path / "groups.nc")
    recs = stats_json(str(p))
    names = [r["variable"] for r in recs]
    assert names == ["/grp/sub/var", "/grp/var2", "/time", "/top"], names
    for r in recs:
        check_rec(r, nc_ref(p, r["variable"]), variable=r["variable"], file=p)
    ref = check_var(stats_json, p, "/grp/sub/var")
    assert ref["missing"] == 5
    check_var(stats_json, p, "/grp/sub/var", "grp/sub/var")
    check_var(stats_json, p, "/grp/var2")


def test_group_path_errors(tmp_path, run_cli):
    p = write_groups(tmp_path / "groups.nc")
    assert_error(run_cli("stats", f"{p}:/grp/sub"), 1, "sub")
    assert_error(run_cli("stats", f"{p}:/grp/nosuch"), 1, "nosuch")
    assert_error(run_cli("stats", f"{p}:/w"), 1, "w")          # dimension, only in /grp/sub


# =========================================================================== dimensions

@pytest.mark.parametrize("fmt", fmt_params())
def test_dimension_only_datasets_are_not_variables(tmp_path, stats_json, run_cli, fmt):
    p = tmp_path / "dims.nc"
    with create(p, fmt, {"time": None, "x": 8, "y": 3}) as d:   # x, y: no coordinate variable
        add_var(d, "time", "i4", ("time",), data=np.arange(5, dtype="i4") * 10)
        add_var(d, "v", "f4", ("time", "y", "x"), data=values("f4", (5, 3, 8), seed=21))
    recs = stats_json(str(p))
    assert [r["variable"] for r in recs] == ["/time", "/v"]
    check_var(stats_json, p, "time")
    for name in ("x", "/x", "y"):
        assert_error(run_cli("stats", f"{p}:{name}"), 1, name.lstrip("/"))
    if fmt in NC4_FORMATS:      # really an HDF5 dimension scale in the file
        with h5py.File(p, "r") as f:
            assert "x" in f and f["x"].attrs["NAME"].startswith(
                b"This is a netCDF dimension but not a netCDF variable")


@pytest.mark.parametrize("fmt", fmt_params(["NETCDF4", "NETCDF3_CLASSIC"]))
def test_char_and_string_variables_are_skipped(tmp_path, stats_json, run_cli, fmt):
    p = tmp_path / "chars.nc"
    with create(p, fmt, {"n": 3, "len": 4}) as d:
        c = d.createVariable("name", "S1", ("n", "len"))
        c[:] = netCDF4.stringtochar(np.array(["ab", "cde", "f"], dtype="S4"))
        if fmt == "NETCDF4":
            s = d.createVariable("label", str, ("n",))
            for i, t in enumerate(["one", "two", "three"]):
                s[i] = t
        add_var(d, "v", "f8", ("n",), data=np.array([1.0, 2.0, 3.0]))
    recs = stats_json(str(p))
    assert [r["variable"] for r in recs] == ["/v"]
    assert_error(run_cli("stats", f"{p}:name"), 1, "name")


def test_plain_hdf5_gets_no_default_fill(tmp_path, stats_json):
    """Contract: the default-fill rule applies to NetCDF files only."""
    p = tmp_path / "plain.h5"
    a = np.arange(20, dtype="i4")
    a[3] = dfv("i4")
    b = np.arange(20, dtype="f4")
    b[4] = dfv("f4")
    with h5py.File(p, "w") as f:
        f["a"] = a
        f["b"] = b
    [rec] = stats_json(f"{p}:a")
    check_record(rec, a, variable="/a")
    assert rec["missing"] == 0
    [rec] = stats_json(f"{p}:b")
    check_record(rec, b, variable="/b")
    assert rec["missing"] == 0


# =========================================================================== format detection

@pytest.mark.parametrize("fmt,name", [
    pytest.param("NETCDF3_CLASSIC", "classic.h5", id="cdf1-as-h5"),
    pytest.param("NETCDF3_64BIT_OFFSET", "offset.h5", id="cdf2-as-h5"),
    pytest.param(CDF5, "cdf5.hdf5", id="cdf5-as-hdf5", marks=NO_CDF5),
    pytest.param("NETCDF4", "nc4.dat", id="nc4-as-dat"),
    pytest.param("NETCDF4_CLASSIC", "nc4classic", id="nc4classic-no-ext"),
])
def test_detection_by_content(tmp_path, stats_json, run_cli, fmt, name):
    p = tmp_path / name
    write_basic(p, fmt)
    recs = stats_json(str(p))
    assert [r["variable"] for r in recs] == ["/crs", "/lat", "/lon", "/orog", "/t2m", "/time"]
    check_var(stats_json, p, "t2m")       # default fill / _FillValue rules of NetCDF apply
    rc, out, err = run_cli("info", p, "--format", "json")
    assert rc == 0, err
    assert json.loads(out)["format"] == fmt


# =========================================================================== info

def _attr_expected(val):
    if isinstance(val, str):
        return val
    a = np.asarray(val)
    if a.dtype.kind in "SU":
        return str(a.astype(str)) if a.ndim == 0 else [str(x) for x in a.astype(str)]
    if a.ndim == 0:
        return a[()]
    return list(a)


def _check_attrs(got, attrs, what):
    assert isinstance(got, dict), f"{what}: attributes must be an object, got {got!r}"
    assert set(got) == set(attrs), f"{what}: attribute names {sorted(got)} != {sorted(attrs)}"
    for k, val in attrs.items():
        exp = _attr_expected(val)
        g = got[k]
        if isinstance(exp, str):
            assert g == exp, f"{what}: attribute {k}: {g!r} != {exp!r}"
            continue
        if isinstance(exp, list):
            assert isinstance(g, list) and len(g) == len(exp), \
                f"{what}: attribute {k}: expected a list of {len(exp)}, got {g!r}"
            pairs = list(zip(g, exp))
        else:
            assert _is_number(g), f"{what}: attribute {k}: expected a number, got {g!r}"
            pairs = [(g, exp)]
        for gv, ev in pairs:
            ev = np.asarray(ev)
            assert _is_number(gv), f"{what}: attribute {k}: {gv!r} is not a number"
            if ev.dtype.kind in "iu":
                assert gv == int(ev), f"{what}: attribute {k}: {gv!r} != {int(ev)}"
            else:
                tol = 1e-6 if ev.dtype == np.float32 else 1e-15
                assert math.isclose(float(gv), float(ev), rel_tol=tol), \
                    f"{what}: attribute {k}: {gv!r} != {float(ev)!r}"


def expected_nc_info(path):
    """What the contract says `info --format json` reports, from netCDF4-python (+ h5py for
    the HDF5 storage facts of NetCDF-4 files)."""
    dims, variables = [], {}
    with netCDF4.Dataset(str(path)) as d:
        fmt = d.file_format
        gattrs = {a: d.getncattr(a) for a in d.ncattrs()}
        stack = [d]
        while stack:
            g = stack.pop()
            base = g.path.rstrip("/")
            for name, dim in g.dimensions.items():
                dims.append({"name": f"{base}/{name}", "size": len(dim),
                             "unlimited": dim.isunlimited()})
            for name, v in g.variables.items():
                dt = np.dtype(v.dtype)
                ch = v.chunking()
                variables[f"{base}/{name}"] = {
                    "dimensions": list(v.dimensions), "shape": list(v.shape),
                    "dtype": dt.newbyteorder("=").name,
                    "chunks": list(ch) if isinstance(ch, (list, tuple)) else None,
                    "nbytes": int(np.prod(v.shape, dtype=np.int64)) * dt.itemsize,
                    "attributes": {a: v.getncattr(a) for a in v.ncattrs()},
                }
            stack.extend(g.groups.values())
    if fmt in NC4_FORMATS:
        with h5py.File(path, "r") as f:
            for vp, e in variables.items():
                h = h5_info_expected(f[vp])
                e["filters"] = h["filters"]
                e["storage_bytes"] = h["storage_bytes"]
    else:
        for e in variables.values():
            e["filters"] = []
            e["storage_bytes"] = e["nbytes"]
    return {"format": fmt, "dimensions": sorted(dims, key=lambda x: x["name"]),
            "variables": variables, "attributes": gattrs}


def write_info_file(path, fmt):
    rng = np.random.default_rng(22)
    nc4 = fmt in NC4_FORMATS
    with create(path, fmt, {"time": None, "lat": 11, "lon": 13, "nv": 2}) as d:
        d.setncattr("title", "info test")
        d.setncattr("history", "written by test_netcdf.py")
        d.setncattr("version", np.int32(7))
        d.setncattr("weights", np.array([0.25, 0.5, 1.0e-3], "f8"))
        d.setncattr("levels", np.array([1, 2, 3], "i2"))
        add_var(d, "time", "f8", ("time",), data=np.arange(6, dtype="f8"),
                attrs={"units": "days since 2000-01-01", "axis": "T"})
        add_var(d, "lat", "f4", ("lat",), data=np.linspace(-50, 50, 11).astype("f4"))
        add_var(d, "lon", "f8", ("lon",), data=np.linspace(0, 360, 13, endpoint=False))
        kw = dict(zlib=True, complevel=3, shuffle=True, chunksizes=(2, 8, 8)) if nc4 else {}
        add_var(d, "t2m", "f4", ("time", "lat", "lon"),
                data=rng.normal(280, 10, (6, 11, 13)).astype("f4"), fill=np.float32(1e20),
                attrs={"units": "K", "valid_range": np.array([150, 350], "f4"),
                       "scale_hint": np.float32(0.5), "flag_values": np.array([1, 2, 4], "i4"),
                       "count_attr": np.int32(-3)}, **kw)
        add_var(d, "sp", "i2", ("time", "lat", "lon"), data=values("i2", (6, 11, 13), seed=23),
                fill=np.int16(-32767),
                attrs={"scale_factor": np.float64(0.01), "add_offset": np.float64(1000.0)})
        add_var(d, "mask", "i1", ("lat", "lon"), data=values("i1", (11, 13), seed=24))
        add_var(d, "bnds", "f8", ("lat", "nv"), data=rng.normal(size=(11, 2)))
        add_var(d, "crs", "i4", (), data=np.int32(0), attrs={"grid_mapping_name": "latitude_longitude"})
        if fmt == "NETCDF4":
            d.createDimension("x", 5)                       # dimension without variable
            add_var(d, "u8v", "u8", ("x",), data=np.arange(5, dtype="u8"),
                    attrs={"big": np.uint64(2**40)})
            d["u8v"].setncattr_string("label", "an NC_STRING attribute")
            g = d.createGroup("grp").createGroup("sub")
            g.createDimension("z", 4)
            g.createDimension("rec", None)
            add_var(g, "gv", "f8", ("rec", "z", "lon"), data=rng.normal(size=(3, 4, 13)),
                    zlib=True, complevel=9, chunksizes=(1, 4, 13), fletcher32=True,
                    attrs={"units": "1"})
    return path


@pytest.mark.parametrize("fmt", fmt_params())
def test_info_json(tmp_path, run_cli, fmt):
    p = write_info_file(tmp_path / f"info_{fmt}.nc", fmt)
    exp = expected_nc_info(p)
    rc, out, err = run_cli("info", str(p), "--format", "json")
    assert rc == 0 and err == "", f"exit {rc}, stderr {err!r}"
    info = json.loads(out)
    assert isinstance(info, dict), f"NetCDF info --format json must be ONE object, got {type(info).__name__}"
    assert {"file", "format", "dimensions", "variables", "attributes"} <= set(info), sorted(info)
    assert info["file"] == str(p)
    assert info["format"] == exp["format"]
    dims = info["dimensions"]
    for dim in dims:
        assert {"name", "size", "unlimited"} <= set(dim), dim
    got_dims = sorted(({k: x[k] for k in ("name", "size", "unlimited")} for x in dims),
                      key=lambda x: x["name"])
    assert got_dims == exp["dimensions"]
    got_vars = {v["path"]: v for v in info["variables"]}
    assert len(got_vars) == len(info["variables"]), "duplicate variable paths"
    assert sorted(got_vars) == sorted(exp["variables"])
    for path, e in exp["variables"].items():
        g = got_vars[path]
        for k in ("dimensions", "shape", "dtype", "chunks", "filters", "nbytes", "storage_bytes"):
            assert k in g, f"{path}: key {k} missing"
            assert g[k] == e[k], f"{path}: {k}: got {g[k]!r}, expected {e[k]!r}"
        _check_attrs(g.get("attributes"), e["attributes"], path)
    _check_attrs(info["attributes"], exp["attributes"], "global attributes")
    if fmt in NC4_FORMATS:
        assert got_vars["/t2m"]["filters"] == ["shuffle", "deflate(3)"]
        assert got_vars["/t2m"]["chunks"] == [2, 8, 8]
    else:
        assert got_vars["/t2m"]["chunks"] is None
    t = {x["name"]: x for x in dims}["/time"]
    assert t["unlimited"] is True and t["size"] == 6
    assert {x["name"]: x for x in dims}["/lat"]["unlimited"] is False


@pytest.mark.parametrize("fmt", fmt_params())
def test_info_table(tmp_path, run_cli, fmt):
    p = write_info_file(tmp_path / f"info_{fmt}.nc", fmt)
    exp = expected_nc_info(p)
    rc, out, err = run_cli("info", str(p))
    assert rc == 0 and err == "", f"exit {rc}, stderr {err!r}"
    assert "UNLIMITED" in out
    for path, e in exp["variables"].items():
        assert path.rsplit("/", 1)[1] in out, f"variable {path} not in the table"
        for a in e["attributes"]:
            assert a in out, f"attribute {a} of {path} not in the table"
    for dim in exp["dimensions"]:
        assert dim["name"].rsplit("/", 1)[1] in out
    for a in exp["attributes"]:
        assert a in out, f"global attribute {a} not in the table"


def test_info_json_dimension_only_not_a_variable(tmp_path, run_cli):
    p = tmp_path / "d.nc"
    with create(p, "NETCDF4", {"x": 4, "time": None}) as d:
        add_var(d, "v", "f4", ("time", "x"), data=np.ones((2, 4), "f4"))
    rc, out, err = run_cli("info", str(p), "--format", "json")
    assert rc == 0, err
    info = json.loads(out)
    assert [v["path"] for v in info["variables"]] == ["/v"]
    assert sorted(x["name"] for x in info["dimensions"]) == ["/time", "/x"]


# =========================================================================== many files

MONTHS = [("2021-03", 3), ("2021-01", 5), ("2021-04", 2), ("2021-02", 4)]   # creation order
GY, GX = 6, 8


def write_month(path, fmt, month, nt, *, ny=GY, nx=GX, var="t2m", dtype="f4", unlimited=True,
                seed=None):
    m = int(month[-2:])
    rng = np.random.default_rng(seed if seed is not None else m)
    with create(path, fmt, {"time": None if unlimited else nt, "lat": ny, "lon": nx}) as d:
        add_var(d, "time", "f8", ("time",), data=m * 100.0 + np.arange(nt) * 0.25,
                attrs={"units": "days since 2021-01-01"})
        add_var(d, "lat", "f4", ("lat",), data=np.linspace(-40, 40, ny).astype("f4") + m)
        add_var(d, "lon", "f4", ("lon",), data=np.linspace(0, 350, nx).astype("f4"))
        t = (270 + m + 15 * rng.standard_normal((nt, ny, nx))).astype(dtype)
        t[0, 1, ::2] = np.nan
        if nt > 2:
            t[nt - 1, :, :] = 1e20          # a whole time step missing
        t[0, 0, 0] = 1e20
        add_var(d, var, dtype, ("time", "lat", "lon"), data=t, fill=1e20, attrs={"units": "K"})
        sp = values("i2", (nt, ny, nx), seed=m)
        sp[0, 2, :3] = -32767
        add_var(d, "sp", "i2", ("time", "lat", "lon"), data=sp, fill=-32767,
                attrs={"scale_factor": np.float64(0.5), "add_offset": np.float64(90000.0)})
        add_var(d, "n", "i4", ("time", "lat"), data=values("i4", (nt, ny), seed=m + 50) // 4,
                fill=-1)
    return path


def write_months(directory, fmt="NETCDF4", months=MONTHS, **kw):
    directory.mkdir(parents=True, exist_ok=True)
    for month, nt in months:
        write_month(directory / f"t2m_{month}.nc", fmt, month, nt, **kw)
    (directory / "readme.txt").write_text("not a netcdf file\n")
    return sorted(str(p) for p in directory.glob("*.nc"))


@pytest.mark.parametrize("fmt", fmt_params(["NETCDF4", "NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET",
                                            CDF5]))
def test_multifile_concat_record_dimension(tmp_path, stats_json, fmt):
    d = tmp_path / "data"
    files = write_months(d, fmt)
    pattern = f"{d}/*.nc"
    for var in ("t2m", "sp", "n"):
        data, mask, dt, attrs = multi_read(files, var)
        ref = ref_of(data, mask, dt, attrs)
        rec = stats_one(stats_json, f"{pattern}:{var}")
        check_rec(rec, ref, variable=f"/{var}", file=pattern)
    assert ref["shape"][0] == sum(n for _, n in MONTHS)


def test_multifile_mixed_formats(tmp_path, stats_json):
    d = tmp_path / "mixed"
    d.mkdir()
    fmts = ["NETCDF4", "NETCDF3_CLASSIC", "NETCDF4_CLASSIC", "NETCDF3_64BIT_OFFSET"]
    for (month, nt), fmt in zip(MONTHS, fmts):
        write_month(d / f"t2m_{month}.nc", fmt, month, nt)
    files = sorted(str(p) for p in d.glob("*.nc"))
    data, mask, dt, attrs = multi_read(files, "t2m")
    rec = stats_one(stats_json, f"{d}/*.nc:t2m")
    check_rec(rec, ref_of(data, mask, dt, attrs), variable="/t2m", file=f"{d}/*.nc")


def test_multifile_question_mark_glob(tmp_path, stats_json):
    d = tmp_path / "q"
    files = write_months(d)
    sel = [f for f in files if Path(f).name in ("t2m_2021-01.nc", "t2m_2021-02.nc")]
    data, mask, dt, attrs = multi_read(sel, "t2m")
    pattern = f"{d}/t2m_2021-0[12].nc"
    rec = stats_one(stats_json, f"{pattern}:/t2m")
    check_rec(rec, ref_of(data, mask, dt, attrs), variable="/t2m", file=pattern)


@pytest.mark.parametrize("fmt", fmt_params(["NETCDF4", "NETCDF3_CLASSIC"]))
def test_multifile_concat_fixed_dimension(tmp_path, stats_json, run_cli, fmt):
    d = tmp_path / "fixed"
    files = write_months(d, fmt, unlimited=False)
    with netCDF4.Dataset(files[0]) as ds:
        assert not ds.dimensions["time"].isunlimited()
    data, mask, dt, attrs = multi_read(files, "t2m")
    rec = stats_one(stats_json, f"{d}/*.nc:t2m", "--concat", "time")
    check_rec(rec, ref_of(data, mask, dt, attrs), variable="/t2m", file=f"{d}/*.nc")


def test_multifile_concat_second_dimension(tmp_path, stats_json):
    """--concat lat: files split along the 2nd axis, joined in sorted path order (checked
    with --per lat, whose coordinates come from each file's lat variable)."""
    d = tmp_path / "lat"
    d.mkdir()
    parts = [("b", 4, 3), ("a", 3, 1), ("c", 3, 2)]   # (name, ny, seed), created b, a, c
    for name, ny, seed in parts:
        write_month(d / f"part_{name}.nc", "NETCDF4", "2021-01", 5, ny=ny, unlimited=False,
                    seed=seed)
        with netCDF4.Dataset(str(d / f"part_{name}.nc"), "a") as ds:
            ds["lat"][:] = np.arange(ny, dtype="f4") + {"a": 0, "b": 10, "c": 20}[name]
    files = sorted(str(p) for p in d.glob("*.nc"))
    data, mask, dt, attrs = multi_read(files, "t2m", axis=1)
    rec = stats_one(stats_json, f"{d}/*.nc:t2m", "--concat", "lat")
    check_rec(rec, ref_of(data, mask, dt, attrs), variable="/t2m", file=f"{d}/*.nc")
    assert rec["shape"] == [5, 10, GX]
    rows = stats_json(f"{d}/*.nc:t2m", "--concat", "lat", "--per", "lat")
    coords = np.concatenate([np.arange(3) + 0.0, np.arange(4) + 10.0, np.arange(3) + 20.0])
    check_per_rows(rows, data, mask, dt, attrs, axis=1, coords=coords, file=f"{d}/*.nc",
                   variable="/t2m", dim="lat")


@pytest.mark.parametrize("problem", ["lat_size", "missing_variable", "dtype", "dim_order"])
def test_multifile_mismatch(tmp_path, run_cli, problem):
    d = tmp_path / "bad"
    square = problem == "dim_order"
    kw = {"ny": GX, "nx": GX} if square else {}
    files = write_months(d, **kw)
    bad = Path(files[2])                     # third in sorted order: the others agree
    bad.unlink()
    month = bad.stem.split("_")[1]
    nt = dict(MONTHS)[month]
    if problem == "lat_size":
        write_month(bad, "NETCDF4", month, nt, ny=GY + 1)
        what = ["lat"]
    elif problem == "missing_variable":
        write_month(bad, "NETCDF4", month, nt, var="t2m_other")
        what = ["t2m"]
    elif problem == "dtype":
        write_month(bad, "NETCDF4", month, nt, dtype="f8")
        what = []
    else:
        with create(bad, "NETCDF4", {"time": None, "lat": GX, "lon": GX}) as ds:
            add_var(ds, "t2m", "f4", ("time", "lon", "lat"),
                    data=np.ones((nt, GX, GX), "f4"), fill=1e20)
        what = []
    res = run_cli("stats", f"{d}/*.nc:t2m", "--format", "json")
    line = assert_error(res, 1, bad.name, *what)
    if problem == "dtype":
        assert any(s in line for s in ("t2m", "dtype", "float64")), line
    if problem == "dim_order":
        assert any(s in line for s in ("lat", "lon", "dimension")), line


def test_multifile_no_match(tmp_path, run_cli):
    (tmp_path / "x.nc").write_bytes(b"")
    pattern = f"{tmp_path}/nothing_*.nc"
    line = assert_error(run_cli("stats", f"{pattern}:t2m"), 1, "no files match")
    assert "nothing_" in line, line


# =========================================================================== --per

def check_per_rows(rows, data, mask, dt, attrs, *, axis, coords, file, variable, dim):
    n = data.shape[axis]
    assert isinstance(rows, list) and len(rows) == n, f"expected {n} rows, got {len(rows)}"
    for i, row in enumerate(rows):
        assert set(row) == PER_KEYS, f"--per keys {sorted(row)} != {sorted(PER_KEYS)}"
        assert row["file"] == str(file)
        assert row["variable"] == variable
        assert row["dimension"] == dim
        assert type(row["index"]) is int and row["index"] == i, row["index"]
        if coords is None:
            assert row["coordinate"] is None, f"row {i}: coordinate {row['coordinate']!r}"
        else:
            c = np.asarray(coords)[i]
            assert _is_number(row["coordinate"]), f"row {i}: coordinate {row['coordinate']!r}"
            tol = 1e-6 if np.asarray(coords).dtype == np.float32 else 1e-15
            assert math.isclose(float(row["coordinate"]), float(c), rel_tol=tol, abs_tol=tol), \
                f"row {i}: coordinate {row['coordinate']!r} != {float(c)!r}"
        ref = ref_of(np.take(data, i, axis=axis), np.take(mask, i, axis=axis), dt, attrs)
        check_values(row, ref, f"{variable} {dim}={i}")


def _coords(path, name):
    with netCDF4.Dataset(str(path)) as d:
        return np.asarray(d[name][...])


@pytest.mark.parametrize("fmt", fmt_params())
@pytest.mark.parametrize("var", ["t2m", "sp", "n"])
def test_per_time_json(tmp_path, stats_json, fmt, var):
    p = write_month(tmp_path / "m.nc", fmt, "2021-05", 6)
    data, mask, dt, attrs = nc_read(p, var)
    rows = stats_json(f"{p}:{var}", "--per", "time")
    check_per_rows(rows, data, mask, dt, attrs, axis=0, coords=_coords(p, "time"), file=p,
                   variable=f"/{var}", dim="time")
    assert rows[-1]["count"] == 0 or var != "t2m"      # the all-fill time step


@pytest.mark.parametrize("fmt", fmt_params(["NETCDF4", "NETCDF3_CLASSIC"]))
def test_per_lat_float32_coordinate(tmp_path, stats_json, fmt):
    p = write_month(tmp_path / "m.nc", fmt, "2021-07", 4)
    data, mask, dt, attrs = nc_read(p, "t2m")
    rows = stats_json(f"{p}:t2m", "--per", "lat")
    check_per_rows(rows, data, mask, dt, attrs, axis=1, coords=_coords(p, "lat"), file=p,
                   variable="/t2m", dim="lat")


def _parse_csv_value(s):
    if s == "":
        return None
    try:
        return int(s)
    except ValueError:
        return float(s)


@pytest.mark.parametrize("fmt", fmt_params(["NETCDF4", "NETCDF3_64BIT_OFFSET"]))
@pytest.mark.parametrize("var", ["t2m", "n"])
def test_per_time_csv(tmp_path, run_cli, fmt, var):
    p = write_month(tmp_path / "m.nc", fmt, "2021-05", 6)
    data, mask, dt, attrs = nc_read(p, var)
    rc, out, err = run_cli("stats", f"{p}:{var}", "--per", "time", "--format", "csv")
    assert rc == 0 and err == "", f"exit {rc}, stderr {err!r}"
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == PER_CSV_HEADER
    recs = []
    for r in rows[1:]:
        assert len(r) == len(PER_CSV_HEADER), r
        rec = dict(zip(PER_CSV_HEADER, r))
        for k in ("index", "coordinate", "count", "missing", "min", "max", "mean", "std", "sum"):
            rec[k] = _parse_csv_value(rec[k])
        recs.append(rec)
    check_per_rows(recs, data, mask, dt, attrs, axis=0, coords=_coords(p, "time"), file=p,
                   variable=f"/{var}", dim="time")


@pytest.mark.parametrize("fmt", fmt_params(["NETCDF4", "NETCDF3_CLASSIC"]))
def test_per_time_table(tmp_path, run_cli, fmt):
    p = write_month(tmp_path / "m.nc", fmt, "2021-05", 6)
    rc, out, err = run_cli("stats", f"{p}:t2m", "--per", "time", "--format", "table")
    assert rc == 0 and err == "", f"exit {rc}, stderr {err!r}"
    lines = [l for l in out.splitlines() if l.strip()]
    assert len(lines) >= 6, out
    rc2, out2, _ = run_cli("stats", f"{p}:t2m", "--per", "time")   # table is the default
    assert rc2 == 0 and out2 == out


@pytest.mark.parametrize("fmt", fmt_params(["NETCDF4", "NETCDF3_CLASSIC"]))
def test_per_dimension_without_coordinate_variable(tmp_path, stats_json, fmt):
    p = tmp_path / "nocoord.nc"
    a = values("f8", (4, 5), seed=30)
    a[2, :] = -1.0
    with create(p, fmt, {"x": 4, "y": 5}) as d:
        add_var(d, "v", "f8", ("x", "y"), data=a, fill=-1.0)
    data, mask, dt, attrs = nc_read(p, "v")
    rows = stats_json(f"{p}:v", "--per", "x")
    check_per_rows(rows, data, mask, dt, attrs, axis=0, coords=None, file=p, variable="/v",
                   dim="x")
    assert rows[2]["count"] == 0


def test_per_in_group(tmp_path, stats_json):
    p = write_groups(tmp_path / "groups.nc")
    data, mask, dt, attrs = nc_read(p, "/grp/sub/var")
    rows = stats_json(f"{p}:/grp/sub/var", "--per", "w")
    check_per_rows(rows, data, mask, dt, attrs, axis=2, coords=None, file=p,
                   variable="/grp/sub/var", dim="w")
    rows = stats_json(f"{p}:/grp/sub/var", "--per", "time")
    check_per_rows(rows, data, mask, dt, attrs, axis=0, coords=_coords(p, "time"), file=p,
                   variable="/grp/sub/var", dim="time")


def test_per_unknown_dimension(tmp_path, run_cli):
    p = write_month(tmp_path / "m.nc", "NETCDF4", "2021-05", 3)
    assert_error(run_cli("stats", f"{p}:t2m", "--per", "nosuchdim"), 2, "nosuchdim")


def test_per_with_axis_is_usage_error(tmp_path, run_cli):
    p = write_month(tmp_path / "m.nc", "NETCDF4", "2021-05", 3)
    out = tmp_path / "out.h5"
    assert_error(run_cli("stats", f"{p}:t2m", "--per", "time", "--axis", "0", "-o", out), 2)
    assert not out.exists()


@pytest.mark.parametrize("fmt", fmt_params(["NETCDF4", "NETCDF3_CLASSIC"]))
def test_per_across_files(tmp_path, stats_json, fmt):
    d = tmp_path / "data"
    files = write_months(d, fmt)
    pattern = f"{d}/*.nc"
    coords = np.concatenate([_coords(f, "time") for f in files])
    for var in ("t2m", "sp"):
        data, mask, dt, attrs = multi_read(files, var)
        rows = stats_json(f"{pattern}:{var}", "--per", "time")
        check_per_rows(rows, data, mask, dt, attrs, axis=0, coords=coords, file=pattern,
                       variable=f"/{var}", dim="time")
    # sorted path order, not creation order: coordinates increase month by month
    assert [r["coordinate"] for r in rows] == sorted(r["coordinate"] for r in rows)
    # --per a dimension the files are not joined along: its coordinate is the first file's
    data, mask, dt, attrs = multi_read(files, "t2m")
    rows = stats_json(f"{pattern}:t2m", "--per", "lat")
    check_per_rows(rows, data, mask, dt, attrs, axis=1, coords=_coords(files[0], "lat"), file=pattern,
                   variable="/t2m", dim="lat")


# =========================================================================== --axis on NetCDF

def ref_axis_nc(data, mask, dt, attrs, axes):
    data = np.asarray(data)
    mask = np.asarray(mask, bool)
    vals = data.astype(np.float64)
    mask = mask | np.isnan(vals)
    vals[mask] = np.nan
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = {"count": (~mask).sum(axis=axes), "missing": mask.sum(axis=axes),
             "min": np.nanmin(vals, axis=axes), "max": np.nanmax(vals, axis=axes),
             "mean": np.nanmean(vals, axis=axes), "std": np.nanstd(vals, axis=axes)}
    packed = "scale_factor" in attrs or "add_offset" in attrs
    exact = np.dtype(dt).kind in "iu" and not packed
    if exact:
        r["sum"] = np.where(mask, 0, data).astype(np.int64).sum(axis=axes)
    else:
        r["sum"] = np.nansum(vals, axis=axes)
    scale = float(np.nanmax(np.abs(vals))) if np.any(~mask) else 0.0
    return r, scale, exact, packed


@pytest.mark.parametrize("axes", ["0", "-1", "0,-1"])
@pytest.mark.parametrize("var", ["t2m", "sp", "n"])
@pytest.mark.parametrize("fmt", fmt_params(["NETCDF4", "NETCDF3_CLASSIC"]))
def test_axis_on_netcdf(tmp_path, run_cli, fmt, var, axes):
    """--axis on a NetCDF variable: the same CF decoding (fill, NaN, packing) per position."""
    p = write_month(tmp_path / "m.nc", fmt, "2021-06", 6)
    data, mask, dt, attrs = nc_read(p, var)
    ax = tuple(int(a) % data.ndim for a in axes.split(","))
    out = tmp_path / "out.h5"
    rc, so, se = run_cli("stats", f"{p}:{var}", "--axis", axes, "-o", out)
    assert rc == 0, se
    assert so.strip().startswith("wrote "), so
    exp, scale, exact, packed = ref_axis_nc(data, mask, dt, attrs, ax)
    rtol = RTOL32 if dt == np.float32 else RTOL64
    with h5py.File(out, "r") as f:
        g = f[f"/{var}"]
        for k, e in exp.items():
            got = g[k][()]
            assert np.shape(got) == e.shape, f"{k}: shape {np.shape(got)} != {e.shape}"
            if k in ("count", "missing") or (k == "sum" and exact):
                np.testing.assert_array_equal(got, e, err_msg=k)
            elif k in ("min", "max") and not packed:
                np.testing.assert_array_equal(got, e, err_msg=k)
            elif k == "sum":
                ok = exp["count"] > 0
                np.testing.assert_allclose(np.asarray(got)[ok], e[ok], rtol=rtol,
                                           atol=rtol * scale * data.size, err_msg=k)
            else:
                np.testing.assert_allclose(got, e, rtol=rtol, atol=rtol * scale,
                                           equal_nan=True, err_msg=k)


# =========================================================================== HDF5 seen as NetCDF-4

@pytest.mark.parametrize("marker", ["_NCProperties", "dimension_scale", "userblock"])
def test_hdf5_file_treated_as_netcdf4(tmp_path, stats_json, marker):
    """Contract: an HDF5 file is NetCDF-4 when its root has `_NCProperties` or any dataset is
    a dimension scale -- then the default fill of the type is missing."""
    p = tmp_path / "nc4like.h5"
    a = np.arange(30, dtype="i4").reshape(5, 6)
    a[1, 2] = dfv("i4")
    b = np.linspace(0, 1, 30, dtype="f4").reshape(5, 6)
    b[0, :2] = dfv("f4")
    kw = {"userblock_size": 512} if marker == "userblock" else {}
    with h5py.File(p, "w", **kw) as f:
        f["a"] = a
        f["b"] = b
        if marker in ("_NCProperties", "userblock"):
            f.attrs["_NCProperties"] = np.bytes_(
                b"version=2,netcdf=4.9.0,hdf5=1.14.0")
        else:
            f["x"] = np.arange(6, dtype="f8")
            f["x"].make_scale("x")
            f["a"].dims[1].attach_scale(f["x"])
    if marker == "userblock":
        with open(p, "r+b") as fh:
            assert fh.read(8) != b"\x89HDF\r\n\x1a\n"
    recs = {r["variable"]: r for r in stats_json(str(p))}
    assert recs["/a"]["missing"] == 1 and recs["/a"]["count"] == 29
    assert recs["/b"]["missing"] == 2 and recs["/b"]["count"] == 28
    check_record(recs["/a"], a, {"_FillValue": dfv("i4")}, variable="/a")
    check_record(recs["/b"], b, {"_FillValue": dfv("f4")}, variable="/b")


# =========================================================================== bytes and no-fill mode

BYTE_MODES = ["fill", "no_fill", "fillvalue", "missing_value", "short_records", "no_fill_short_records"]


@pytest.mark.parametrize("mode", BYTE_MODES)
@pytest.mark.parametrize("fmt,dtype", fmt_type_params(only=["i1", "u1"]))
def test_bytes_default_fill_as_netcdf4_python(tmp_path, stats_json, fmt, dtype, mode):
    """Issue 12: netCDF4-python masks the default fill of bytes (-127, 255) unless the
    variable is in no-fill mode (`no_fill != 1 or dtype not in (u1, i1)`). Only a NetCDF-4
    file keeps no-fill mode; a classic one reads back in fill mode. Checked against
    netCDF4-python, and the counts pinned here so that a change on either side shows."""
    p = tmp_path / "bytes.nc"
    fv = FILLS[dtype]
    default = dfv(dtype)
    rec = avoid(values(dtype, (NT, NY, NX), seed=40), default, fv)
    rec[0, 0, :3] = default
    rec[2, 1, :2] = fv
    fix = avoid(values(dtype, (NY, NX), seed=41), default, fv)
    fix[1, :4] = default
    written = NT - 2 if mode.endswith("short_records") else NT
    fill = {"no_fill": False, "no_fill_short_records": False, "fillvalue": fv}.get(mode)
    attrs = {"missing_value": typed(dtype, fv)} if mode == "missing_value" else None
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "time", "f8", ("time",), data=np.arange(NT, dtype="f8"))
        add_var(d, "rec", dtype, ("time", "y", "x"), data=rec[:written], fill=fill, attrs=attrs)
        add_var(d, "fix", dtype, ("y", "x"), data=fix, fill=fill, attrs=attrs)
    r = check_var(stats_json, p, "rec")
    f = check_var(stats_json, p, "fix")
    no_fill = fill is False and fmt in NC4_FORMATS
    if mode == "fillvalue":
        assert (r["missing"], f["missing"]) == (2, 0)
    elif mode == "missing_value":
        assert (r["missing"], f["missing"]) == (3 + 2, 4)
    elif mode == "short_records":   # the unwritten records read as the default fill
        assert (r["missing"], f["missing"]) == (3 + 2 * NY * NX, 4)
    elif not no_fill:
        assert (r["missing"], f["missing"]) == (3, 4)
    else:
        assert f["missing"] == 0 and r["missing"] == 0


@pytest.mark.parametrize("fillvalue", [None, 5])
def test_h5py_written_netcdf4_bytes(tmp_path, stats_json, fillvalue):
    """An HDF5 file with dimension scales follows the NetCDF-4 conventions; a dataset without a
    fill value of its own is in no-fill mode for libnetcdf, so netCDF4-python leaves the bytes'
    default fill unmasked there (and masks it for the other types); with a fill value set in
    HDF5 (and no _FillValue attribute) it masks it."""
    p = tmp_path / "h5nc.h5"
    data = {"i1": np.array([1, -127, 3, -127, 5, 6], "i1"), "u1": np.array([1, 255, 3, 4, 5, 6], "u1"),
            "i2": np.array([1, -32767, 3, 4, 5, 6], "i2")}
    with h5py.File(p, "w") as f:
        f["x"] = np.arange(6, dtype="f8")
        f["x"].make_scale("x")
        for name, a in data.items():
            f.create_dataset(name, data=a, fillvalue=fillvalue)
            f[name].dims[0].attach_scale(f["x"])
    recs = {r["variable"]: r for r in stats_json(str(p))}
    for name, a in data.items():
        ref = nc_ref(p, name)
        check_rec(recs["/" + name], ref, variable="/" + name, file=p)
        masked = fillvalue is not None or name == "i2"
        assert ref["missing"] == (int((a == dfv(a.dtype)).sum()) if masked else 0)


@pytest.mark.parametrize("fmt,dtype", fmt_type_params(formats=NC4_FORMATS))
def test_no_fill_record_variable_shorter_than_record_dimension(tmp_path, stats_json, fmt, dtype):
    """NetCDF-4, no-fill mode: records past the HDF5 dataset's extent read as the type's
    default fill (libnetcdf's nc4_get_fill_value: the dataset has no fill value of its own) --
    missing for every type but bytes, which netCDF4-python leaves unmasked in no-fill mode."""
    p = tmp_path / "short_nofill.nc"
    a = avoid(values(dtype, (NT - 2, NY, NX), seed=26), FILLS[dtype])
    with create(p, fmt, {"time": None, "y": NY, "x": NX}) as d:
        add_var(d, "time", "f8", ("time",), data=np.arange(NT, dtype="f8"))
        add_var(d, "rec", dtype, ("time", "y", "x"), data=a, fill=False)
    r = check_var(stats_json, p, "rec")
    assert r["missing"] == (0 if dtype in ("i1", "u1") else 2 * NY * NX)
