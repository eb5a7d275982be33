"""CF unpacking keeps the type of scale_factor/add_offset: ca.open() gives the dtype and values
netCDF4-python gives (float32 scale_factor on int16 data: float32), for files written with
netCDF4-python and with h5py; masked integers that are not unpacked are float64 (chunkarr's
NaN contract: netCDF4-python returns a masked integer array there)."""
import h5py
import netCDF4
import numpy as np
import pytest
import xarray

from conftest import assert_matches

# name: (stored dtype, attributes); attribute types matter, so each is a typed NumPy scalar.
CASES = {
    "int16_float32_scale_and_offset": ("int16", {"scale_factor": np.float32(0.1), "add_offset": np.float32(5)}),
    "int16_float32_scale": ("int16", {"scale_factor": np.float32(0.1)}),
    "int16_float64_scale_and_offset": ("int16", {"scale_factor": np.float64(0.1), "add_offset": np.float64(5)}),
    "int16_float32_scale_float64_offset": ("int16", {"scale_factor": np.float32(0.1), "add_offset": np.float64(5)}),
    "int16_float32_offset": ("int16", {"add_offset": np.float32(3.25)}),
    "int16_neutral_float32_pair": ("int16", {"scale_factor": np.float32(1), "add_offset": np.float32(0)}),
    "int32_float32_scale_and_offset": ("int32", {"scale_factor": np.float32(0.1), "add_offset": np.float32(5)}),
    "int8_float32_scale": ("int8", {"scale_factor": np.float32(0.1)}),
    "uint8_float32_scale": ("uint8", {"scale_factor": np.float32(0.1)}),
    "uint16_float32_scale_and_fill": ("uint16", {"scale_factor": np.float32(0.5), "_FillValue": np.uint16(7)}),
    "float32_float64_scale": ("float32", {"scale_factor": np.float64(0.1)}),
    "float64_float32_scale": ("float64", {"scale_factor": np.float32(0.1)}),
    "int16_fill_only": ("int16", {"_FillValue": np.int16(-1)}),
    "float32_fill_only": ("float32", {"_FillValue": np.float32(-1)}),
}

SHAPE = (7, 5)
CHUNKS = (3, 2)  # edge chunks on both axes


def stored_values(dtype):
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    values = np.arange(np.prod(SHAPE)).reshape(SHAPE) * 3 - 20
    if info is not None:
        values = np.clip(values, info.min, info.max)
    values = values.astype(dtype)
    values.flat[4] = 7 if np.dtype(dtype).kind == "u" else -1  # the fill value of the fill cases
    return values


def write_netcdf4(path, name, dtype, attrs):
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("y", SHAPE[0])
        ds.createDimension("x", SHAPE[1])
        v = ds.createVariable(name, dtype, ("y", "x"), chunksizes=CHUNKS, fill_value=attrs.get("_FillValue"))
        v.set_auto_maskandscale(False)
        for key, value in attrs.items():
            if key != "_FillValue":
                v.setncattr(key, value)
        v[:] = stored_values(dtype)


def write_h5py(path, name, dtype, attrs):
    with h5py.File(path, "w") as f:
        d = f.create_dataset(name, data=stored_values(dtype), chunks=CHUNKS)
        for key, value in attrs.items():
            d.attrs[key] = value


def netcdf4_python(path, name):
    """netCDF4-python's decoded dtype and values, masked ones as NaN."""
    with netCDF4.Dataset(path) as ds:
        v = ds.variables[name][...]
    if np.ma.isMaskedArray(v) and v.dtype.kind == "f":
        return v.dtype, np.ma.filled(v, np.nan)
    if np.ma.isMaskedArray(v):
        return v.dtype, np.ma.filled(v.astype(np.float64), np.nan)
    return v.dtype, np.asarray(v)


@pytest.mark.parametrize("writer", [write_netcdf4, write_h5py], ids=["netCDF4", "h5py"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_unpacked_dtype_and_values_as_netcdf4_python(ca, tmp_path, case, writer):
    dtype, attrs = CASES[case]
    path = str(tmp_path / "packed.nc")
    writer(path, "v", dtype, attrs)
    nc_dtype, expected = netcdf4_python(path, "v")
    x = ca.open(path, "v")
    if nc_dtype.kind == "f":
        assert x.dtype == nc_dtype, f"{case}: netCDF4-python gives {nc_dtype}, chunkarr {x.dtype}"
    else:  # netCDF4-python keeps masked integers integer; chunkarr makes them float64 (NaN)
        assert x.dtype == np.float64
    got = x.compute()
    assert got.dtype == x.dtype
    # The same operations in the same type: the same numbers, bit for bit.
    np.testing.assert_array_equal(got, expected.astype(x.dtype))


@pytest.mark.parametrize("case", ["int16_float32_scale", "int8_float32_scale", "float32_float64_scale",
                                  "int16_float64_scale_and_offset"])
def test_values_as_xarray(ca, tmp_path, case):
    # Where xarray's own dtype rule agrees with netCDF4-python's (it differs for an int16 with
    # add_offset: float64, and for masked int16: float32 where chunkarr gives float64).
    dtype, attrs = CASES[case]
    path = str(tmp_path / "packed.nc")
    write_netcdf4(path, "v", dtype, attrs)
    with xarray.open_dataset(path) as ds:
        expected = ds["v"].values
    x = ca.open(path, "v")
    assert x.dtype == expected.dtype
    assert_matches(x.compute(), expected)


def test_float32_unpacking_feeds_float64_statistics(ca, tmp_path):
    # Sums of float32-unpacked values accumulate like NumPy's float32 sum input, in float64
    # when asked.
    path = str(tmp_path / "packed.nc")
    write_netcdf4(path, "v", "int16", CASES["int16_float32_scale_and_offset"][1])
    _, expected = netcdf4_python(path, "v")
    x = ca.open(path, "v")
    assert x.dtype == np.float32
    got = x.sum(dtype=np.float64).compute()
    assert float(got) == pytest.approx(float(expected.astype(np.float64).sum()), rel=1e-12)
