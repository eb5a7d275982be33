"""`chunkarr stats --axis ... -o OUT` through the streaming store: NetCDF-4 output for .nc (with
the input's dimension names), --compression/--compression-level, read back with h5py and
netCDF4-python and compared with NumPy."""
import sys
from pathlib import Path

import h5py
import netCDF4
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_bad_input import assert_error  # noqa: E402


@pytest.fixture
def nc_input(tmp_path):
    p = tmp_path / "in.nc"
    rng = np.random.default_rng(5)
    t = (280 + 10 * rng.standard_normal((7, 9, 11))).astype("f4")
    with netCDF4.Dataset(p, "w") as ds:
        ds.createDimension("time", None)
        ds.createDimension("lat", 9)
        ds.createDimension("lon", 11)
        v = ds.createVariable("t2m", "f4", ("time", "lat", "lon"), chunksizes=(2, 4, 11), zlib=True)
        v[:] = t
    return p, t


def test_axis_output_as_netcdf4_with_dimension_names(nc_input, run_cli, tmp_path):
    p, t = nc_input
    out = tmp_path / "clim.nc"
    rc, so, se = run_cli("stats", f"{p}:t2m", "--axis", "0", "-o", out, "--compression", "gzip")
    assert rc == 0, se
    assert so.startswith("wrote ")
    with netCDF4.Dataset(out) as ds:
        g = ds["t2m"]
        assert sorted(g.variables) == ["count", "max", "mean", "min", "missing", "std", "sum"]
        for name in g.variables:
            assert g[name].dimensions == ("lat", "lon")
            assert g[name].filters()["zlib"]
        values = t.astype("f8")
        np.testing.assert_array_equal(g["count"][...], np.full((9, 11), 7))
        np.testing.assert_array_equal(g["min"][...], values.min(axis=0))
        np.testing.assert_allclose(g["mean"][...], values.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(g["std"][...], values.std(axis=0), rtol=1e-10)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["clim.nc", "in.nc"]


def test_axis_output_compression_level(nc_input, run_cli, tmp_path):
    p, t = nc_input
    out = tmp_path / "out.h5"
    rc, so, se = run_cli("stats", f"{p}:t2m", "--axis", "1,2", "-o", out, "--compression-level", "7")
    assert rc == 0, se
    with h5py.File(out, "r") as f:
        d = f["t2m/mean"]
        assert d.compression == "gzip" and d.compression_opts == 7 and d.shuffle
        np.testing.assert_allclose(d[()], t.astype("f8").mean(axis=(1, 2)), rtol=1e-12)
    rc, so, se = run_cli("stats", f"{p}:t2m", "--axis", "2", "-o", out, "--compression", "none")
    assert rc == 0, se
    with h5py.File(out, "r") as f:
        assert f["t2m/max"].compression is None
        np.testing.assert_array_equal(f["t2m/max"][()], t.astype("f8").max(axis=2))


@pytest.mark.parametrize("args", [["--compression", "lz4"], ["--compression-level", "0"],
                                  ["--compression-level", "10"]])
def test_bad_compression_options(nc_input, run_cli, tmp_path, args):
    p, _ = nc_input
    out = tmp_path / "out.h5"
    out.write_bytes(b"precious")
    assert_error(run_cli("stats", f"{p}:t2m", "--axis", "0", "-o", out, *args), 2, "compression")
    assert out.read_bytes() == b"precious"


def test_compression_needs_output(nc_input, run_cli):
    p, _ = nc_input
    assert_error(run_cli("stats", f"{p}:t2m", "--compression", "gzip"), 2, "compression")


def test_help_mentions_store_options(run_cli):
    rc, so, se = run_cli("stats", "--help")
    assert rc == 0
    assert "--compression" in so and "NetCDF-4" in so


def test_ctrl_c_leaves_existing_output_and_no_temporary(interrupted_write, tmp_path):
    interrupted_write(tmp_path, "stats", "{input}:t", "--axis", "0", "-o", "{output}", "--threads", "1", "--no-progress")
