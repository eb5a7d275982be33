"""`chunkarr stats --stats LIST` (only the asked statistics, in the asked order, median and
quantiles exact) and `--axis` by dimension name, against NumPy on netCDF4-python's decoded values.
"""
import csv
import io
import json
import warnings

import numpy as np
import pytest

netCDF4 = pytest.importorskip("netCDF4")
h5py = pytest.importorskip("h5py")

SHAPE = (5, 7, 9)  # chunks (2, 3, 4): edge chunks on every axis
BASIC = ["count", "missing", "min", "max", "mean", "std", "sum"]
ALL = BASIC + ["median", "p0", "p1", "p50", "p99", "p99.9", "p100"]
VARIABLES = ["f32", "f64", "i4", "packed", "u1"]  # the order stats lists them in


@pytest.fixture(scope="module")
def nc_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("stats_selection") / "data.nc"
    rng = np.random.default_rng(14)
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", SHAPE[0])
        ds.createDimension("lat", SHAPE[1])
        ds.createDimension("lon", SHAPE[2])
        dims = ("time", "lat", "lon")
        f64 = rng.normal(10, 3, SHAPE)
        f64[0, 1, 2] = np.nan
        f64[3] = np.nan  # a whole time step missing: undefined statistics there
        ds.createVariable("f64", "f8", dims, chunksizes=(2, 3, 4))[:] = f64
        ds.createVariable("f32", "f4", dims, chunksizes=(1, 7, 9))[:] = rng.normal(0, 1, SHAPE).astype("f4")
        i4 = ds.createVariable("i4", "i4", dims, chunksizes=(2, 3, 4), fill_value=-99)
        values = rng.integers(-1000, 1000, SHAPE).astype("i4")
        values[1, :3, :] = -99
        i4[:] = np.ma.masked_equal(values, -99)
        packed = ds.createVariable("packed", "i2", dims, chunksizes=(2, 3, 4), fill_value=-32768)
        packed.scale_factor = 0.01
        packed.add_offset = 20.0
        data = np.ma.masked_array(rng.normal(20, 5, SHAPE), mask=rng.random(SHAPE) < 0.1)
        packed[:] = data
        ds.createVariable("u1", "u1", dims, chunksizes=(5, 7, 9))[:] = rng.integers(0, 255, SHAPE).astype("u1")
    return path


def decoded(path, name):
    """The values after CF decoding with NaN where missing (what chunkarr reduces): float32 stays
    float32 (its quantiles interpolate in float32, as NumPy's), the rest is float64."""
    with netCDF4.Dataset(path) as ds:
        v = np.ma.masked_array(ds[name][:])
    return np.ma.filled(v.astype("f4" if v.dtype == np.float32 else "f8"), np.nan)


def expected(values, stat, axis=None, empty_sum=np.nan):
    """NumPy's value of `stat`; where nothing is counted NaN (printed as null), but the sum
    written with -o is NumPy's nansum there (0)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all-NaN slices: NaN is what we compare with
        count = np.sum(~np.isnan(values), axis=axis)
        if stat == "count":
            return count
        if stat == "missing":
            return np.sum(np.isnan(values), axis=axis)
        funcs = {"min": np.nanmin, "max": np.nanmax, "mean": np.nanmean, "std": np.nanstd, "sum": np.nansum,
                 "median": np.nanmedian}
        if stat in ("mean", "std", "sum"):
            values = values.astype("f8")  # chunkarr accumulates float32 in float64
        if stat in funcs:
            result = funcs[stat](values, axis=axis)
        else:
            result = np.nanpercentile(values, float(stat[1:]), axis=axis)
        return np.where(count == 0, empty_sum if stat == "sum" else np.nan, result)


def close(actual, wanted, stat):
    actual = np.asarray(actual, dtype="f8")
    wanted = np.asarray(wanted, dtype="f8")
    rtol = 1e-12 if stat not in ("mean", "std", "sum") else 1e-9
    np.testing.assert_allclose(actual, wanted, rtol=rtol, atol=1e-12, equal_nan=True, err_msg=stat)


def as_number(v):
    return np.nan if v is None else v


@pytest.mark.parametrize("stat", ALL)
def test_every_statistic_alone_matches_numpy(nc_file, stats_json, stat):
    rows = stats_json(nc_file, "--stats", stat)
    assert [r["variable"] for r in rows] == ["/" + v for v in VARIABLES]
    for row in rows:
        assert list(row)[-1] == stat, f"only {stat} after the header fields: {list(row)}"
        assert set(row) == {"file", "variable", "shape", "dtype", stat}
        close(row[stat], expected(decoded(nc_file, row["variable"][1:]), stat), f"{row['variable']} {stat}")


def test_integer_statistics_stay_exact_integers(nc_file, run_cli):
    rc, out, err = run_cli("stats", f"{nc_file}:i4", "--stats", "sum,max,min", "--format", "json")
    assert rc == 0, err
    row = json.loads(out)[0]
    assert list(row)[4:] == ["sum", "max", "min"]
    with netCDF4.Dataset(nc_file) as ds:
        masked = np.ma.masked_array(ds["i4"][:])
    values, mask = masked.data.astype("i8"), np.ma.getmaskarray(masked)
    assert row["sum"] == int(values[~mask].sum()) and isinstance(row["sum"], int)
    assert row["min"] == int(values[~mask].min()) and isinstance(row["min"], int)


COMBINATIONS = [["mean", "std"], ["p99", "min", "median", "count"], ["sum", "missing", "p1", "max", "p50"],
                list(reversed(ALL))]


@pytest.mark.parametrize("stats", COMBINATIONS, ids=lambda s: ",".join(s))
def test_combinations_in_the_given_order_in_json_csv_and_table(nc_file, stats_json, run_cli, stats):
    listing = ",".join(stats)
    rows = stats_json(f"{nc_file}:packed", "--stats", listing)
    assert list(rows[0])[4:] == stats
    values = decoded(nc_file, "packed")
    for stat in stats:
        close(rows[0][stat], expected(values, stat), stat)

    rc, out, err = run_cli("stats", f"{nc_file}:f64", "--stats", listing, "--format", "csv")
    assert rc == 0, err
    table = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == "file,variable,shape,dtype," + listing
    values = decoded(nc_file, "f64")
    for stat in stats:
        close(float(table[0][stat]), expected(values, stat), stat)

    rc, out, err = run_cli("stats", f"{nc_file}:u1", "--stats", listing)
    assert rc == 0, err
    header, line = out.splitlines()[:2]
    assert header.split() == ["variable", "shape", "dtype"] + stats
    cells = line.split()
    values = decoded(nc_file, "u1")
    # variable, then the shape "(5, 7, 9)" (three words), dtype, the statistics.
    for stat, cell in zip(stats, cells[5:]):
        np.testing.assert_allclose(float(cell), expected(values, stat), rtol=1e-6, err_msg=stat)


def test_default_output_is_the_classic_seven(nc_file, run_cli):
    rc, default, _ = run_cli("stats", nc_file, "--format", "csv")
    rc2, explicit, _ = run_cli("stats", nc_file, "--format", "csv", "--stats", ",".join(BASIC))
    assert rc == rc2 == 0
    assert default == explicit
    assert default.splitlines()[0] == "file,variable,shape,dtype,count,missing,min,max,mean,std,sum"


def test_only_the_asked_reductions_are_built(nc_file, run_cli):
    rc, out, err = run_cli("stats", f"{nc_file}:f64", "--stats", "min,max", "--explain")
    assert rc == 0, err
    graph = out.split("optimized:")[0]
    assert "nanmin(" in graph and "nanmax(" in graph
    for absent in ("nansum(", "nanmean(", "nanstd(", "nanquantile("):
        assert absent not in graph, f"--stats min,max built {absent}: {graph}"
    rc, out, err = run_cli("stats", f"{nc_file}:f64", "--stats", "p99,median", "--explain")
    assert rc == 0, err
    graph = out.split("optimized:")[0]
    assert "nanquantile(" in graph
    for absent in ("nansum(", "nanmean(", "nanstd(", "nanmin(", "nanmax("):
        assert absent not in graph
    rc, out, err = run_cli("stats", f"{nc_file}:f64", "--explain")
    assert all(f"{name}(" in out for name in ("nansum", "nanmean", "nanstd", "nanmin", "nanmax"))


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_per_dimension_with_selected_statistics(nc_file, run_cli, fmt):
    stats = ["p90", "count", "mean", "median"]
    rc, out, err = run_cli("stats", f"{nc_file}:f64", "--per", "time", "--stats", ",".join(stats), "--format", fmt)
    assert rc == 0, err
    values = decoded(nc_file, "f64")
    if fmt == "json":
        rows = json.loads(out)
        assert list(rows[0])[5:] == stats
        got = {s: [as_number(r[s]) for r in rows] for s in stats}
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert out.splitlines()[0] == "file,variable,dimension,index,coordinate," + ",".join(stats)
        got = {s: [float(r[s]) if r[s] else np.nan for r in rows] for s in stats}
    else:
        lines = out.splitlines()
        assert lines[1].split() == ["time", "coordinate"] + stats
        cells = [line.split() for line in lines[2:]]
        got = {s: [np.nan if c[2 + k] == "-" else float(c[2 + k]) for c in cells] for k, s in enumerate(stats)}
    for stat in stats:
        wanted = expected(values, stat, axis=(1, 2))
        if fmt == "table":
            np.testing.assert_allclose(got[stat], wanted, rtol=1e-6, equal_nan=True, err_msg=stat)
        else:
            close(got[stat], wanted, stat)
    assert np.isnan(got["median"][3]) and got["count"][3] == 0  # the all-missing time step


def test_per_default_table_is_unchanged(nc_file, run_cli):
    rc, out, _ = run_cli("stats", f"{nc_file}:f64", "--per", "time")
    assert rc == 0
    assert out.splitlines()[1].split() == ["time", "coordinate", "count", "missing", "min", "mean", "max", "std",
                                           "sum"]


def read_back(path, group, name):
    if str(path).endswith(".nc"):
        with netCDF4.Dataset(path) as ds:
            ds.set_auto_mask(False)
            v = ds[group][name]
            return v[:], v.dimensions
    with h5py.File(path, "r") as f:
        return f[group][name][()], None


@pytest.mark.parametrize("suffix", [".nc", ".h5"])
@pytest.mark.parametrize("axis,numeric,kept", [("time", (0,), ("lat", "lon")), ("lat,lon", (1, 2), ("time",)),
                                               ("0,lon", (0, 2), ("lat",)), ("-1", (2,), ("time", "lat"))])
def test_axis_by_name_and_number_writes_only_the_asked(nc_file, run_cli, tmp_path, suffix, axis, numeric, kept):
    stats = ["median", "p99", "min", "count", "sum"]
    out_path = tmp_path / f"out{suffix}"
    rc, out, err = run_cli("stats", nc_file, "--axis", axis, "--stats", ",".join(stats), "-o", out_path)
    assert rc == 0, err
    for variable in VARIABLES:
        values = decoded(nc_file, variable)
        if suffix == ".nc":
            with netCDF4.Dataset(out_path) as ds:
                assert sorted(ds[variable].variables) == sorted(stats)
        else:
            with h5py.File(out_path, "r") as f:
                assert sorted(f[variable]) == sorted(stats)
        for stat in stats:
            got, dims = read_back(out_path, variable, stat)
            if dims is not None:
                assert dims == kept
            wanted = expected(values, stat, axis=numeric, empty_sum=0)
            close(got, wanted, f"{variable} {stat} --axis {axis}")


def test_axis_name_and_number_give_the_same_file(nc_file, run_cli, tmp_path):
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    assert run_cli("stats", f"{nc_file}:f32", "--axis", "time,lon", "-o", a)[0] == 0
    assert run_cli("stats", f"{nc_file}:f32", "--axis", "0,2", "-o", b)[0] == 0
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        assert sorted(fa["f32"]) == sorted(fb["f32"]) == sorted(BASIC)
        for name in BASIC:
            np.testing.assert_array_equal(fa["f32"][name][()], fb["f32"][name][()])


@pytest.mark.parametrize("bad", ["foo", "p101", "p", "pq", "p-1", "mean,", "Mean", "p50x"])
def test_unknown_statistic_is_a_usage_error(nc_file, run_cli, bad):
    rc, out, err = run_cli("stats", nc_file, "--stats", bad)
    assert rc == 2, (out, err)
    item = bad.split(",")[-1] if bad.endswith(",") else bad
    assert f"'{item}'" in err and "count, missing, min, max, mean, std, sum, median" in err
    assert len(err.strip().splitlines()) == 1


def test_a_statistic_given_twice_is_a_usage_error(nc_file, run_cli):
    rc, _, err = run_cli("stats", nc_file, "--stats", "min,max,min")
    assert rc == 2 and "'min'" in err


def test_unknown_dimension_name_names_the_variable_and_its_dimensions(nc_file, run_cli, tmp_path):
    rc, _, err = run_cli("stats", f"{nc_file}:f64", "--axis", "depth", "-o", tmp_path / "x.nc")
    assert rc == 2
    assert "depth" in err and "/f64" in err and "time, lat, lon" in err
    assert not (tmp_path / "x.nc").exists()
    rc, _, err = run_cli("stats", f"{nc_file}:f64", "--axis", "time,time", "-o", tmp_path / "x.nc")
    assert rc == 2, err


def test_variables_with_different_dimensions_reduce_their_own_axes(tmp_path, run_cli):
    path = tmp_path / "mixed.nc"
    rng = np.random.default_rng(3)
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", 4)
        ds.createDimension("x", 3)
        ds.createDimension("y", 2)
        a = rng.normal(size=(4, 3))
        b = rng.normal(size=(2, 4))  # time is its second axis
        ds.createVariable("a", "f8", ("time", "x"))[:] = a
        ds.createVariable("b", "f8", ("y", "time"), chunksizes=(1, 3))[:] = b
    out = tmp_path / "out.h5"
    rc, _, err = run_cli("stats", path, "--axis", "time", "--stats", "mean,p25", "-o", out)
    assert rc == 0, err
    with h5py.File(out, "r") as f:
        np.testing.assert_allclose(f["a/mean"][()], a.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(f["b/mean"][()], b.mean(axis=1), rtol=1e-12)
        np.testing.assert_allclose(f["b/p25"][()], np.percentile(b, 25, axis=1), rtol=1e-12)
    rc, _, err = run_cli("stats", path, "--axis", "x", "-o", tmp_path / "bad.h5")
    assert rc == 2 and "/b" in err and "y, time" in err


def test_per_the_only_dimension_gives_each_value_as_its_quantiles(tmp_path, stats_json):
    path = tmp_path / "series.nc"
    values = np.array([1.5, np.nan, 3, -4], "f4")
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", 4)
        ds.createVariable("s", "f4", ("time",), chunksizes=(3,))[:] = values
    rows = stats_json(f"{path}:s", "--per", "time", "--stats", "median,p10,count,sum")
    assert [list(r)[5:] for r in rows] == [["median", "p10", "count", "sum"]] * 4
    assert [r["median"] for r in rows] == [1.5, None, 3.0, -4.0]
    assert [r["p10"] for r in rows] == [1.5, None, 3.0, -4.0]
    assert [r["count"] for r in rows] == [1, 0, 1, 1]


def test_axis_names_from_hdf5_dimension_scales(tmp_path, run_cli):
    path = tmp_path / "scales.h5"
    values = np.arange(30.0).reshape(5, 6)
    values[2, 3] = np.nan
    with h5py.File(path, "w") as f:
        for name, n in (("time", 5), ("x", 6)):
            f[name] = np.arange(float(n))
            f[name].make_scale(name)
        d = f.create_dataset("v", data=values, chunks=(2, 4))
        d.dims[0].attach_scale(f["time"])
        d.dims[1].attach_scale(f["x"])
    out = tmp_path / "out.h5"
    rc, _, err = run_cli("stats", f"{path}:v", "--axis", "x", "--stats", "p75,mean", "-o", out)
    assert rc == 0, err
    with h5py.File(out, "r") as f:
        assert sorted(f["v"]) == ["mean", "p75", "time"]  # with the kept dimension's coordinate
        np.testing.assert_array_equal(f["v/time"][()], np.arange(5.0))
        np.testing.assert_allclose(f["v/p75"][()], np.nanpercentile(values, 75, axis=1), rtol=1e-12)
        np.testing.assert_allclose(f["v/mean"][()], np.nanmean(values, axis=1), rtol=1e-12)
    rc, _, err = run_cli("stats", f"{path}:v", "--axis", "y", "-o", out)
    assert rc == 2 and "/v" in err and "time, x" in err
