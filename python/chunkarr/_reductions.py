"""Reductions: the user's names (NumPy's, their nan-variants, xarray's count) as the engine's
ReduceOp and NaN rule, and axis arguments as the engine takes them. Works on engine handles;
Array's methods (sum, mean, ...) wrap the results."""
from __future__ import annotations

import numbers

from ._chunkarr import ReduceOp

# name: (operation, skip NaN). count skips NaN by definition; any and all are their own.
_REDUCTIONS = {
    "sum": (ReduceOp.sum, False), "mean": (ReduceOp.mean, False), "min": (ReduceOp.min, False),
    "max": (ReduceOp.max, False), "var": (ReduceOp.var, False), "std": (ReduceOp.std, False),
    "count": (ReduceOp.count, True), "prod": (ReduceOp.prod, False), "nanprod": (ReduceOp.prod, True),
    "nansum": (ReduceOp.sum, True), "nanmean": (ReduceOp.mean, True), "nanmin": (ReduceOp.min, True),
    "nanmax": (ReduceOp.max, True), "nanvar": (ReduceOp.var, True), "nanstd": (ReduceOp.std, True),
}


def _axes(axis):
    if axis is None:
        return None
    if isinstance(axis, numbers.Integral):
        return [int(axis)]
    return [int(a) for a in axis]


def _reduce(core, name, axis=None, keepdims=False, ddof=0):
    """Reduction `name` of the engine handle `core` over `axis` (None: all; (): none)."""
    axes = _axes(axis)
    if name == "any":
        return core.any(axes, keepdims)
    if name == "all":
        return core.all(axes, keepdims)
    op, skipna = _REDUCTIONS[name]
    return core.reduce(op, axes, keepdims, skipna, ddof)
