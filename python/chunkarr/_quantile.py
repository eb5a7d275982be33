"""Exact quantiles, percentiles and medians (NumPy's, their nan-variants), out of core: a few
passes over the data select the order statistics; nothing is sorted."""
from __future__ import annotations

import numbers

import numpy as np

from . import _chunkarr as _core
from ._chunkarr import QuantileMode
from ._array import Array, _wrap
from ._creation import _as_array
from ._reductions import _axes


def _quantile_args(a, q, axis, method, percent):
    if method != "linear":
        raise NotImplementedError(f"quantile method {method!r}: only 'linear' is supported")
    a = _as_array(a)
    q_array = np.asanyarray(q)
    if q_array.dtype.kind not in "biuf":
        raise TypeError(f"q must be numbers, got dtype {q_array.dtype}")
    integer_q = q_array.dtype.kind in "biu" and not percent
    values = q_array.astype(np.float64)
    if percent:
        values = np.true_divide(values, 100)
    if not np.all((values >= 0) & (values <= 1)):   # False for NaN too
        raise ValueError("Percentiles must be in the range [0, 100]" if percent else "Quantiles must be in the range [0, 1]")
    if a.dtype == np.bool_:
        raise TypeError("numpy boolean subtract, the `-` operator, is not supported: quantile of a bool array")
    if axis is not None and not isinstance(axis, numbers.Integral) and len(tuple(axis)) == 0:
        raise NotImplementedError("axis=() (no reduction) is not supported by quantile")
    return a, values, integer_q


def _quantile(a, q, axis, keepdims, method, skipna, percent):
    a, values, integer_q = _quantile_args(a, q, axis, method, percent)
    axes = _axes(axis)
    reduced = set(range(a.ndim)) if axes is None else {x % a.ndim for x in axes} if a.ndim else set()
    lane_length = int(np.prod([a.shape[x] for x in reduced], dtype=np.int64))
    lanes = int(np.prod([a.shape[x] for x in range(a.ndim) if x not in reduced], dtype=np.int64))
    if not skipna and lane_length == 0 and lanes > 0 and values.size > 0:
        raise IndexError("cannot do a non-empty take from an empty axes.")   # as NumPy
    # Integer q (0 or 1) selects an order statistic itself, in the input's dtype (as NumPy).
    mode = QuantileMode.exact if integer_q else QuantileMode.linear
    return _wrap(_core.quantile(a._core, [float(v) for v in values.ravel()], list(values.shape), axes, bool(keepdims),
                                skipna, mode))


def quantile(a, q, axis=None, keepdims=False, method="linear") -> Array:
    """Exact q-th quantiles (NumPy's np.quantile, method='linear'), lazy and out of core: a few
    passes over the data select the order statistics (histogram refinement), nothing is sorted."""
    return _quantile(a, q, axis, keepdims, method, False, False)


def nanquantile(a, q, axis=None, keepdims=False, method="linear") -> Array:
    """quantile ignoring NaN (an all-NaN lane gives NaN)."""
    return _quantile(a, q, axis, keepdims, method, True, False)


def percentile(a, q, axis=None, keepdims=False, method="linear") -> Array:
    """Exact percentiles, q in [0, 100] (NumPy's np.percentile); see quantile."""
    return _quantile(a, q, axis, keepdims, method, False, True)


def nanpercentile(a, q, axis=None, keepdims=False, method="linear") -> Array:
    return _quantile(a, q, axis, keepdims, method, True, True)


def _median(a, axis, keepdims, skipna):
    a = _as_array(a)
    if axis is not None and not isinstance(axis, numbers.Integral) and len(tuple(axis)) == 0:
        raise NotImplementedError("axis=() (no reduction) is not supported by median")
    return _wrap(_core.quantile(a._core, [0.5], [], _axes(axis), bool(keepdims), skipna, QuantileMode.median))


def median(a, axis=None, keepdims=False) -> Array:
    """Exact median (NumPy's np.median: float32 stays float32), lazy and out of core."""
    return _median(a, axis, keepdims, False)


def nanmedian(a, axis=None, keepdims=False) -> Array:
    return _median(a, axis, keepdims, True)

