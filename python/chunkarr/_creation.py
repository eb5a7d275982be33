"""Making arrays: from NumPy arrays (and whatever np.asarray takes), and filled, ranged or
random arrays made by the engine itself (no memory until computed)."""
from __future__ import annotations

import numbers

import numpy as np

from . import _chunkarr as _core
from ._array import Array, _wrap
from ._chunks import _chunk_shape, _normalize_chunks
from ._dtypes import _dtype


def from_array(x, chunks=None) -> Array:
    """A NumPy array as a chunkarr Array, without copying a C-contiguous array (keep it unchanged
    until computed); other layouts are copied once."""
    x = np.asarray(x)
    if not x.dtype.isnative:
        x = x.astype(x.dtype.newbyteorder("="))
    if not x.flags.c_contiguous:
        x = np.ascontiguousarray(x)   # one copy, in C order (tasks then read whole rows)
    _dtype(x.dtype)   # a TypeError here for dtypes chunkarr lacks
    return _wrap(_core.from_numpy(x, [list(c) for c in _normalize_chunks(chunks, x.shape)]))


def full(shape, fill_value, dtype=None, chunks=None) -> Array:
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if dtype is None:
        dtype = np.array(fill_value).dtype
    chunk_shape, normalized = _chunk_shape(chunks, shape)
    x = _wrap(_core.full(list(shape), float(fill_value), _dtype(dtype), chunk_shape if chunks is not None else []))
    return x if x.chunks == normalized else x.rechunk(normalized)


def zeros(shape, dtype=float, chunks=None) -> Array:
    return full(shape, 0, dtype, chunks)


def ones(shape, dtype=float, chunks=None) -> Array:
    return full(shape, 1, dtype, chunks)


def arange(start, stop=None, step=1, dtype=None, chunks=None) -> Array:
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange step must not be zero")
    if dtype is None:
        dtype = np.arange(start, start + step, step).dtype if step else np.float64
    n = max(0, int(np.ceil((stop - start) / step)))
    chunk = 0 if chunks is None else (chunks if isinstance(chunks, numbers.Integral) else _normalize_chunks(chunks, (n,))[0][0])
    x = _wrap(_core.arange(float(start), float(stop), float(step), _dtype(dtype), int(chunk)))
    if chunks is not None and not isinstance(chunks, numbers.Integral):
        x = x.rechunk(chunks)
    return x


def linspace(start, stop, num=50, dtype=float, chunks=None) -> Array:
    if num < 2:
        return arange(0, num, 1, np.float64, chunks) * 0.0 + float(start)
    step = (stop - start) / (num - 1)
    x = arange(0, num, 1, np.float64, chunks) * step + float(start)
    return x if np.dtype(dtype) == np.float64 else x.astype(dtype)


class _Random:
    """ca.random.random(shape, chunks=None, seed=0): uniform [0, 1), reproducible for a seed."""

    def random(self, size, chunks=None, seed: int = 0) -> Array:
        shape = (size,) if isinstance(size, numbers.Integral) else tuple(size)
        chunk_shape, normalized = _chunk_shape(chunks, shape)
        x = _wrap(_core.random_uniform(list(shape), int(seed), chunk_shape if chunks is not None else []))
        return x if x.chunks == normalized else x.rechunk(normalized)


random = _Random()


def _as_array(a) -> Array:
    return a if isinstance(a, Array) else from_array(np.asarray(a))
