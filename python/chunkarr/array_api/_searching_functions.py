"""The standard's searching functions: argmax/argmin and where lazily (chunkarr's), nonzero
eagerly (its size depends on the data: computed, as chunkarr.nonzero)."""
from __future__ import annotations

from .. import _reduction_functions, _routines, _sorting
from .._array import Array
from ._dtypes import require, result_dtype
from ._operands import as_array


def argmax(x, /, *, axis=None, keepdims=False) -> Array:
    x = as_array(x, "argmax")
    require(x, "numeric", "argmax")
    return _reduction_functions.argmax(x, axis=axis, keepdims=keepdims)


def argmin(x, /, *, axis=None, keepdims=False) -> Array:
    x = as_array(x, "argmin")
    require(x, "numeric", "argmin")
    return _reduction_functions.argmin(x, axis=axis, keepdims=keepdims)


def nonzero(x, /) -> tuple:
    """The indices of the non-zero elements, one int64 array per axis. Computes x (the result's
    size depends on the values). A 0-d x counts as 1-d (NumPy's, which numpy.array_api keeps)."""
    x = as_array(x, "nonzero")
    return _sorting.nonzero(x[None] if x.ndim == 0 else x)


def where(condition, x1, x2, /) -> Array:
    """x1 where condition, else x2 (the standard's promotion of x1 and x2), lazily."""
    condition, x1, x2 = (as_array(a, "where") for a in (condition, x1, x2))
    require(condition, "boolean", "where")
    dtype = result_dtype(x1.dtype, x2.dtype)
    return _routines.where(condition, x1, x2).astype(dtype)
