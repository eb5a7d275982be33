"""chunkarr.linalg, as numpy.linalg / dask.array.linalg: norm. (matmul, dot and tensordot are
in the top-level namespace, from _linalg.)"""
from __future__ import annotations

import numbers

import numpy as np

from ._array import Array
from ._blocks import map_blocks
from ._creation import _as_array
from ._manipulation import _normalize_axis
from ._routines import moveaxis, squeeze


def _vector_norm(x: Array, ord, axis: int) -> Array:
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord is None or ord == 2:
        return np.sqrt((x * x).sum(axis=axis, keepdims=True))
    if ord == np.inf:
        return abs(x).max(axis=axis, keepdims=True)
    if ord == -np.inf:
        return abs(x).min(axis=axis, keepdims=True)
    if ord == 0:
        return (x != 0).astype(x.dtype).sum(axis=axis, keepdims=True)
    if ord == 1:
        return abs(x).sum(axis=axis, keepdims=True)
    p = float(ord)
    return (abs(x) ** p).sum(axis=axis, keepdims=True) ** (1.0 / p)


def _matrix_norm(x: Array, ord, rows: int, cols: int) -> Array:
    if ord is None or ord == "fro":
        return np.sqrt((x * x).sum(axis=(rows, cols), keepdims=True))
    if ord in (1, -1):
        sums = abs(x).sum(axis=rows, keepdims=True)
        return sums.max(axis=cols, keepdims=True) if ord == 1 else sums.min(axis=cols, keepdims=True)
    if ord in (np.inf, -np.inf):
        sums = abs(x).sum(axis=cols, keepdims=True)
        return sums.max(axis=rows, keepdims=True) if ord == np.inf else sums.min(axis=rows, keepdims=True)
    if ord in (2, -2, "nuc"):
        # Singular values: each matrix whole in one block (moved to the last two axes), NumPy's SVD.
        m = moveaxis(moveaxis(x, rows, -1), cols - (cols > rows), -1).rechunk({x.ndim - 2: -1, x.ndim - 1: -1})
        chunks = m.chunks[:-2] + ((1,), (1,))
        out = map_blocks(lambda b: np.linalg.norm(b, ord, axis=(-2, -1), keepdims=True), m, dtype=x.dtype,
                         chunks=chunks, name="norm")
        low, high = sorted((rows, cols))
        return moveaxis(moveaxis(out, -2, low), -1, high)
    raise ValueError("Invalid norm order for matrices.")


def norm(x, ord=None, axis=None, keepdims=False) -> Array:
    """numpy.linalg.norm, lazily: vector norms (None/2, inf, -inf, 0, 1, any number p) over one
    axis, matrix norms (None/'fro', 1, -1, inf, -inf, 2, -2, 'nuc') over two; axis=None with
    ord=None is the 2-norm of all elements. Integer input is computed as float64. Matrix 2/-2/'nuc'
    need each matrix in one block (NumPy's SVD per block)."""
    x = _as_array(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if axis is None:
        if ord is None:
            result = np.sqrt((x * x).sum(keepdims=True))
            return result if keepdims else squeeze(result)
        if x.ndim not in (1, 2):
            raise ValueError("Improper number of dimensions to norm.")
        axis = tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, (numbers.Integral, np.integer)) else tuple(axis)
    axes = tuple(_normalize_axis(a, x.ndim) for a in axes)
    if len(axes) == 1:
        result = _vector_norm(x, ord, axes[0])
    elif len(axes) == 2:
        if axes[0] == axes[1]:
            raise ValueError("Duplicate axes given.")
        result = _matrix_norm(x, ord, axes[0], axes[1])
    else:
        raise ValueError("Improper number of dimensions to norm.")
    if result.dtype != x.dtype:
        result = result.astype(x.dtype)
    return result if keepdims else squeeze(result, axes)


ARRAY_FUNCTIONS = {np.linalg.norm: norm}
