"""chunkarr: chunked, out-of-core n-dimensional arrays, computed in parallel in C++.

    import chunkarr as ca
    t2m = ca.open("era5_*.nc", "t2m")          # lazy: reads metadata only
    with ca.ProgressBar():
        clim = t2m.mean(axis=0).compute()      # a NumPy array

Names follow dask.array where it has them.

The package is split by concern; this file only gathers the public names:
    _array           Array: attributes, operators, methods, repr
    _complex         ComplexArray: complex64/complex128 values as two real Arrays (real, imag)
    _creation        from_array, full, zeros, ones, arange, linspace, random, *_like, eye, tri,
                     indices, meshgrid
    _manipulation    vstack/hstack/dstack/column_stack/block, swapaxes, roll, tile, pad, atleast_nd,
                     tril/triu, broadcast_arrays, sliding_window_view
    _math            diff, gradient, isclose, round, nan_to_num, average, ptp, cov, corrcoef,
                     digitize, searchsorted, isin, bincount, histogramdd/histogram2d, nancumsum, coarsen,
                     apply_along_axis
    _einsum          einsum
    _sorting         sort, topk/argtopk, unique, argwhere/nonzero (eager where sizes depend on data)
    linalg           chunkarr.linalg.norm (numpy.linalg's names)
    array_api        the Python array API standard's namespace (x.__array_namespace__())
    _routines        shape functions, where, clip, concatenate, stack, cumsum/cumprod, histogram
    _reductions      reduction names as the engine's operations (Array.sum, ...)
    _reduction_functions  the reductions as functions (ca.sum(x, axis), np.sum(x)), Dask's signatures
    _quantile        quantile, percentile, median and their nan-variants
    _linalg          matmul, dot, tensordot
    _setitem         x[index] = value, lazily (x becomes a new expression)
    _indexing        x[...], x.vindex, x.blocks, take, flip(ud/lr), rot90, repeat, diagonal, diag
    _blocks          map_blocks, map_overlap
    _io              open, to_hdf5, to_netcdf, from_zarr, to_zarr
    _compute         compute, explain
    _ufuncs          NumPy's ufuncs (__array_ufunc__): every one as an engine operation
    _numpy_dispatch  the __array_function__ table
    _out             out= refused (results are new lazy arrays)
    _dask            from_dask, Array.to_dask, chunkarr blocks in Dask arrays (Dask interop)
    _xarray          xarray's load()/compute() compute chunkarr arrays (a hook added on import)
    _import_hooks    after_import(name, hook): a hook run once a module is imported (xarray, Dask)
    _pickle          Array.__reduce__: pickling arrays
    _chunks, _dtypes, _sizes   user arguments (chunks, dtypes, byte sizes) as the engine takes them
    _progress, _repr           ProgressBar, the Jupyter view
    _chunkarr                  the compiled engine bindings (typed in _chunkarr.pyi)
"""
from __future__ import annotations

from . import _numpy_dispatch  # noqa: F401 (Array's NumPy protocols: loaded with the package)
from . import _dask, _xarray
from ._array import Array
from ._blocks import map_blocks, map_overlap
from ._complex import ComplexArray
from ._compute import compute, explain
from . import array_api, linalg
from ._creation import (arange, array, asanyarray, asarray, empty, empty_like, eye, from_array, fromfunction, full,
                        full_like, indices, linspace, meshgrid, ones, ones_like, random, tri, tril_indices,
                        tril_indices_from, triu_indices, triu_indices_from, zeros, zeros_like)
from ._dask import from_dask
from ._einsum import einsum
from ._indexing import choose, compress, delete, diag, diagonal, extract, flip, fliplr, flipud, insert, repeat, rot90, take
from ._io import from_zarr, open, to_hdf5, to_netcdf, to_zarr  # noqa: A004 (chunkarr.open, as xarray's)
from ._linalg import dot, matmul, tensordot
from ._manipulation import (atleast_1d, atleast_2d, atleast_3d, block, broadcast_arrays, column_stack, dstack, hstack,
                            pad, roll, sliding_window_view, swapaxes, tile, tril, triu, vstack)
from ._math import (allclose, angle, apply_along_axis, apply_over_axes, around, average, bincount, coarsen, corrcoef,
                    count_nonzero, cov, diff, digitize, ediff1d, fix, gradient, histogram2d, histogramdd, i0, imag,
                    iscomplex, isclose, isin, isneginf, isnull, isposinf, isreal, nan_to_num, nancumprod, nancumsum,
                    notnull, outer, piecewise, ptp, ravel_multi_index, real, result_type, round, searchsorted, select,
                    sinc, trace, unravel_index, vdot)
from ._progress import ProgressBar
from ._quantile import median, nanmedian, nanpercentile, nanquantile, percentile, quantile
from ._reduction_functions import (all, amax, amin, any, argmax, argmin, cumprod, cumsum, max, mean, min,  # noqa: A004
                                   moment, nanargmax, nanargmin, nanmax, nanmean, nanmin, nanprod, nanstd, nansum,
                                   nanvar, prod, std, sum, var)
from ._routines import (append, broadcast_to, clip, concatenate, expand_dims, histogram, moveaxis, ndim, ravel,
                        rechunk, reshape, rollaxis, shape, squeeze, stack, transpose, where)
from ._ufuncs import PUBLIC as _PUBLIC_UFUNCS
from ._sorting import argtopk, argwhere, flatnonzero, nonzero, sort, topk, union1d, unique

__all__ = [
    "Array", "ComplexArray", "ProgressBar", "arange", "broadcast_to", "clip", "compute", "concatenate", "expand_dims",
    "from_array", "map_blocks", "map_overlap", "moveaxis", "ravel", "reshape", "squeeze", "stack", "full",
    "linspace", "ones", "open", "random", "where", "zeros", "explain", "histogram", "quantile", "percentile",
    "median", "nanquantile", "nanpercentile", "nanmedian", "matmul", "dot", "tensordot", "to_hdf5", "to_netcdf", "from_zarr", "to_zarr",
    # _manipulation
    "atleast_1d", "atleast_2d", "atleast_3d", "block", "broadcast_arrays", "column_stack", "dstack", "hstack", "pad",
    "roll", "sliding_window_view", "swapaxes", "tile", "tril", "triu", "vstack",
    # _math
    "allclose", "apply_along_axis", "around", "average", "bincount", "coarsen", "corrcoef", "count_nonzero", "cov",
    "diff", "digitize", "gradient", "histogram2d", "histogramdd", "isclose", "isin", "nan_to_num", "nancumprod",
    "nancumsum", "outer", "ptp", "result_type", "round", "searchsorted", "trace",
    # _einsum, _sorting, linalg
    "einsum", "argtopk", "argwhere", "flatnonzero", "nonzero", "sort", "topk", "unique", "linalg", "array_api",
    # _creation
    "empty_like", "eye", "full_like", "indices", "meshgrid", "ones_like", "tri", "zeros_like", "array", "asarray",
    "asanyarray", "empty",
    # Dask's module-level names: reductions, small elementwise functions, shape functions
    "all", "amax", "amin", "any", "argmax", "argmin", "cumprod", "cumsum", "max", "mean", "min", "moment",
    "nanargmax", "nanargmin", "nanmax", "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar", "prod", "std",
    "sum", "var", "angle", "i0", "iscomplex", "isreal", "select", "sinc", "vdot", "ediff1d", "fix", "imag",
    "isneginf", "isnull", "isposinf", "notnull", "real", "append", "ndim",
    "rechunk", "rollaxis", "shape", "transpose",
    # every NumPy ufunc (ca.sqrt, ca.arctan2, ...), below
    "from_dask",
    # _indexing
    "diag", "diagonal", "flip", "fliplr", "flipud", "repeat", "rot90", "take", "choose", "compress", "delete",
    "extract", "insert",
    # more of Dask's names
    "fromfunction", "tril_indices", "tril_indices_from", "triu_indices", "triu_indices_from", "piecewise",
    "ravel_multi_index", "unravel_index", "apply_over_axes", "union1d",
]
# ca.sqrt, ca.floor_divide, ...: NumPy's ufuncs, lazy on chunkarr arrays (as dask.array's).
globals().update(_PUBLIC_UFUNCS)
__all__ += sorted(_PUBLIC_UFUNCS)

_xarray.install()   # xarray's load()/compute() give NumPy values for chunkarr arrays
_dask.install()     # Dask computes chunkarr blocks it gathers, or hands back alone
