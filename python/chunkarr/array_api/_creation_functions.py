"""The standard's creation functions, as chunkarr's lazy ones (chunkarr._creation): the standard's
default dtypes (int64, float64), device= ("cpu" only) and keyword-only arguments."""
from __future__ import annotations

import builtins
import numbers

import numpy as np

from .. import _creation, _manipulation
from .._array import Array
from ._dtypes import check_dtype, default_float, default_int
from ._operands import as_array, check_device


def _shape(shape) -> tuple:
    return (int(shape),) if isinstance(shape, numbers.Integral) else tuple(int(s) for s in shape)


def _scalar_dtype(value) -> np.dtype:
    """The standard's default dtype for a Python scalar."""
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, numbers.Integral):
        return default_int
    if isinstance(value, numbers.Real):
        return default_float
    raise TypeError(f"{type(value).__name__} is not a Python scalar of the standard")


def _check_fits(value, dtype: np.dtype) -> None:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and dtype.kind in "iu":
        info = np.iinfo(dtype)
        if not info.min <= int(value) <= info.max:
            raise OverflowError(f"{value} does not fit in {dtype}")


def asarray(obj, /, *, dtype=None, device=None, copy=None) -> Array:
    """obj (a chunkarr array, a NumPy array or anything with the buffer protocol, nested
    sequences, a Python scalar) as a chunkarr array. copy=True makes a new array object (lazy
    arrays share nothing that changes: x[...] = v rebinds x alone); copy=False refuses a cast."""
    check_device(device)
    dtype = None if dtype is None else check_dtype(dtype)
    if isinstance(obj, Array):
        if dtype is None or dtype == obj.dtype:
            return Array(obj._core) if copy else obj
        if copy is False:
            raise ValueError(f"asarray(copy=False) cannot make {obj.dtype} data {dtype} without a copy")
        return obj.astype(dtype)
    if isinstance(obj, (bool, numbers.Integral, numbers.Real)) and not isinstance(obj, np.generic):
        dtype = _scalar_dtype(obj) if dtype is None else dtype
        _check_fits(obj, dtype)
    values = np.array(obj, dtype=dtype) if copy else np.asarray(obj, dtype=dtype)
    if dtype is None and values.dtype.kind in "Ou" and _has_python_ints(obj):
        raise OverflowError("asarray: a Python int does not fit in int64")
    if values.dtype.kind not in "biuf":
        raise TypeError(f"asarray: {values.dtype} is not a data type of the standard")
    return _creation.from_array(values)


def _has_python_ints(obj) -> bool:
    if isinstance(obj, (list, tuple)):
        return any(_has_python_ints(o) for o in obj)
    return isinstance(obj, int) and not isinstance(obj, bool)


def full(shape, fill_value, *, dtype=None, device=None) -> Array:
    """A lazy array of fill_value (dtype: the standard's default for the scalar's kind)."""
    check_device(device)
    dtype = _scalar_dtype(fill_value) if dtype is None else check_dtype(dtype)
    _check_fits(fill_value, dtype)
    return _creation.full(_shape(shape), fill_value, dtype=dtype)


def zeros(shape, *, dtype=None, device=None) -> Array:
    return full(shape, 0.0 if dtype is None else 0, dtype=default_float if dtype is None else dtype, device=device)


def ones(shape, *, dtype=None, device=None) -> Array:
    return full(shape, 1.0 if dtype is None else 1, dtype=default_float if dtype is None else dtype, device=device)


def empty(shape, *, dtype=None, device=None) -> Array:
    """As zeros (chunkarr has no uninitialized arrays)."""
    return zeros(shape, dtype=dtype, device=device)


def full_like(x, /, fill_value, *, dtype=None, device=None) -> Array:
    x = as_array(x, "full_like")
    return full(x.shape, fill_value, dtype=x.dtype if dtype is None else dtype, device=device)


def zeros_like(x, /, *, dtype=None, device=None) -> Array:
    return full_like(x, 0, dtype=dtype, device=device)


def ones_like(x, /, *, dtype=None, device=None) -> Array:
    return full_like(x, 1, dtype=dtype, device=device)


def empty_like(x, /, *, dtype=None, device=None) -> Array:
    """As zeros_like (chunkarr has no uninitialized arrays)."""
    return zeros_like(x, dtype=dtype, device=device)


def arange(start, /, stop=None, step=1, *, dtype=None, device=None) -> Array:
    """Lazy; dtype int64 when start, stop and step are ints, else float64."""
    check_device(device)
    if dtype is None:
        whole = all(isinstance(v, numbers.Integral) for v in (start, stop, step) if v is not None)
        dtype = default_int if whole else default_float
    return _creation.arange(start, stop, step, dtype=check_dtype(dtype))


def linspace(start, stop, /, num, *, dtype=None, device=None, endpoint=True) -> Array:
    """Lazy; without the endpoint, num of num + 1 points (the same step as NumPy's)."""
    check_device(device)
    dtype = default_float if dtype is None else check_dtype(dtype)
    if endpoint:
        return _creation.linspace(start, stop, int(num), dtype=dtype)
    return _creation.linspace(start, stop, int(num) + 1, dtype=dtype)[:int(num)]


def eye(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None) -> Array:
    check_device(device)
    n_cols = n_rows if n_cols is None else n_cols
    k = builtins.max(builtins.min(int(k), n_cols), -n_rows)   # a diagonal past the edge is none: same zeros
    return _creation.eye(n_rows, M=n_cols, k=k, dtype=default_float if dtype is None else check_dtype(dtype))


def meshgrid(*arrays, indexing="xy") -> list:
    arrays = [as_array(a, "meshgrid") for a in arrays]
    if len({a.dtype for a in arrays}) > 1:
        raise ValueError("meshgrid takes arrays of one dtype")
    return _creation.meshgrid(*arrays, indexing=indexing)


def tril(x, /, *, k=0) -> Array:
    return _manipulation.tril(as_array(x, "tril"), k)


def triu(x, /, *, k=0) -> Array:
    return _manipulation.triu(as_array(x, "triu"), k)


def from_dlpack(x, /) -> Array:
    """An array from an object with __dlpack__ (NumPy's from_dlpack: read into memory)."""
    if isinstance(x, Array):
        return x
    return _creation.from_array(np.from_dlpack(x))
