"""CF decoding fused into elementwise chains: expressions on packed and masked variables give
netCDF4-python's decoded values under the same expression in NumPy (and xarray's, where xarray
decodes to the same type: it unpacks int16 to float32 even with a float64 scale_factor) and,
bit for bit, the values of decoding first and computing after (the decoded array made whole,
then the expression)."""
import netCDF4
import numpy as np
import pytest
import xarray

SHAPE = (7, 2500)
CHUNKS = (3, 1100)  # edge chunks on both axes; a chunk spans several of the engine's tiles

# name: (stored dtype, attributes, decoded dtype). Attribute types matter: typed NumPy scalars.
CASES = {
    "int16_float64_packed_fill_missing_range": (
        "int16", {"scale_factor": np.float64(0.0015), "add_offset": np.float64(260.0), "_FillValue": np.int16(-32767),
                  "missing_value": np.int16(-999), "valid_range": np.array([-30000, 30000], np.int16)}, "float64"),
    "int16_float32_packed_fill": (
        "int16", {"scale_factor": np.float32(0.0015), "add_offset": np.float32(260.0),
                  "_FillValue": np.int16(-32767)}, "float32"),
    "int16_float64_scale_only": ("int16", {"scale_factor": np.float64(0.25)}, "float64"),
    "float32_fill_only": ("float32", {"_FillValue": np.float32(-1.0)}, "float32"),
    "float64_missing_value": ("float64", {"missing_value": np.float64(-999.0)}, "float64"),
}


def stored_values(dtype, attrs):
    n = int(np.prod(SHAPE))
    if np.dtype(dtype).kind == "i":
        values = (np.arange(n, dtype=np.int64) * 7919) % 65536 - 32768
        if "_FillValue" in attrs:
            values[::101] = -32767
            values[7::131] = -999
        else:  # nothing masked: not even netCDF's default fill value (-32767), which netCDF4-python masks
            values = np.clip(values, -32000, 32000)
        values = values.astype(dtype)
    else:
        values = (np.arange(n) * 0.37 - 400.0).astype(dtype)
        values[::101] = -1.0
        values[7::131] = -999.0
    return values.reshape(SHAPE)


def write(path, dtype, attrs):
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("y", SHAPE[0])
        ds.createDimension("x", SHAPE[1])
        v = ds.createVariable("v", dtype, ("y", "x"), chunksizes=CHUNKS, fill_value=attrs.get("_FillValue"))
        v.set_auto_maskandscale(False)
        for key, value in attrs.items():
            if key != "_FillValue":
                v.setncattr(key, value)
        v[:] = stored_values(dtype, attrs)


def netcdf4_python_decoded(path):
    """netCDF4-python's decoded values (fill, missing_value and valid_range masked), NaN where masked."""
    with netCDF4.Dataset(path) as ds:
        values = ds["v"][...]
    return np.ma.filled(values, np.nan) if np.ma.isMaskedArray(values) else np.asarray(values)


def xarray_decoded(path, attrs):
    """xarray's decoded values; it leaves valid_range alone, so that mask is applied here."""
    with xarray.open_dataset(path) as ds:
        values = ds["v"].values
    if "valid_range" in attrs:
        lo, hi = attrs["valid_range"]
        with xarray.open_dataset(path, mask_and_scale=False) as ds:
            stored = ds["v"].values
        values = np.where((stored < lo) | (stored > hi), np.nan, values).astype(values.dtype)
    return values


EXPRESSIONS = {
    "times_2_plus_1": lambda x, m: x * 2 + 1,
    "sqrt_abs": lambda x, m: m.sqrt(m.abs(x - 270)) / 3,
    "where": lambda x, m: m.where(x > 265, x, -1),
    "squares_plus_itself": lambda x, m: x * x + x,
}


@pytest.mark.parametrize("expression", sorted(EXPRESSIONS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_fused_decode_matches_xarray_and_decoding_first(ca, tmp_path, case, expression):
    dtype, attrs, decoded_dtype = CASES[case]
    path = str(tmp_path / "packed.nc")
    write(path, dtype, attrs)
    f = EXPRESSIONS[expression]
    x = ca.open(path, "v")
    assert x.dtype == np.dtype(decoded_dtype)
    fused = f(x, ca).compute()

    decoded = x.compute()  # the decode alone: no consumer to fuse into
    decoding_first = f(ca.from_array(decoded, chunks=CHUNKS), ca).compute()
    assert fused.dtype == decoding_first.dtype
    assert fused.tobytes() == decoding_first.tobytes()

    reference = f(netcdf4_python_decoded(path), np)
    assert reference.dtype == fused.dtype
    np.testing.assert_array_equal(fused, reference)
    by_xarray = f(xarray_decoded(path, attrs), np)
    if by_xarray.dtype == fused.dtype:
        np.testing.assert_array_equal(fused, by_xarray)
    assert np.isnan(decoded).any() == ("fill" in case or "missing" in case)  # the masks are exercised


def test_explain_shows_the_decode_fused(ca, tmp_path):
    path = str(tmp_path / "packed.nc")
    write(path, *CASES["int16_float32_packed_fill"][:2])
    text = ca.explain(ca.open(path, "v") * 2 + 1)
    optimized = text.split("optimized:")[1]
    decode_line = next(line for line in optimized.splitlines() if "decode_cf" in line)
    assert "[fused into its consumer]" in decode_line
