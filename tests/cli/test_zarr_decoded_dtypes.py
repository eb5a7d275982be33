"""`chunkarr stats` and `chunkarr eval` on Zarr stores decode as xr.open_zarr does (issue 17
points 1-2): the dtype xarray gives packed and masked variables (float32 for int16 with a
fill value, say), so min and max are exactly xarray's decoded values, and float16 stores are
read as float32. References: xarray's decoded values reduced with NumPy."""
import json
import warnings

import numcodecs
import numpy as np
import pytest
import zarr

xr = pytest.importorskip("xarray")
netCDF4 = pytest.importorskip("netCDF4")


def to_zarr_store(path, encoding, seed=5):
    rng = np.random.default_rng(seed)
    data = rng.normal(280, 10, size=(9, 7, 6))
    data[0, 0, :] = np.nan
    data[4, 2, 3] = np.nan
    ds = xr.Dataset({"v": (("time", "lat", "lon"), data)})
    ds["v"].encoding = dict(encoding, chunks=(2, 3, 4))
    ds.to_zarr(str(path), mode="w")
    return decoded(path)


def decoded(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xr.open_zarr(str(path))["v"].values


def check_stats(rec, expected):
    """count/missing exact; min/max exactly xarray's decoded values; mean/std/sum of them in float64."""
    values = expected.astype(np.float64)
    good = values[~np.isnan(values)]
    assert (rec["count"], rec["missing"]) == (good.size, values.size - good.size)
    assert (rec["min"], rec["max"]) == (good.min(), good.max())
    assert rec["mean"] == pytest.approx(good.mean(), rel=1e-12)
    assert rec["std"] == pytest.approx(good.std(), rel=1e-9)
    assert rec["sum"] == pytest.approx(good.sum(), rel=1e-12)


ENCODINGS = {
    "int16-offset-fill": {"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0, "_FillValue": -32767},
    "uint8-fill": {"dtype": "uint8", "scale_factor": 0.5, "add_offset": 200.0, "_FillValue": 255},
    "int32-offset-fill": {"dtype": "int32", "scale_factor": 1e-4, "add_offset": 280.0, "_FillValue": -1},
    "float32-fill": {"dtype": "float32", "_FillValue": -9999.0},
}


@pytest.mark.parametrize("name", ENCODINGS)
def test_stats_match_xarray(tmp_path, stats_json, name):
    expected = to_zarr_store(tmp_path / "x.zarr", ENCODINGS[name])
    [rec] = stats_json(f"{tmp_path / 'x.zarr'}:v")
    check_stats(rec, expected)


def test_stats_per_time_and_eval_match_xarray(tmp_path, stats_json, run_cli):
    store = tmp_path / "x.zarr"
    expected = to_zarr_store(store, ENCODINGS["int16-offset-fill"])
    assert expected.dtype == np.float32  # masked int16: xarray's float32, whatever the offset
    rows = stats_json(f"{store}:v", "--per", "time")
    for i, row in enumerate(rows):
        check_stats(row, expected[i])
    # A number eval prints is xarray's decoded maximum exactly (float32 printed in full).
    rc, out, err = run_cli("eval", "max(v)", store)
    assert rc == 0, err
    assert float(out) == float(np.nanmax(expected))
    # A written eval result: float32, as xarray's mean of its float32 values.
    rc, _, err = run_cli("eval", 'mean(v, "time")', store, "-o", tmp_path / "m.nc:m")
    assert rc == 0, err
    with netCDF4.Dataset(tmp_path / "m.nc") as f:
        m = f["m"][...].filled(np.nan)
        assert f["m"].dtype == np.float32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_allclose(m, np.nanmean(expected.astype(np.float64), axis=0), rtol=1e-6)


@pytest.mark.parametrize("endian", ["<", ">"])
def test_stats_of_float16_store(tmp_path, stats_json, run_cli, endian):
    rng = np.random.default_rng(2)
    data = (rng.normal(0, 50, size=(11, 13))).astype(np.float16)
    data[3, :4] = np.nan
    z = zarr.open_array(str(tmp_path / "h.zarr"), mode="w", shape=data.shape, chunks=(4, 5),
                        dtype=np.dtype("f2").newbyteorder(endian), fill_value=np.nan,
                        compressor=numcodecs.Blosc("lz4", shuffle=numcodecs.Blosc.SHUFFLE))
    z[:8] = data[:8]  # rows 8.. in unwritten chunks: NaN, the fill value
    raw = zarr.open_array(str(tmp_path / "h.zarr"), mode="r")[...]
    [rec] = stats_json(tmp_path / "h.zarr")
    assert rec["dtype"] == "float32"
    check_stats(rec, raw)
    assert rec["missing"] == 4 + 3 * 13
    rc, out, err = run_cli("info", tmp_path / "h.zarr", "--format", "json")
    assert rc == 0, err
    [row] = json.loads(out)
    assert (row["dtype"], row["byte_order"], row["nbytes"]) == ("float16", endian, 2 * data.size)


def test_stats_of_a_complex_array_is_one_line_saying_to_take_parts(tmp_path, run_cli):
    root = zarr.open_group(str(tmp_path / "c.zarr"), mode="w")
    root.create_dataset("wave", shape=(4,), chunks=(2,), dtype="<c16")
    rc, out, err = run_cli("stats", f"{tmp_path / 'c.zarr'}:wave")
    assert rc == 1 and out == ""
    [line] = err.strip().splitlines()
    assert "c.zarr" in line and "/wave" in line and "complex128" in line and "real(wave)" in line
