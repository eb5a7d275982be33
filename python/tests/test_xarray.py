"""xarray over chunkarr arrays (issue 13, point 4).

Each case runs the same xarray code on a NumPy-backed DataArray and on a chunkarr-backed one
(odd chunks, NaN in the data, a datetime64 time coordinate) and compares values, dims, coords,
name and dtype; where xarray keeps the duck array it also checks that the result's data is
still a lazy chunkarr.Array. Cases that need a feature another branch adds (None or integer
arrays in indexing) skip, naming the feature, only while that feature is missing at run time.
"""
import os

import numpy as np
import pytest

xr = pytest.importorskip("xarray")
pd = pytest.importorskip("pandas")

TIME = pd.date_range("2000-01-30", periods=13, freq="11H")   # crosses a month; uneven days
LAT, LON = np.arange(4.0) * 10, np.arange(5.0) * 7 - 14


def _data(dtype):
    values = np.random.default_rng(13).standard_normal((13, 4, 5)) * 10
    if np.dtype(dtype).kind == "f":
        values[2, 1, 3] = values[7, 0, 0] = np.nan
        values[:, 3, 4] = np.nan   # a point that is missing all the time
    elif np.dtype(dtype).kind == "u":
        values = np.abs(values)
    elif np.dtype(dtype).kind == "b":
        values = values > 0
    return values.astype(dtype)


def _pair(ca, dtype=np.float64, chunks=(4, 3, 2)):
    """The same DataArray over NumPy and over chunkarr."""
    values = _data(dtype)

    def wrap(data):
        return xr.DataArray(data, dims=("time", "lat", "lon"), coords={"time": TIME, "lat": LAT, "lon": LON},
                            name="t", attrs={"units": "K"})
    return wrap(values), wrap(ca.from_array(values, chunks=chunks))


def _assert_same(ca, got, want, lazy=True):
    """got (from chunkarr data) equals want (from NumPy data): values, dims, coords, name, dtype."""
    assert isinstance(got, type(want))
    if lazy:
        assert isinstance(got.data, ca.Array), f"xarray's result holds {type(got.data)}, not a lazy chunkarr.Array"
    assert got.dims == want.dims and got.shape == want.shape
    assert got.dtype == want.dtype
    assert got.name == want.name
    assert set(got.coords) == set(want.coords)
    for name in want.coords:
        xr.testing.assert_identical(got.coords[name].reset_coords(drop=True),
                                    want.coords[name].reset_coords(drop=True))
    values = got.values
    assert type(values) is np.ndarray
    if want.dtype.kind == "f":
        np.testing.assert_allclose(values, want.values, rtol=1e-5 if want.dtype == np.float32 else 1e-12,
                                   atol=1e-12, equal_nan=True)
    else:
        np.testing.assert_array_equal(values, want.values)


def _needs(ca, feature):
    """Skip while chunkarr lacks an indexing feature another branch adds (checked at run time)."""
    x = ca.from_array(np.arange(20.0).reshape(4, 5), chunks=2)
    probes = {"None (np.newaxis) in indexing": lambda: x[None],
              "integer-array indexing": lambda: x[[0, 3]],
              # xarray turns lists on several dims into np.ix_-style broadcast integer arrays
              "outer (np.ix_) integer-array indexing": lambda: x[np.ix_([0, 3], [4, 1, 1])],
              "np.nanprod": lambda: np.nanprod(x, axis=0)}
    try:
        probes[feature]()
    except (TypeError, NotImplementedError):
        pytest.skip(f"needs {feature}")


WEIGHTS = xr.DataArray(np.array([1.0, 2.0, 0.5, 3.0]), dims="lat", coords={"lat": LAT})

# name: (xarray code, needs): xarray keeps the duck array through all of these.
LAZY_CASES = {
    "mean over time": (lambda d: d.mean("time"), None),
    "mean skipna=False": (lambda d: d.mean("time", skipna=False), None),
    "sum over two dims": (lambda d: d.sum(["lat", "lon"]), None),
    "sum skipna=False": (lambda d: d.sum(["lat", "lon"], skipna=False), None),
    "std": (lambda d: d.std("time"), None),
    "std ddof=1": (lambda d: d.std("lon", ddof=1), None),
    "max of all": (lambda d: d.max(), None),
    "max skipna=False": (lambda d: d.max("lat", skipna=False), None),
    "min keep_attrs": (lambda d: d.min("time", keep_attrs=True), None),
    "arithmetic, same dims": (lambda d: (d * 2 + 1) / (abs(d) + 3) - d ** 2, None),
    "comparison": (lambda d: d > 0.5, None),
    "where": (lambda d: d.where(d > 0), None),
    "where with other": (lambda d: d.where(d > 0, -1.0), None),
    "where with a DataArray other": (lambda d: d.where(d > 0, d * 10), None),
    "fillna": (lambda d: d.fillna(0.5), None),
    "isnull / notnull": (lambda d: d.isnull() | ~d.notnull(), None),
    "isel slices": (lambda d: d.isel(time=slice(1, 12, 3), lon=slice(None, 3)), None),
    "isel an integer": (lambda d: d.isel(lat=2), None),
    "sel slices": (lambda d: d.sel(lat=slice(10, 20), time=slice("2000-01-31", "2000-02-02")), None),
    "sel a label": (lambda d: d.sel(lon=0.0), None),
    "resample mean": (lambda d: d.resample(time="1D").mean(), None),
    "weighted mean": (lambda d: d.weighted(WEIGHTS).mean("lat"), None),
    "weighted sum over two dims": (lambda d: d.weighted(WEIGHTS).sum(["lat", "lon"]), None),
    "rolling mean": (lambda d: d.rolling(time=3).mean(), None),
    "rolling centred, min_periods": (lambda d: d.rolling(time=4, center=True, min_periods=2).sum(), None),
    "coarsen mean": (lambda d: d.coarsen(lon=2, boundary="trim").mean(), None),
    "coarsen exact": (lambda d: d.isel(time=slice(0, 12)).coarsen(time=3).max(), None),
    "concat along time": (lambda d: xr.concat([d, d.isel(time=slice(0, 3))], dim="time"), None),
    "copy deep": (lambda d: d.copy(), None),
    "copy shallow": (lambda d: d.copy(deep=False), None),
    "transpose": (lambda d: d.transpose("lon", "time", "lat"), None),
    "cumsum": (lambda d: d.cumsum("time"), None),
    "diff": (lambda d: d.diff("lon"), None),
    "shift": (lambda d: d.shift(time=2), None),
    "roll": (lambda d: d.roll(lat=1), None),
    "pad": (lambda d: d.pad(time=(1, 2)), None),
    "clip with scalars": (lambda d: d.clip(-1, 1), None),
    "clip with a DataArray": (lambda d: d.clip(d.min("time")), None),
    "round": (lambda d: d.round(1), None),
    "astype": (lambda d: d.astype(np.float32), None),
    "quantile": (lambda d: d.quantile([0.1, 0.5], dim="time"), None),
    "median": (lambda d: d.median("lon"), None),
    "count": (lambda d: d.count("time"), None),
    "argmax": (lambda d: d.fillna(0).argmax("time"), None),
    "dot": (lambda d: d.dot(d, dims="lon"), None),
    "xr.where": (lambda d: xr.where(d > 0, d, 0.0), None),
    "stack and unstack": (lambda d: d.stack(z=("lat", "lon")).unstack("z"), None),
    "apply_ufunc": (lambda d: xr.apply_ufunc(np.tanh, d), None),
    "reduce with a NumPy function": (lambda d: d.reduce(np.nanmean, "time"), None),
    "integrate": (lambda d: d.integrate("lon"), None),
    "differentiate": (lambda d: d.differentiate("lat"), None),
    "resample max": (lambda d: d.resample(time="2D").max(), None),
    "rolling construct": (lambda d: d.rolling(time=3).construct("window"), None),
    "coarsen construct": (lambda d: d.isel(time=slice(0, 12)).coarsen(time=3).construct(time=("day", "step")), None),
    "head and thin": (lambda d: d.head(time=5).thin(lon=2), None),
    "prod": (lambda d: d.prod("lat"), "np.nanprod"),
    # Each of these adds a dimension to an operand (xarray's set_dims: data[None, ...]).
    "arithmetic broadcasting dims": (lambda d: d.isel(lon=0, drop=True) * d.isel(lat=0, drop=True),
                                     "None (np.newaxis) in indexing"),
    "anomaly": (lambda d: d - d.mean("time"), "None (np.newaxis) in indexing"),
    "arithmetic with a 0-d DataArray": (lambda d: d - d.mean(), "None (np.newaxis) in indexing"),
    "where with a lower-dim condition": (lambda d: d.where(d.lat > 5), "None (np.newaxis) in indexing"),
    "concat along a new dim": (lambda d: xr.concat([d, d * 2], dim="run"), "None (np.newaxis) in indexing"),
    "corr": (lambda d: xr.corr(d, d * 2 + 1, dim="time"), "None (np.newaxis) in indexing"),
    # Each of these picks positions with an integer array (isel of argsort / group members).
    "sortby": (lambda d: d.sortby("lat", ascending=False), "integer-array indexing"),
    "groupby_bins": (lambda d: d.groupby_bins("lat", [-1, 15, 40]).mean(), "integer-array indexing"),
    "isel with a list": (lambda d: d.isel(time=[0, 3, 12, 3]), "integer-array indexing"),
    "isel with lists on two dims": (lambda d: d.isel(time=[0, 3], lon=[4, 1, 1]),
                                    "outer (np.ix_) integer-array indexing"),
    "sel with lists": (lambda d: d.sel(lat=[0.0, 20.0]), "integer-array indexing"),
}


# xarray itself turns the data into NumPy here (interp and interpolate_na call SciPy/NumPy on
# np.asarray of the data): only the values are compared.
EAGER_CASES = {
    "interp": (lambda d: d.interp(lon=[-3.5, 0.5, 13.0]), "integer-array indexing"),
    "interpolate_na": (lambda d: d.interpolate_na("time"), None),
}


@pytest.mark.parametrize("case, lazy", [(c, True) for c in LAZY_CASES] + [(c, False) for c in EAGER_CASES])
def test_xarray_on_chunkarr_as_on_numpy(ca, case, lazy):
    run, needs = (LAZY_CASES if lazy else EAGER_CASES)[case]
    if needs:
        _needs(ca, needs)
    want_da, got_da = _pair(ca)
    _assert_same(ca, run(got_da), run(want_da), lazy=lazy)


@pytest.mark.parametrize("chunks", [1, (13, 4, 5), (5, 1, 3)])
def test_xarray_reductions_and_where_over_chunkings(ca, chunks):
    want_da, got_da = _pair(ca, chunks=chunks)
    for run in (lambda d: d.mean("time"), lambda d: d.std(["lat", "lon"]), lambda d: d.max("lon", skipna=False),
                lambda d: d.where(d > 0, -1.0).sum("time"), lambda d: d.rolling(time=3).mean()):
        _assert_same(ca, run(got_da), run(want_da))


INTEGER_CASES = {
    "sum": lambda d: d.sum("time"),
    "mean": lambda d: d.mean(["lat", "lon"]),
    "max": lambda d: d.max("lat"),
    "arithmetic": lambda d: d * 3 + 1,
    "where (promotes to float)": lambda d: d.where(d > 2),
    "where with an int other": lambda d: d.where(d > 2, 0),
    "coarsen": lambda d: d.coarsen(lon=2, boundary="trim").sum(),
}


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.float32])
@pytest.mark.parametrize("case", list(INTEGER_CASES))
def test_xarray_on_other_dtypes(ca, dtype, case):
    want_da, got_da = _pair(ca, dtype=dtype)
    run = INTEGER_CASES[case]
    _assert_same(ca, run(got_da), run(want_da))


def test_xarray_on_bool_data(ca):
    want_da, got_da = _pair(ca, dtype=np.bool_)
    for run in (lambda d: d.any("time"), lambda d: d.all(["lat", "lon"]), lambda d: d.sum("lon"),
                lambda d: d & (d.isel(time=slice(None)) | False)):
        _assert_same(ca, run(got_da), run(want_da))


def test_xarray_groupby_mean(ca):
    # groupby picks each group with isel(time=<integer array>) in this xarray (also for groups
    # of consecutive steps); the group means stay chunkarr arrays, concatenated lazily.
    _needs(ca, "integer-array indexing")
    want_da, got_da = _pair(ca)
    for run in (lambda d: d.groupby("time.day").mean(), lambda d: d.groupby("time.hour").mean("time"),
                lambda d: d.groupby("time.month").max()):
        _assert_same(ca, run(got_da), run(want_da))


def test_xarray_dataset_of_chunkarr_variables(ca):
    want_da, got_da = _pair(ca)
    want_ds = xr.Dataset({"t": want_da, "u": want_da.isel(lat=0) * 2})
    got_ds = xr.Dataset({"t": got_da, "u": got_da.isel(lat=0) * 2})
    for run in (lambda ds: ds.mean("time"), lambda ds: ds.max(), lambda ds: ds.resample(time="1D").mean(),
                lambda ds: ds.clip(-1, 1), lambda ds: ds.fillna(0.0).sum(["lon"])):
        got, want = run(got_ds), run(want_ds)
        assert set(got.data_vars) == set(want.data_vars)
        for name in want.data_vars:
            _assert_same(ca, got[name], want[name])


def test_xarray_load_compute_values(ca):
    want_da, got_da = _pair(ca)
    values = got_da.values
    assert type(values) is np.ndarray
    np.testing.assert_array_equal(values, want_da.values)
    assert type(np.asarray(got_da)) is np.ndarray
    assert type(got_da.to_numpy()) is np.ndarray
    anomaly = got_da - got_da.mean("time")
    want_anomaly = want_da - want_da.mean("time")
    computed, loaded = anomaly.compute(), anomaly.copy().load()
    for result in (computed, loaded):
        _assert_same(ca, result, want_anomaly, lazy=False)
        assert type(result.data) is np.ndarray
    assert isinstance(anomaly.data, ca.Array)   # compute() left the original alone
    assert type(anomaly.variable.compute().data) is np.ndarray
    reloaded = anomaly.copy()
    assert reloaded.load(threads=1, progress=False) is reloaded   # chunkarr's options pass through
    assert type(reloaded.data) is np.ndarray
    np.testing.assert_array_equal(reloaded.values, computed.values)   # same answer at 1 thread


def test_xarray_dataset_load_computes_every_kind_of_variable(ca, tmp_path):
    """A Dataset mixing chunkarr, NumPy, Dask and file-backed variables: load() gives NumPy for
    all, chunkarr's computed together, Dask's by Dask, xarray's lazily read file data by xarray."""
    da = pytest.importorskip("dask.array")
    want_da, got_da = _pair(ca)
    xr.Dataset({"f": want_da * 3}).to_netcdf(tmp_path / "f.nc")
    with xr.open_dataset(tmp_path / "f.nc") as on_disk:
        mixed = xr.Dataset({"t": got_da, "tmax": got_da.max("lat"), "s": got_da.sum(),
                            "n": want_da.isel(lon=0), "d": want_da.copy(data=da.from_array(want_da.values, chunks=5)),
                            "f": on_disk["f"]})
        want = xr.Dataset({"t": want_da, "tmax": want_da.max("lat"), "s": want_da.sum(),
                           "n": want_da.isel(lon=0), "d": want_da, "f": want_da * 3})
        loaded = mixed.compute()
        for name in want.data_vars:
            assert type(loaded[name].data) is np.ndarray, name
            _assert_same(ca, loaded[name], want[name], lazy=False)
        assert isinstance(mixed["t"].data, ca.Array) and isinstance(mixed["d"].data, da.Array)


@pytest.mark.parametrize("first", ["xarray", "chunkarr", "chunkarr, then a check that xarray is there"])
def test_xarray_load_hook_whichever_is_imported_first(first, chunkarr_pythonpath):
    """The hook is added when xarray is imported, before or after chunkarr, also after an
    importlib.util.find_spec("xarray") that only checks it is installed (fresh interpreters)."""
    import subprocess
    import sys
    imports = {"xarray": ["import xarray as xr", "import chunkarr as ca"],
               "chunkarr": ["import chunkarr as ca", "import xarray as xr"],
               "chunkarr, then a check that xarray is there": [
                   "import chunkarr as ca", "import importlib.util", "assert importlib.util.find_spec('xarray')",
                   "import xarray as xr"]}[first]
    code = "\n".join(imports) + """
import numpy as np
d = xr.DataArray(ca.from_array(np.arange(12.0).reshape(3, 4), chunks=2), dims=("a", "b"))
print(type(d.mean("a").compute().data).__name__, float(d.sum().load()))
"""
    env = dict(os.environ, PYTHONPATH=chunkarr_pythonpath)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["ndarray", "66.0"]


def test_xarray_to_netcdf_computes_while_writing(ca, tmp_path):
    want_da, got_da = _pair(ca)
    got_ds = xr.Dataset({"t": got_da, "tmean": got_da.mean("time")})
    want_ds = xr.Dataset({"t": want_da, "tmean": want_da.mean("time")})
    got_ds.to_netcdf(tmp_path / "chunkarr.nc")
    want_ds.to_netcdf(tmp_path / "numpy.nc")
    with xr.open_dataset(tmp_path / "chunkarr.nc") as got, xr.open_dataset(tmp_path / "numpy.nc") as want:
        got, want = got.load(), want.load()
        xr.testing.assert_identical(got["t"], want["t"])   # written as computed: bit for bit
        xr.testing.assert_allclose(got, want, rtol=1e-12)  # the mean: summed in another order
        assert got.attrs == want.attrs and got["t"].attrs == want["t"].attrs
    assert isinstance(got_ds["t"].data, ca.Array)   # writing did not replace the lazy data
