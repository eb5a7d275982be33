"""`chunkarr eval EXPR FILE...` against xarray on NetCDF files the tests write: one file, several
files and a glob joined along time, packed (int16 scale_factor/add_offset) and masked
(_FillValue) variables, selections, anomalies, quantiles; each error message (exit 1, one line
naming the problem, the expression and a caret; no output file left).
"""
import numpy as np
import pytest

netCDF4 = pytest.importorskip("netCDF4")
xr = pytest.importorskip("xarray")
h5py = pytest.importorskip("h5py")

YEARS = 3
SHAPE = (7, 5, 6)  # per file (time, lat, lon); stored chunks (2, 2, 4): edge chunks everywhere


def write_year(path, year, seed):
    rng = np.random.default_rng(seed)
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", None)
        ds.createDimension("lat", SHAPE[1])
        ds.createDimension("lon", SHAPE[2])
        time = ds.createVariable("time", "f8", ("time",))
        time.units = "days since 2000-01-01"
        time[:] = np.arange(SHAPE[0]) + year * SHAPE[0]
        ds.createVariable("lat", "f4", ("lat",))[:] = np.linspace(-40, 40, SHAPE[1])
        ds.createVariable("lon", "f8", ("lon",))[:] = np.arange(SHAPE[2]) * 15.0
        dims = ("time", "lat", "lon")
        t2m = ds.createVariable("t2m", "f4", dims, chunksizes=(2, 2, 4), fill_value=np.float32(-999))
        values = rng.normal(285, 8, SHAPE).astype("f4")
        values[0, 0, :3] = -999  # masked by _FillValue
        values[2, 1, 1] = np.nan
        values[:, 3, 4] = -999  # a lane with nothing but missing values
        t2m[:] = np.ma.masked_equal(values, -999)
        packed = ds.createVariable("packed", "i2", dims, chunksizes=(3, 5, 6), fill_value=np.int16(-32768))
        packed.scale_factor = np.float32(0.01)
        packed.add_offset = np.float32(250)
        raw = rng.integers(-3000, 3000, SHAPE).astype("i2")
        raw[1, 2, :] = -32768
        packed.set_auto_maskandscale(False)
        packed[:] = raw
        ds.createVariable("count_i4", "i4", dims)[:] = rng.integers(-50, 50, SHAPE).astype("i4")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("eval")
    for year in range(YEARS):
        write_year(d / f"year_{2000 + year}.nc", year, seed=100 + year)
    return d


@pytest.fixture(scope="module")
def one_file(data_dir):
    return data_dir / "year_2000.nc"


@pytest.fixture(scope="module")
def joined(data_dir):
    files = sorted(data_dir.glob("year_*.nc"))
    return xr.concat([xr.open_dataset(f, decode_times=False) for f in files], "time")


def open_result(path, name="result"):
    with xr.open_dataset(path, decode_times=False) as ds:
        return ds[name].load()


def check_matches(result, expected, rtol=1e-6, atol=1e-9):
    """Values (NaN where xarray has NaN), dimension names and coordinates."""
    assert result.dims == expected.dims
    np.testing.assert_allclose(result.values, expected.values, rtol=rtol, atol=atol, equal_nan=True)
    for dim in expected.dims:
        if dim in expected.coords:
            np.testing.assert_array_equal(result[dim].values, expected[dim].values)


def run_eval(run_cli, *args):
    code, out, err = run_cli("eval", *args)
    assert code == 0, err
    return out


@pytest.mark.parametrize(
    "expression, expected",
    [
        ('mean(t2m, "time")', lambda ds: ds.t2m.mean("time", skipna=True)),
        ('std(t2m, "time")', lambda ds: ds.t2m.std("time", skipna=True)),
        ('var(t2m, "lat", "lon")', lambda ds: ds.t2m.var(["lat", "lon"], skipna=True)),
        ('min(t2m, "lon")', lambda ds: ds.t2m.min("lon", skipna=True)),
        ('max(t2m, "time")', lambda ds: ds.t2m.max("time", skipna=True)),
        ('sum(t2m, "time")', lambda ds: ds.t2m.sum("time", skipna=True)),
        ('count(t2m, "time")', lambda ds: ds.t2m.count("time")),
        ('median(t2m, "time")', lambda ds: ds.t2m.median("time", skipna=True)),
        ('quantile(t2m, 0.9, "time")', lambda ds: ds.t2m.quantile(0.9, "time", skipna=True).drop_vars("quantile")),
        ('mean(packed, "time")', lambda ds: ds.packed.mean("time", skipna=True)),
        ('t2m[time=1:5, lat=-1] - 273.15', lambda ds: ds.t2m.isel(time=slice(1, 5), lat=-1) - 273.15),
        ('t2m[time=::3, lon=2]', lambda ds: ds.t2m.isel(time=slice(None, None, 3), lon=2)),
        ('mean(t2m - mean(t2m, "time"), "lat")', lambda ds: (ds.t2m - ds.t2m.mean("time")).mean("lat")),
        ("where(isnan(t2m), -1, clip(t2m, 280, 290))", lambda ds: xr.where(ds.t2m.isnull(), -1, ds.t2m.clip(280, 290))),
        ('(t2m > 285) & ~(packed < 250) | (t2m % 7 == 0)',
         lambda ds: ((ds.t2m > 285) & ~(ds.packed < 250)) | (ds.t2m % 7 == 0)),
        ("sqrt(abs(packed - 250)) + log10(t2m) * exp(-2) ** 2",
         lambda ds: np.sqrt(abs(ds.packed - 250)) + np.log10(ds.t2m) * np.exp(-2) ** 2),
        ("minimum(t2m, packed) + maximum(t2m[time=0], 280)",
         lambda ds: np.minimum(ds.t2m, ds.packed) + np.maximum(ds.t2m.isel(time=0), 280)),
        ('sum(count_i4, "lat") % 7', lambda ds: ds.count_i4.sum("lat") % 7),
    ],
)
def test_one_file_matches_xarray(run_cli, one_file, tmp_path, expression, expected):
    out = tmp_path / "out.nc"
    run_eval(run_cli, expression, one_file, "-o", out)
    with xr.open_dataset(one_file, decode_times=False) as ds:
        want = expected(ds).load()
    # float32 data around 285: a few float32 steps (3e-5) apart where the sums run in another order
    check_matches(open_result(out).astype("f8"), want.astype("f8"), rtol=2e-6, atol=1e-4)


def test_a_number_is_printed(run_cli, one_file):
    out = run_eval(run_cli, "mean(t2m) - 2 * 3", one_file)
    with xr.open_dataset(one_file) as ds:
        want = float(ds.t2m.mean(skipna=True).astype("f8")) - 6
    assert float(out) == pytest.approx(want, rel=1e-6)
    assert int(run_eval(run_cli, 'count(t2m[lat=3, lon=4])', one_file)) == 0


def test_a_number_with_o_is_a_scalar_variable(run_cli, one_file, tmp_path):
    out = tmp_path / "scalar.nc"
    run_eval(run_cli, "max(packed)", one_file, "-o", f"{out}:peak")
    with xr.open_dataset(one_file) as ds:
        want = float(ds.packed.max())
    result = open_result(out, "peak")
    assert result.dims == ()
    assert float(result) == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("how", ["glob", "files"])
def test_several_files_join_along_time(run_cli, data_dir, joined, tmp_path, how):
    out = tmp_path / "anomaly.nc"
    files = [str(data_dir / "year_*.nc")] if how == "glob" else [str(p) for p in sorted(data_dir.glob("year_*.nc"))]
    run_eval(run_cli, 'std(t2m - mean(t2m, "time"), "time")', *files, "-o", f"{out}:t2m_std", "--threads", "2",
             "--memory-limit", "64MB", "--no-progress")
    want = (joined.t2m - joined.t2m.mean("time")).std("time")
    check_matches(open_result(out, "t2m_std"), want, rtol=1e-5)
    # The joined time coordinate comes along with a selection across the files.
    out2 = tmp_path / "slice.nc"
    run_eval(run_cli, "t2m[time=5:16, lon=0]", *files, "-o", out2)
    check_matches(open_result(out2), joined.t2m.isel(time=slice(5, 16), lon=0))


def test_hdf5_output_and_compression(run_cli, one_file, tmp_path):
    out = tmp_path / "out.h5"
    run_eval(run_cli, 'mean(t2m, "time")', one_file, "-o", out, "--compression", "gzip")
    with xr.open_dataset(one_file) as ds:
        want = ds.t2m.mean("time", skipna=True).values
    with h5py.File(out, "r") as f:
        np.testing.assert_allclose(f["result"][...], want, rtol=1e-6, equal_nan=True)
        assert f["result"].compression == "gzip"


def test_explain_computes_nothing(run_cli, one_file, tmp_path):
    out = tmp_path / "never.nc"
    text = run_eval(run_cli, 'mean(t2m, "time")', one_file, "-o", out, "--explain")
    assert "t2m" in text
    assert not out.exists()


def test_help_documents_every_function(run_cli):
    code, out, _ = run_cli("eval", "--help")
    assert code == 0
    code, top, _ = run_cli("--help")
    assert code == 0 and "eval EXPR FILE" in top
    for name in ["mean", "std", "var", "min", "max", "sum", "median", "quantile", "count", "sqrt", "exp", "log",
                 "log10", "abs", "where", "isnan", "clip", "minimum", "maximum"]:
        assert f"  {name}(" in out, name
        assert name in top


@pytest.mark.parametrize(
    "expression, message, column",
    [
        ('mean(t3m, "time")', "unknown variable 't3m' (variables: count_i4, lat, lon, packed, t2m, time)", 5),
        ('mean(t2m, "level")', "unknown dimension 'level' (its dimensions: time, lat, lon)", 10),
        ("t2m[depth=0]", "unknown dimension 'depth'", 4),
        ("t2m[lat=0:2] + t2m", "shape mismatch: dimension lat has length 2 on one side and 5 on the other", 13),
        ("avg(t2m)", "unknown function 'avg'", 0),
        ("where(t2m > 0, t2m)", "where(c, a, b) takes 3 arguments, got 2", 0),
        ("mean(t2m, time)", "dimensions are given as quoted names", 10),
        ("(t2m + 1", "expected ')' but found end of expression", 8),
        ("t2m * * 2", "expected a number, a variable or '(' but found '*'", 6),
        ("t2m[lat=9]", "index 9 is out of range for dimension lat of length 5", 4),
    ],
)
def test_errors_name_the_problem_and_point_at_it(run_cli, one_file, tmp_path, expression, message, column):
    out = tmp_path / "out.nc"
    code, stdout, err = run_cli("eval", expression, one_file, "-o", out)
    assert code == 1
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 3, err
    assert lines[0].startswith("chunkarr: error: ") and message in lines[0]
    assert lines[0].endswith(f"at column {column + 1}")
    assert lines[1] == "  " + expression
    assert lines[2] == "  " + " " * column + "^"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either


def test_an_existing_output_is_left_as_it_was_on_error(run_cli, one_file, tmp_path):
    out = tmp_path / "keep.nc"
    out.write_bytes(b"precious")
    code, _, err = run_cli("eval", "mean(nothing)", one_file, "-o", out)
    assert code == 1 and "unknown variable" in err
    assert out.read_bytes() == b"precious"


def test_usage_errors(run_cli, one_file, data_dir):
    code, _, err = run_cli("eval", "mean(t2m)")
    assert code == 2 and err.count("\n") == 1 and "needs a FILE" in err
    code, _, err = run_cli("eval", 'mean(t2m, "time")', one_file)
    assert code == 2 and err.count("\n") == 1 and "give -o OUT.nc" in err
    code, _, err = run_cli("eval", "mean(t2m)", data_dir / "missing_*.nc")
    assert code == 1 and err.count("\n") == 1 and "no files match" in err


@pytest.fixture(scope="module")
def odd_h5(tmp_path_factory):
    """Plain HDF5 (no dimension names: dim_0, dim_1), big-endian, chunk size 1, one chunk,
    unsigned, a 0-d and an empty dataset."""
    path = tmp_path_factory.mktemp("eval_odd") / "odd.h5"
    rng = np.random.default_rng(7)
    with h5py.File(path, "w") as f:
        be = rng.normal(0, 1, (4, 6)).astype(">f8")
        be[1, 2] = np.nan
        f.create_dataset("be", data=be, chunks=(1, 1))
        f.create_dataset("u1", data=rng.integers(0, 255, (4, 6)).astype("u1"), chunks=(4, 6))
        f.create_dataset("i2", data=rng.integers(-300, 300, (4, 6)).astype("i2"), chunks=(3, 4))
        f.create_dataset("zero_d", data=np.float32(3.5))
        f.create_dataset("empty", shape=(0, 6), dtype="f4", chunks=(1, 6), maxshape=(None, 6))
    return path


@pytest.mark.parametrize(
    "expression, expected",
    [
        ('mean(be, "dim_0")', lambda f: np.nanmean(f["be"][...], axis=0)),
        ("be * u1 - i2", lambda f: f["be"][...] * f["u1"][...] - f["i2"][...]),
        ('sum(u1, "dim_1")', lambda f: f["u1"][...].sum(axis=1)),
        ('median(i2, "dim_1")', lambda f: np.median(f["i2"][...], axis=1)),
        ("be[dim_0=1:3, dim_1=-1] + zero_d", lambda f: f["be"][1:3, -1] + 3.5),
        ('mean(empty, "dim_0")', lambda f: np.full(6, np.nan)),
    ],
)
def test_odd_layouts_and_types_match_numpy(run_cli, odd_h5, tmp_path, expression, expected):
    out = tmp_path / "out.h5"
    run_eval(run_cli, expression, odd_h5, "-o", out)
    with h5py.File(odd_h5, "r") as f:
        want = expected(f)
    with h5py.File(out, "r") as f:
        np.testing.assert_allclose(f["result"][...], want, rtol=1e-12, equal_nan=True)


def test_odd_numbers_printed(run_cli, odd_h5):
    with h5py.File(odd_h5, "r") as f:
        be, u1 = f["be"][...], f["u1"][...]
    assert float(run_eval(run_cli, "sum(be)", odd_h5)) == pytest.approx(np.nansum(be), rel=1e-12)
    assert int(run_eval(run_cli, "sum(u1)", odd_h5)) == int(u1.sum(dtype="u8"))
    assert float(run_eval(run_cli, "zero_d * 2", odd_h5)) == 7.0
    assert float(run_eval(run_cli, "sum(empty)", odd_h5)) == 0.0
    assert int(run_eval(run_cli, "count(be)", odd_h5)) == 23


def test_ctrl_c_leaves_existing_output_and_no_temporary(interrupted_write, tmp_path):
    interrupted_write(tmp_path, "eval", "sqrt(t) * 2 - t", "{input}", "-o", "{output}", "--threads", "1",
                      "--compression", "gzip", "--no-progress")


def test_an_expression_may_start_with_minus(run_cli, one_file, tmp_path):
    with xr.open_dataset(one_file) as ds:
        want = -float(ds.t2m.mean(skipna=True).astype("f8"))
    assert float(run_eval(run_cli, "-mean(t2m)", one_file)) == pytest.approx(want, rel=1e-6)
    # After other options it goes after "--" (the usual end of the options).
    out = run_eval(run_cli, "--threads", "1", "--", "-mean(t2m) + 1", one_file)
    assert float(out) == pytest.approx(want + 1, rel=1e-6)
    code, _, err = run_cli("eval", "--threads", "1", "-mean(t2m)", one_file)
    assert code == 2 and "unknown option -mean(t2m)" in err
