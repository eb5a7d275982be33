"""Attributes in the files `chunkarr eval` and `chunkarr stats --axis -o` write: each coordinate
variable keeps the attributes of the input's (units, calendar, standard_name, long_name, axis,
numbers of their own type; not `bounds`, whose variable is not written), so xarray decodes a
written CF time axis to the same dates as the input's; the result variable carries none; the
file has a global `history` line naming the command. Checked with xarray, netCDF4 and h5py on
files the tests write.
"""
import numpy as np
import pytest

netCDF4 = pytest.importorskip("netCDF4")
xr = pytest.importorskip("xarray")
h5py = pytest.importorskip("h5py")

SHAPE = (24, 3, 4)  # (time, lat, lon)

# What each coordinate of the input carries, as the test writes it (`bounds` is added on top).
COORDINATE_ATTRIBUTES = {
    "time": {"units": "days since 2000-01-01", "standard_name": "time", "long_name": "time", "axis": "T"},
    "lat": {"units": "degrees_north", "standard_name": "latitude", "axis": "Y",
            "valid_range": np.array([-90, 90], dtype="f4")},
    "lon": {"units": "degrees_east", "standard_name": "longitude", "axis": "X",
            "grid_step": np.int16(90), "origin": np.float64(0.25), "levels": np.array([1, 2, 3], dtype="i4")},
}


def expected_attributes(name, calendar):
    attributes = dict(COORDINATE_ATTRIBUTES[name])
    if name == "time":
        attributes["calendar"] = calendar
    return attributes


def write_input(path, calendar):
    rng = np.random.default_rng(7)
    with netCDF4.Dataset(path, "w") as ds:
        ds.history = "written by the test"
        ds.createDimension("time", None)
        ds.createDimension("lat", SHAPE[1])
        ds.createDimension("lon", SHAPE[2])
        ds.createDimension("nv", 2)
        time = ds.createVariable("time", "f8", ("time",))
        time[:] = np.arange(SHAPE[0]) * 30.5 + 0.5  # crosses 29 February 2000 (not in noleap)
        lat = ds.createVariable("lat", "f4", ("lat",))
        lat[:] = [-30, 0, 30]
        lon = ds.createVariable("lon", "f8", ("lon",))
        lon[:] = [0, 90, 180, 270]
        for variable, name in ((time, "time"), (lat, "lat"), (lon, "lon")):
            for key, value in expected_attributes(name, calendar).items():
                variable.setncattr(key, value)
        time.bounds = "time_bnds"
        ds.createVariable("time_bnds", "f8", ("time", "nv"))[:] = np.stack([time[:] - 0.5, time[:] + 0.5], axis=1)
        t2m = ds.createVariable("t2m", "f4", ("time", "lat", "lon"), chunksizes=(5, 2, 3), fill_value=np.float32(-999))
        t2m.units = "K"
        t2m.long_name = "2 metre temperature"
        t2m[:] = rng.normal(280, 5, SHAPE).astype("f4")


@pytest.fixture(scope="module", params=["noleap", "standard"])
def calendar_input(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("attributes") / f"in_{request.param}.nc"
    write_input(path, request.param)
    return request.param, path


def check_same_attributes(actual, expected, where):
    assert set(actual) == set(expected), where
    for key, value in expected.items():
        got = actual[key]
        if isinstance(value, str):
            assert isinstance(got, str) and got == value, (where, key, got)
        else:
            got, value = np.asarray(got), np.asarray(value)
            assert got.dtype == value.dtype, (where, key, got.dtype, value.dtype)
            np.testing.assert_array_equal(got.reshape(-1), value.reshape(-1), err_msg=f"{where} {key}")


def netcdf_attributes(variable):
    return {key: variable.getncattr(key) for key in variable.ncattrs()}


def check_history(history, command, *words):
    """Our line first, then the input's history (as CDO and NCO add theirs)."""
    ours, _, earlier = history.partition("\n")
    assert f": chunkarr {command} " in ours
    assert earlier == "written by the test"
    for word in words:
        assert word in ours, (ours, word)


def check_time_mean_as_xarray(given, written):
    """`tmean` = mean(t2m[time=2:20], "lat") written with its time axis: dims, and the dates
    xarray decodes equal the input's (same type: cftime for noleap, datetime64 for standard)."""
    expected_time = given.time.isel(time=slice(2, 20))
    assert written.tmean.dims == ("time", "lon")
    np.testing.assert_array_equal(written.time.values, expected_time.values)
    assert type(written.time.values[0]) is type(expected_time.values[0])


def test_eval_keeps_coordinate_attributes_and_decodes_times(run_cli, calendar_input, tmp_path):
    calendar, source = calendar_input
    out = tmp_path / "out.nc"
    code, _, err = run_cli("eval", 'mean(t2m[time=2:20], "lat")', str(source), "-o", f"{out}:tmean")
    assert code == 0, err
    with xr.open_dataset(source) as given, xr.open_dataset(out) as written:
        check_time_mean_as_xarray(given, written)
        np.testing.assert_allclose(written.tmean.values, given.t2m.isel(time=slice(2, 20)).mean("lat").values,
                                   rtol=1e-6)
    with netCDF4.Dataset(out) as ds:
        assert set(ds.variables) == {"time", "lon", "tmean"}
        check_same_attributes(netcdf_attributes(ds["time"]), expected_attributes("time", calendar), "time")
        check_same_attributes(netcdf_attributes(ds["lon"]), expected_attributes("lon", calendar), "lon")
        assert ds["tmean"].ncattrs() == []  # a reduction drops the variable's attributes
        check_history(ds.getncattr("history"), "eval", "'mean(t2m[time=2:20], \"lat\")'", str(source))


def test_eval_elementwise_result_has_no_attributes(run_cli, calendar_input, tmp_path):
    calendar, source = calendar_input
    out = tmp_path / "out.nc"
    code, _, err = run_cli("eval", "t2m[lon=1:3] - 273.15", str(source), "-o", str(out))
    assert code == 0, err
    with netCDF4.Dataset(out) as ds:
        assert ds["result"].ncattrs() == []
        for name in ("time", "lat", "lon"):
            check_same_attributes(netcdf_attributes(ds[name]), expected_attributes(name, calendar), name)
        np.testing.assert_array_equal(ds["lon"][:], [90, 180])
    with xr.open_dataset(source) as given, xr.open_dataset(out) as written:
        np.testing.assert_array_equal(written.time.values, given.time.values)


def test_eval_hdf5_output_attributes(run_cli, calendar_input, tmp_path):
    calendar, source = calendar_input
    out = tmp_path / "out.h5"
    code, _, err = run_cli("eval", 'max(t2m, "time")', str(source), "-o", str(out))
    assert code == 0, err
    with h5py.File(out, "r") as f:
        for name in ("lat", "lon"):
            attributes = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f[name].attrs.items()}
            check_same_attributes(attributes, expected_attributes(name, calendar), name)
        assert "time" not in f
        assert dict(f["result"].attrs) == {}
        check_history(f.attrs["history"], "eval", "'max(t2m, \"time\")'")


def test_stats_netcdf_output_has_coordinates_with_attributes(run_cli, calendar_input, tmp_path):
    calendar, source = calendar_input
    out = tmp_path / "stats.nc"
    code, _, err = run_cli("stats", f"{source}:t2m", "--axis", "lat,lon", "--stats", "mean,max", "-o", str(out))
    assert code == 0, err
    with xr.open_dataset(source) as given, xr.open_dataset(out, group="t2m") as written:
        np.testing.assert_array_equal(written.time.values, given.time.values)
        np.testing.assert_allclose(written["mean"].values, given.t2m.mean(["lat", "lon"]).values, rtol=1e-6)
        assert written["mean"].attrs == {}
    with netCDF4.Dataset(out) as ds:
        check_same_attributes(netcdf_attributes(ds["t2m"]["time"]), expected_attributes("time", calendar), "time")
        assert ds["t2m"]["max"].ncattrs() == []
        check_history(ds.getncattr("history"), "stats", f"{source}:t2m", "--axis lat,lon")


def test_stats_hdf5_output_has_coordinates_with_attributes(run_cli, calendar_input, tmp_path):
    calendar, source = calendar_input
    out = tmp_path / "stats.h5"
    code, _, err = run_cli("stats", f"{source}:t2m", "--axis", "time", "--stats", "std", "-o", str(out))
    assert code == 0, err
    with h5py.File(out, "r") as f, netCDF4.Dataset(source) as given:
        for name in ("lat", "lon"):
            np.testing.assert_array_equal(f["t2m"][name][:], given[name][:])
            attributes = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f["t2m"][name].attrs.items()}
            check_same_attributes(attributes, expected_attributes(name, calendar), name)
        check_history(f.attrs["history"], "stats", "--stats std")


def test_eval_over_a_glob_keeps_the_joined_time_attributes(run_cli, tmp_path):
    for year in (0, 1):
        path = tmp_path / f"part_{year}.nc"
        write_input(path, "noleap")
        with netCDF4.Dataset(path, "a") as ds:
            ds["time"][:] = ds["time"][:] + 365 * year
    out = tmp_path / "out.nc"
    code, _, err = run_cli("eval", 'mean(t2m, "lat", "lon")', str(tmp_path / "part_*.nc"), "-o", str(out))
    assert code == 0, err
    parts = [xr.open_dataset(tmp_path / f"part_{year}.nc") for year in (0, 1)]
    with xr.open_dataset(out) as written:
        np.testing.assert_array_equal(written.time.values, np.concatenate([p.time.values for p in parts]))
    for p in parts:
        p.close()
    with netCDF4.Dataset(out) as ds:
        check_same_attributes(netcdf_attributes(ds["time"]), expected_attributes("time", "noleap"), "time")
        check_history(ds.getncattr("history"), "eval", "'mean(t2m, \"lat\", \"lon\")'", "part_*.nc")


def test_history_without_an_input_history_is_one_line(run_cli, tmp_path):
    path = tmp_path / "plain.nc"
    write_input(path, "standard")
    with netCDF4.Dataset(path, "a") as ds:
        ds.delncattr("history")
    out = tmp_path / "out.nc"
    code, _, err = run_cli("eval", "t2m * 2", str(path), "-o", str(out))
    assert code == 0, err
    with netCDF4.Dataset(out) as ds:
        history = ds.getncattr("history")
    assert "\n" not in history and history.endswith(f"chunkarr eval 't2m * 2' {path} -o {out}")


def test_an_attribute_name_netcdf_cannot_hold_is_left_out_of_netcdf_only(run_cli, tmp_path):
    path = tmp_path / "in.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3.0)
        f["x"].make_scale("x")
        f["x"].attrs["a/b"] = "not a netCDF name"
        f["x"].attrs["units"] = "m"
        f["y"] = np.arange(2.0)
        f["y"].make_scale("y")
        v = f.create_dataset("v", data=np.arange(6.0).reshape(3, 2))
        v.dims[0].attach_scale(f["x"])
        v.dims[1].attach_scale(f["y"])
    code, _, err = run_cli("eval", 'mean(v, "y")', str(path), "-o", str(tmp_path / "out.nc"))
    assert code == 0, err
    with netCDF4.Dataset(tmp_path / "out.nc") as ds:
        assert netcdf_attributes(ds["x"]) == {"units": "m"}
        np.testing.assert_array_equal(ds["result"][:], [0.5, 2.5, 4.5])
    code, _, err = run_cli("eval", 'mean(v, "y")', str(path), "-o", str(tmp_path / "out.h5"))
    assert code == 0, err
    with h5py.File(tmp_path / "out.h5", "r") as f:
        assert dict(f["x"].attrs) == {"a/b": "not a netCDF name", "units": "m"}


def test_eval_zarr_output_keeps_coordinate_attributes(run_cli, calendar_input, tmp_path):
    # .zattrs carry them as zarr-python writes attributes; xarray's open_zarr decodes the times.
    zarr = pytest.importorskip("zarr")
    calendar, source = calendar_input
    out = tmp_path / "out.zarr"
    code, _, err = run_cli("eval", 'mean(t2m[time=2:20], "lat")', str(source), "-o", f"{out}:tmean")
    assert code == 0, err
    with xr.open_dataset(source) as given, xr.open_zarr(out) as written:
        check_time_mean_as_xarray(given, written)
    store = zarr.open_group(str(out), mode="r")
    for name in ("time", "lon"):
        attributes = dict(store[name].attrs)
        assert attributes.pop("_ARRAY_DIMENSIONS") == [name]
        for key, value in expected_attributes(name, calendar).items():
            if isinstance(value, str):
                assert attributes[key] == value, (name, key)
            else:
                np.testing.assert_array_equal(np.reshape(attributes[key], -1), np.reshape(value, -1))
                assert isinstance(np.reshape(attributes[key], -1)[0].item(), type(np.reshape(value, -1)[0].item()))
        assert set(attributes) == set(expected_attributes(name, calendar))
    assert dict(store["tmean"].attrs) == {"_ARRAY_DIMENSIONS": ["time", "lon"]}
    check_history(store.attrs["history"], "eval", "'mean(t2m[time=2:20], \"lat\")'", str(source))
