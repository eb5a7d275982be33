"""The standard's statistical functions as chunkarr's lazy reductions (Array.sum, ...): the
standard's keyword-only axis/keepdims, `correction` for var/std (NumPy's ddof), and sum/prod's
default dtypes: int64/uint64 for integers, the input's for floats (2022.12's rule, and NumPy's;
2021.12 said float64 for float32). Inputs the standard leaves unspecified ("should be numeric",
"should be floating-point") work as in NumPy, as xarray, which calls this namespace, expects:
sum/prod of bools count in int64, mean/var/std of integers are float64."""
from __future__ import annotations

import builtins

import numpy as np

from .._array import Array
from ._dtypes import check_dtype, default_float, default_int, default_uint, require
from ._operands import as_array, normalize_axes


def _prepare(x, axis, name: str, category: str):
    x = as_array(x, name)
    require(x, category, name)
    return x, normalize_axes(axis, x.ndim, name)


def max(x, /, *, axis=None, keepdims=False) -> Array:  # noqa: A001 (the standard's name)
    x, axes = _prepare(x, axis, "max", "numeric")
    return x.max(axis=axes, keepdims=keepdims)


def min(x, /, *, axis=None, keepdims=False) -> Array:  # noqa: A001 (the standard's name)
    x, axes = _prepare(x, axis, "min", "numeric")
    return x.min(axis=axes, keepdims=keepdims)


def mean(x, /, *, axis=None, keepdims=False) -> Array:
    x, axes = _prepare(x, axis, "mean", "all")
    return _as_floating(x).mean(axis=axes, keepdims=keepdims)


def _accumulator_dtype(x: Array, dtype) -> np.dtype:
    if dtype is not None:
        return check_dtype(dtype)
    if x.dtype.kind in "ib":
        return default_int
    if x.dtype.kind == "u":
        return default_uint
    return x.dtype


def _as_floating(x: Array) -> Array:
    """Integers and bools as float64 (NumPy's mean/var/std of them)."""
    return x if x.dtype.kind == "f" else x.astype(default_float)


def in_dtype(result: Array, dtype: np.dtype) -> Array:
    """result as dtype: chunkarr's sum(dtype=int8) accumulates small integers in int64 as NumPy's
    sum without dtype does; the standard wants the dtype asked for (the same wrapped values)."""
    return result if result.dtype == dtype else result.astype(dtype)


def sum(x, /, *, axis=None, dtype=None, keepdims=False) -> Array:  # noqa: A001 (the standard's name)
    x, axes = _prepare(x, axis, "sum", "all")
    dtype = _accumulator_dtype(x, dtype)
    return in_dtype(x.sum(axis=axes, dtype=dtype, keepdims=keepdims), dtype)


def prod(x, /, *, axis=None, dtype=None, keepdims=False) -> Array:
    x, axes = _prepare(x, axis, "prod", "all")
    dtype = _accumulator_dtype(x, dtype)
    return in_dtype(x.prod(axis=axes, dtype=dtype, keepdims=keepdims), dtype)


def _variance(x: Array, axes: tuple, correction, keepdims: bool, root: bool) -> Array:
    """var (or std) with the divisor n - correction; a fractional correction rescales the
    ddof=0 result (the engine's ddof is an integer)."""
    if not axes:   # over no axis: each element alone (the engine's reduction over () returns x)
        variance = np.square(x - x) / x.dtype.type(builtins.max(1 - float(correction), 0))   # 0/0: NaN, as NumPy
        return np.sqrt(variance) if root else variance
    if float(correction) == int(correction):
        ddof = int(correction)
        return x.std(axis=axes, keepdims=keepdims, ddof=ddof) if root else x.var(axis=axes, keepdims=keepdims, ddof=ddof)
    n = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    scale = n / (n - float(correction)) if n != correction else np.inf
    variance = x.var(axis=axes, keepdims=keepdims) * x.dtype.type(scale)
    return np.sqrt(variance) if root else variance


def var(x, /, *, axis=None, correction=0.0, keepdims=False) -> Array:
    x, axes = _prepare(x, axis, "var", "all")
    return _variance(_as_floating(x), axes, correction, keepdims, root=False)


def std(x, /, *, axis=None, correction=0.0, keepdims=False) -> Array:
    x, axes = _prepare(x, axis, "std", "all")
    return _variance(_as_floating(x), axes, correction, keepdims, root=True)


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False) -> Array:
    """2023.12's cumulative_sum: chunkarr's lazy cumsum (axis may be omitted for 1-d x)."""
    x = as_array(x, "cumulative_sum")
    require(x, "numeric", "cumulative_sum")
    if axis is None:
        if x.ndim != 1:
            raise ValueError("cumulative_sum needs axis= for arrays of more than one dimension")
        axis = 0
    (axis,) = normalize_axes(axis, x.ndim, "cumulative_sum")
    result = x.cumsum(axis=axis, dtype=_accumulator_dtype(x, dtype))
    if include_initial:
        from ._manipulation_functions import concat
        from ._creation_functions import zeros
        shape = list(result.shape)
        shape[axis] = 1
        result = concat([zeros(tuple(shape), dtype=result.dtype), result], axis=axis)
    return result
