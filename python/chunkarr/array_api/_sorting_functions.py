"""The standard's sort and argsort, lazily: the sorted axis is rechunked to one chunk (it must
fit in memory per block, as chunkarr.sort) and each block sorted by NumPy (stable by default);
descending order keeps equal elements in their original order."""
from __future__ import annotations

import numpy as np

from .._array import Array
from .._blocks import map_blocks
from ._dtypes import require
from ._operands import as_array, normalize_axes


def _descending_argsort(block: np.ndarray, axis: int, kind: str) -> np.ndarray:
    # argsort of the reversed block, reversed back: descending, equal elements in original order.
    reversed_order = np.argsort(np.flip(block, axis=axis), axis=axis, kind=kind)
    return block.shape[axis] - 1 - np.flip(reversed_order, axis=axis)


def _sort_block(block: np.ndarray, axis: int, kind: str, descending: bool, indices: bool) -> np.ndarray:
    if indices:
        order = _descending_argsort(block, axis, kind) if descending else np.argsort(block, axis=axis, kind=kind)
        return order.astype(np.int64)
    values = np.sort(block, axis=axis, kind=kind)
    return np.flip(values, axis=axis) if descending else values


def _sort(x, axis, descending: bool, stable: bool, indices: bool, name: str) -> Array:
    x = as_array(x, name)
    require(x, "all", name)
    if x.ndim == 0:
        raise ValueError(f"{name} of a 0-d array (there is no axis to sort along)")
    (axis,) = normalize_axes(axis, x.ndim, name)
    kind = "stable" if stable else "quicksort"
    return map_blocks(_sort_block, x.rechunk({axis: -1}), axis=axis, kind=kind, descending=descending,
                      indices=indices, dtype=np.int64 if indices else x.dtype, name=name)


def sort(x, /, *, axis=-1, descending=False, stable=True) -> Array:
    return _sort(x, axis, descending, stable, False, "sort")


def argsort(x, /, *, axis=-1, descending=False, stable=True) -> Array:
    return _sort(x, axis, descending, stable, True, "argsort")
