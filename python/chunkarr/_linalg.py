"""Linear algebra, NumPy's names: matmul (the @ operator), dot, tensordot. Lazy; each result
block sums its products in a fixed order."""
from __future__ import annotations

import numbers

import numpy as np

from . import _chunkarr as _core
from ._array import Array, _wrap
from ._creation import _as_array


def _is_operand(x) -> bool:
    return isinstance(x, (Array, np.ndarray, numbers.Number, np.generic, list, tuple))


def matmul(a, b) -> Array:
    """numpy.matmul (the @ operator), lazy: 1-d operands are promoted as in NumPy, leading
    (batch) axes broadcast. Each result block sums one product per chunk of the summed axis,
    in a fixed order (bit-identical for any thread count)."""
    return _wrap(_core.matmul(_as_array(a)._core, _as_array(b)._core))


def dot(a, b) -> Array:
    """numpy.dot, lazy: sums a's last axis with b's second-to-last (its only axis when 1-d);
    a 0-d operand multiplies (a Python number counts as a 0-d float64/int64 array, as in
    NumPy's dot: float32 . 2.5 is float64)."""
    return _wrap(_core.dot(_as_array(a)._core, _as_array(b)._core))


def tensordot(a, b, axes=2) -> Array:
    """numpy.tensordot, lazy: `axes` is a number N (a's last N axes with b's first N) or a pair
    of axis lists (or single axes)."""
    a, b = _as_array(a), _as_array(b)
    if isinstance(axes, (numbers.Integral, np.integer)):
        return _wrap(_core.tensordot_n(a._core, b._core, int(axes)))
    try:
        a_axes, b_axes = axes
    except (TypeError, ValueError):
        raise ValueError(f"tensordot: axes must be an integer or a pair of axis lists, got {axes!r}") from None
    a_axes = [int(a_axes)] if isinstance(a_axes, (numbers.Integral, np.integer)) else [int(x) for x in a_axes]
    b_axes = [int(b_axes)] if isinstance(b_axes, (numbers.Integral, np.integer)) else [int(x) for x in b_axes]
    if len(a_axes) != len(b_axes):
        raise ValueError("shape-mismatch for sum: the two lists of axes have different lengths")
    return _wrap(_core.tensordot(a._core, b._core, a_axes, b_axes))

