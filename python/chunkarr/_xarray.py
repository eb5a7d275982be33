"""xarray's load() and compute() for chunkarr arrays.

xarray wraps a chunkarr array as any NEP-18 duck array and keeps it lazy through its operations,
but the xarray this project runs on (2023.01, Debian 12) computes only Dask collections in
`load()`/`compute()` and leaves every other duck array as it is, so `ds.load()` would hand back
the same lazy arrays. Newer xarray has a chunk-manager entry point for this; this one has no
hook at all. So chunkarr adds one to `Dataset.load` (which `DataArray.load/compute` and
`Dataset.compute` go through) and to `Variable.load`: the chunkarr arrays among the variables are
computed first, all in one pass (inputs they share are read once), and then xarray's own load
runs unchanged for everything else (Dask arrays, lazily indexed file data).

Making Array a Dask collection instead (`__dask_graph__`) also makes load() compute it, but xarray
then sends it to dask.array in apply_ufunc, quantile, interp, vectorized isel and to_netcdf
(measured: 6 of the 98 cases of python/tests/test_xarray.py fail), and Dask warns in
`da.from_array(x)`.

The hook is installed when xarray is imported, whether before or after chunkarr.
"""
from __future__ import annotations

import functools

from ._array import Array
from ._compute import compute
from ._import_hooks import after_import

_MARK = "_chunkarr_computes_chunkarr_arrays"
_COMPUTE_OPTIONS = ("progress", "threads", "memory_limit", "temp_dir")


def _computing_chunkarr_variables_first(load):
    """load, after replacing the chunkarr arrays of the variables it loads by their values."""
    @functools.wraps(load)
    def load_with_chunkarr(self, **kwargs):
        # chunkarr's compute options (ds.load(threads=4, progress=True)) are not Dask's
        options = {key: kwargs.pop(key) for key in _COMPUTE_OPTIONS if key in kwargs}
        variables = self.variables.values() if hasattr(self, "variables") else [self]
        lazy = [variable for variable in variables if isinstance(variable._data, Array)]
        if lazy:
            for variable, values in zip(lazy, compute(*(variable._data for variable in lazy), **options)):
                variable.data = values
        return load(self, **kwargs)
    setattr(load_with_chunkarr, _MARK, True)
    return load_with_chunkarr


def _add_hook(xarray) -> None:
    for cls in (xarray.Dataset, xarray.Variable):
        if not getattr(cls.load, _MARK, False):
            cls.load = _computing_chunkarr_variables_first(cls.load)


def install() -> None:
    """Adds the hook to xarray now if it is imported, or when it is."""
    after_import("xarray", _add_hook)
