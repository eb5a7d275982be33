"""The reductions as functions, with Dask's and NumPy's signatures: ca.sum(x, axis=0) as
da.sum, and np.sum(x) through __array_function__. Each is Array's method of the same name;
`out=` cannot be filled lazily (an error says so), `split_every=` is Dask's tree width and
means nothing here (chunkarr's combine tree is fixed, so results do not depend on it)."""
from __future__ import annotations

import numpy as np

from ._array import Array
from ._creation import _as_array
from ._math import _nan_as
from ._out import no_out


def _with_dtype(name):
    def reduction(a, axis=None, dtype=None, keepdims=False, split_every=None, out=None, **kwargs) -> Array:
        no_out(out, name)
        _no_initial_or_where(kwargs, name)
        return getattr(_as_array(a), name)(axis=axis, dtype=dtype, keepdims=keepdims)
    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = f"{name} over `axis` (all axes by default), lazily; Dask's signature."
    return reduction


def _without_dtype(name, method=None):
    def reduction(a, axis=None, keepdims=False, split_every=None, out=None, **kwargs) -> Array:
        no_out(out, name)
        _no_initial_or_where(kwargs, name)
        return getattr(_as_array(a), method or name)(axis=axis, keepdims=keepdims)
    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = f"{name} over `axis` (all axes by default), lazily; Dask's signature."
    return reduction


def _moments(name):
    def reduction(a, axis=None, dtype=None, keepdims=False, ddof=0, split_every=None, out=None, **kwargs) -> Array:
        no_out(out, name)
        _no_initial_or_where(kwargs, name)
        return getattr(_as_array(a), name)(axis=axis, dtype=dtype, keepdims=keepdims, ddof=ddof)
    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = f"{name} over `axis` with `ddof`, lazily; Dask's signature."
    return reduction


def _no_initial_or_where(kwargs, name):
    if kwargs.pop("initial", np._NoValue) is not np._NoValue or kwargs.pop("where", True) is not True:
        raise TypeError(f"{name}: initial= and where= are not supported by chunkarr")
    if kwargs:
        raise TypeError(f"{name}() got unexpected keyword arguments {sorted(kwargs)}")


sum = _with_dtype("sum")  # noqa: A001 (NumPy's and Dask's names)
prod = _with_dtype("prod")
mean = _with_dtype("mean")
nansum = _with_dtype("nansum")
nanprod = _with_dtype("nanprod")
nanmean = _with_dtype("nanmean")
std = _moments("std")
var = _moments("var")
nanstd = _moments("nanstd")
nanvar = _moments("nanvar")
min = _without_dtype("min")  # noqa: A001
max = _without_dtype("max")  # noqa: A001
amin = _without_dtype("amin", "min")
amax = _without_dtype("amax", "max")
nanmin = _without_dtype("nanmin")
nanmax = _without_dtype("nanmax")
all = _without_dtype("all")  # noqa: A001
any = _without_dtype("any")  # noqa: A001


def argmin(a, axis=None, keepdims=False, split_every=None, out=None) -> Array:
    no_out(out, "argmin")
    result = _as_array(a).argmin(axis)
    return _keep(result, a, axis) if keepdims else result


def argmax(a, axis=None, keepdims=False, split_every=None, out=None) -> Array:
    no_out(out, "argmax")
    result = _as_array(a).argmax(axis)
    return _keep(result, a, axis) if keepdims else result


def _keep(result: Array, a, axis) -> Array:
    from ._routines import expand_dims
    ndim = np.ndim(a)
    return expand_dims(result, tuple(range(ndim)) if axis is None else axis)


def _no_all_nan_slice(counts):
    """A block of zeros, or NumPy's error when some slice had no value that is not NaN."""
    if np.any(counts == 0):
        raise ValueError("All-NaN slice encountered")
    return np.zeros(np.shape(counts), dtype=np.int64)


def _nan_arg(which, fill, a, axis, keepdims, out):
    """argmin/argmax with NaN as +-inf, plus a check computed with it (NumPy's error for a slice
    that is all NaN, raised when computed: a lazy array cannot know it before)."""
    from ._blocks import map_blocks
    x = _as_array(a)
    if x.dtype.kind != "f":
        return which(x, axis, keepdims, out=out)
    result = which(_nan_as(x, fill), axis, keepdims, out=out)
    counts = x.count(axis=axis, keepdims=keepdims)
    return result + map_blocks(_no_all_nan_slice, counts, dtype=np.int64, name="nanarg-check")


def nanargmin(a, axis=None, keepdims=False, split_every=None, out=None) -> Array:
    """argmin ignoring NaN; a slice that is all NaN is NumPy's ValueError when computed."""
    return _nan_arg(argmin, np.inf, a, axis, keepdims, out)


def nanargmax(a, axis=None, keepdims=False, split_every=None, out=None) -> Array:
    """argmax ignoring NaN; a slice that is all NaN is NumPy's ValueError when computed."""
    return _nan_arg(argmax, -np.inf, a, axis, keepdims, out)


def cumsum(a, axis=None, dtype=None, out=None, *, method="sequential") -> Array:
    no_out(out, "cumsum")
    return _as_array(a).cumsum(axis=axis, dtype=dtype)


def cumprod(a, axis=None, dtype=None, out=None, *, method="sequential") -> Array:
    no_out(out, "cumprod")
    return _as_array(a).cumprod(axis=axis, dtype=dtype)


def moment(a, order, axis=None, dtype=None, keepdims=False, ddof=0, split_every=None, out=None) -> Array:
    """The `order`-th central moment, sum((a - mean)**order) / (n - ddof), as Dask's."""
    no_out(out, "moment")
    x = _as_array(a)
    if dtype is not None:
        x = x.astype(dtype)
    if order < 0:
        raise ValueError(f"moment: order must be at least 0, got {order}")
    deviations = (x - x.mean(axis=axis, keepdims=True)) ** order
    n = x.size if axis is None else int(np.prod([x.shape[i] for i in np.atleast_1d(axis)]))
    return deviations.sum(axis=axis, keepdims=keepdims) / (n - ddof)


FUNCTIONS = [sum, prod, mean, nansum, nanprod, nanmean, std, var, nanstd, nanvar, min, max, amin, amax, nanmin,
             nanmax, all, any, argmin, argmax, nanargmin, nanargmax, cumsum, cumprod, moment]
ARRAY_FUNCTIONS = {getattr(np, f.__name__): f for f in FUNCTIONS if hasattr(np, f.__name__)}
