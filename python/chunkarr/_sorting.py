"""Sorting and searching, NumPy's and Dask's names: sort (one chunk along the sorted axis, as
Dask's blockwise sorts), topk/argtopk (Dask's), and the functions whose result's size depends
on the data — unique, argwhere, nonzero, flatnonzero — which compute eagerly (documented on
each) so that their results have exact shapes."""
from __future__ import annotations

import numpy as np

from ._array import Array
from ._blocks import map_blocks
from ._creation import _as_array, from_array
from ._manipulation import _normalize_axis
from ._routines import ravel


def sort(a, axis=-1, kind=None, order=None) -> Array:
    """numpy.sort along an axis, lazily: the axis is rechunked to one chunk (it must fit in
    memory per block) and each block sorted by NumPy (NaN last). axis=None sorts the flattened
    array."""
    a = _as_array(a)
    if order is not None:
        raise NotImplementedError("sort order= (structured arrays) is not supported by chunkarr")
    if axis is None:
        a, axis = ravel(a), 0
    axis = _normalize_axis(axis, a.ndim)
    return map_blocks(np.sort, a.rechunk({axis: -1}), axis=axis, kind=kind, dtype=a.dtype, name="sort")


def _check_k(a: Array, k, axis: int) -> int:
    k = int(k)
    if k == 0 or abs(k) > a.shape[axis]:
        raise ValueError(f"topk: k={k} must be non-zero and at most the axis length {a.shape[axis]}")
    return k


def _topk_block(block, k, axis):
    """The |k| largest (k > 0, descending) or smallest (k < 0, ascending) values along axis."""
    ordered = np.sort(block, axis=axis)
    n = ordered.shape[axis]
    if k > 0:
        return np.flip(np.take(ordered, np.arange(n - k, n), axis=axis), axis=axis)
    return np.take(ordered, np.arange(0, -k), axis=axis)


def topk(a, k, axis=-1, split_every=None) -> Array:
    """Dask's topk: the k largest values along axis, largest first (k > 0), or the -k smallest,
    smallest first (k < 0); NaN counts as the largest (NumPy's sort order). Lazily, in two steps:
    each block keeps its own |k| candidates, then the candidates (one chunk) are reduced."""
    a = _as_array(a)
    axis = _normalize_axis(axis, a.ndim)
    k = _check_k(a, k, axis)
    chunks = list(a.chunks)
    chunks[axis] = tuple(min(abs(k), c) for c in chunks[axis])
    # Each block keeps min(|k|, its length) candidates.
    candidates = map_blocks(lambda b: _topk_block(b, int(np.sign(k)) * min(abs(k), b.shape[axis]), axis),
                            a, dtype=a.dtype, chunks=tuple(chunks), name="topk")
    final = list(candidates.chunks)
    final[axis] = (abs(k),)
    return map_blocks(_topk_block, candidates.rechunk({axis: -1}), k=k, axis=axis, dtype=a.dtype,
                      chunks=tuple(final), name="topk")


def argtopk(a, k, axis=-1, split_every=None) -> Array:
    """Dask's argtopk: the indices along axis of topk(a, k, axis), lazily (the axis is made one
    chunk). Among equal values the order is NumPy's stable argsort's."""
    a = _as_array(a)
    axis = _normalize_axis(axis, a.ndim)
    k = _check_k(a, k, axis)

    def indices(block):
        order = np.argsort(block, axis=axis, kind="stable")
        n = order.shape[axis]
        if k > 0:
            return np.flip(np.take(order, np.arange(n - k, n), axis=axis), axis=axis)
        return np.take(order, np.arange(0, -k), axis=axis)

    x = a.rechunk({axis: -1})
    chunks = list(x.chunks)
    chunks[axis] = (abs(k),)
    return map_blocks(indices, x, dtype=np.intp, chunks=tuple(chunks), name="argtopk")


def unique(ar, return_index=False, return_inverse=False, return_counts=False):
    """numpy.unique. Computes (eagerly): the array is computed and NumPy's unique applied; the
    results are NumPy arrays (their sizes depend on the data)."""
    values = np.asarray(_as_array(ar).compute()).ravel()
    return np.unique(values, return_index=return_index, return_inverse=return_inverse,
                     return_counts=return_counts)


def union1d(ar1, ar2) -> np.ndarray:
    """numpy.union1d. Computes (eagerly, as unique): a NumPy array of the sorted distinct values."""
    return np.union1d(np.asarray(_as_array(ar1).compute()), np.asarray(_as_array(ar2).compute()))


def _nonzero_mask(a: Array) -> np.ndarray:
    return np.asarray(a.astype(bool).compute())


def argwhere(a) -> Array:
    """numpy.argwhere. Computes eagerly (a bool mask of a, one byte per element) so that the
    result, a chunkarr array of shape (count, ndim), has its exact shape."""
    return from_array(np.argwhere(_nonzero_mask(_as_array(a))))


def nonzero(a) -> tuple:
    """numpy.nonzero: one index array per axis. Computes eagerly (as argwhere) for exact shapes."""
    return tuple(from_array(i) for i in np.nonzero(_nonzero_mask(_as_array(a))))


def flatnonzero(a) -> Array:
    """numpy.flatnonzero. Computes eagerly (as argwhere) for an exact shape."""
    return from_array(np.flatnonzero(_nonzero_mask(_as_array(a))))


ARRAY_FUNCTIONS = {
    np.sort: sort, np.unique: lambda ar, return_index=False, return_inverse=False, return_counts=False, axis=None,
    **kw: unique(ar, return_index, return_inverse, return_counts) if axis is None else
    np.unique(np.asarray(_as_array(ar).compute()), return_index, return_inverse, return_counts, axis, **kw),
    np.argwhere: argwhere, np.nonzero: nonzero, np.flatnonzero: flatnonzero, np.union1d: union1d,
}
