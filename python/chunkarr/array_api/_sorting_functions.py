"""The standard's sort and argsort, lazily: the sorted axis is rechunked to one chunk (it must
fit in memory per block) and each block sorted by NumPy (stable by default). sort is
chunkarr.sort, reversed when descending; argsort's descending order keeps equal elements in their
original order."""
from __future__ import annotations

import numpy as np

from .. import _sorting
from .._array import Array
from .._blocks import map_blocks
from .._indexing import flip
from ._dtypes import require
from ._operands import as_array, normalize_axes


def _descending_argsort(block: np.ndarray, axis: int, kind: str) -> np.ndarray:
    # argsort of the reversed block, reversed back: descending, equal elements in original order.
    reversed_order = np.argsort(np.flip(block, axis=axis), axis=axis, kind=kind)
    return block.shape[axis] - 1 - np.flip(reversed_order, axis=axis)


def _argsort_block(block: np.ndarray, axis: int, kind: str, descending: bool) -> np.ndarray:
    order = _descending_argsort(block, axis, kind) if descending else np.argsort(block, axis=axis, kind=kind)
    return order.astype(np.int64)


def _sorted_axis(x, axis, name: str):
    """x as an array of any dtype, and the one axis it is sorted along."""
    x = as_array(x, name)
    require(x, "all", name)
    if x.ndim == 0:
        raise ValueError(f"{name} of a 0-d array (there is no axis to sort along)")
    (axis,) = normalize_axes(axis, x.ndim, name)
    return x, axis


def _kind(stable: bool) -> str:
    return "stable" if stable else "quicksort"


def sort(x, /, *, axis=-1, descending=False, stable=True) -> Array:
    x, axis = _sorted_axis(x, axis, "sort")
    values = _sorting.sort(x, axis=axis, kind=_kind(stable))
    return flip(values, axis) if descending else values


def argsort(x, /, *, axis=-1, descending=False, stable=True) -> Array:
    x, axis = _sorted_axis(x, axis, "argsort")
    return map_blocks(_argsort_block, x.rechunk({axis: -1}), axis=axis, kind=_kind(stable), descending=descending,
                      dtype=np.int64, name="argsort")
