"""NumPy's array routines that are not reductions or linear algebra: shape functions
(expand_dims, squeeze, moveaxis, stack, broadcast_to, reshape, ravel, concatenate), where,
clip, running sums and products, histogram."""
from __future__ import annotations

import numbers

import numpy as np

from . import _chunkarr as _core
from ._array import Array, _unwrap, _wrap
from ._creation import _as_array, from_array, zeros


def expand_dims(a, axis) -> Array:
    return _wrap(_core.expand_dims(_as_array(a)._core, _axis_list(axis)))


def squeeze(a, axis=None) -> Array:
    return _wrap(_core.squeeze(_as_array(a)._core, _axis_list(axis)))


def moveaxis(a, source: int, destination: int) -> Array:
    return _wrap(_core.moveaxis(_as_array(a)._core, int(source), int(destination)))


def stack(arrays, axis: int = 0) -> Array:
    from ._complex import _is_complex_value, as_operand, stack as complex_stack
    arrays = [as_operand(a) for a in arrays]  # a list of complex numbers is complex data
    if any(_is_complex_value(a) for a in arrays):
        return complex_stack(arrays, axis)
    return _wrap(_core.stack([_as_array(a)._core for a in arrays], int(axis)))


def broadcast_to(a, shape) -> Array:
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(int(s) for s in shape)
    return _wrap(_core.broadcast_to(_as_array(a)._core, list(shape)))


def clip(a, a_min=None, a_max=None) -> Array:
    """NumPy's clip: maximum with a_min, then minimum with a_max (either may be None, or an
    array), with NumPy's dtypes (an int array clipped by Python ints stays int); NaN stays NaN."""
    if a_min is None and a_max is None:
        raise ValueError("One of max or min must be given")
    x = _as_array(a)
    if a_min is not None:
        x = np.maximum(x, a_min)
    return x if a_max is None else np.minimum(x, a_max)


def reshape(a, shape, order="C") -> Array:
    """The same elements in C order with another shape (one entry may be -1), lazily. Output
    chunks follow the input's where its blocks are runs of whole output rows (as Dask's reshape
    makes them), otherwise runs of about one input block; each task reads only its elements."""
    if order != "C":
        raise NotImplementedError("reshape supports order='C' only")
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(int(s) for s in shape)
    return _wrap(_core.reshape(_as_array(a)._core, list(shape)))


def ravel(a, order="C") -> Array:
    return reshape(a, -1, order=order)


def concatenate(arrays, axis: int = 0) -> Array:
    """Joins arrays along an existing axis, lazily (NumPy's dtype promotion)."""
    from ._complex import _is_complex_value, as_operand, concatenate as complex_concatenate
    arrays = [as_operand(a) for a in arrays]  # a list of complex numbers is complex data
    if any(_is_complex_value(a) for a in arrays):
        return complex_concatenate(arrays, axis)
    cores = [_as_array(a)._core for a in arrays]
    return _wrap(_core.concatenate(cores, int(axis)))


def transpose(a, axes=None) -> Array:
    return _as_array(a).transpose(*(axes or ()))


def rollaxis(a, axis: int, start: int = 0) -> Array:
    """NumPy's rollaxis: `axis` moved to before `start` (prefer moveaxis)."""
    x = _as_array(a)
    axis, start = int(axis) % max(x.ndim, 1), int(start)
    start = start + x.ndim if start < 0 else start
    if not 0 <= start <= x.ndim:
        raise np.AxisError(f"start={start} out of range for an array of {x.ndim} dimensions")
    return moveaxis(x, axis, start - 1 if start > axis else start)


def rechunk(x, chunks="auto", threshold=None, block_size_limit=None, balance=False, method=None) -> Array:
    """Dask's da.rechunk(x, chunks): see Array.rechunk."""
    return _as_array(x).rechunk(chunks)


def append(arr, values, axis=None) -> Array:
    """NumPy's append: flattened unless `axis` is given."""
    a, v = _as_array(arr), _as_array(values)
    if axis is None:
        return concatenate([ravel(a), ravel(v)], 0)
    return concatenate([a, v], axis)


def ndim(a) -> int:
    return len(shape(a))


def shape(a) -> tuple:
    return a.shape if isinstance(a, Array) else np.shape(a)


def where(condition, a, b) -> Array:
    from ._complex import _is_complex_value, where as complex_where
    if _is_complex_value(a) or _is_complex_value(b):
        return complex_where(condition, a, b)
    return _wrap(_core.where(_unwrap(condition), _unwrap(a), _unwrap(b)))


def _axis_list(axis):
    if axis is None:
        return []
    return [int(axis)] if isinstance(axis, numbers.Integral) else [int(a) for a in axis]


def _scan(scan, a, axis, dtype):
    """cumsum/cumprod: `scan` is the engine's _core.cumsum or _core.cumprod."""
    a = _as_array(a)
    if dtype is not None:
        a = a.astype(dtype)
    if axis is None:   # NumPy flattens first
        a = ravel(a)
        axis = 0
    return _wrap(scan(a._core, int(axis)))


def histogram(a, bins=10, range=None, weights=None, density=None):  # noqa: A002 (NumPy's name)
    """(counts, edges), lazy; `bins` equal bins over `range` or the data's min..max, or explicit
    bin edges (NumPy's: [e_i, e_i+1), the last bin closed, values outside them not counted)."""
    if weights is not None or density:
        raise NotImplementedError("histogram weights= and density= are not supported")
    if isinstance(bins, (numbers.Integral, np.integer)):
        counts, edges = _core.histogram(_as_array(a)._core, int(bins),
                                        None if range is None else (float(range[0]), float(range[1])))
        return _wrap(counts), _wrap(edges)
    if isinstance(bins, str):
        raise NotImplementedError(f"histogram bins={bins!r}: give a number of bins or the edges")
    edges = np.asarray(bins)
    if edges.ndim != 1:
        raise ValueError("`bins` must be 1d, when an array")
    if edges.size and np.any(edges[:-1] > edges[1:]):
        raise ValueError("`bins` must increase monotonically, when an array")
    if edges.size < 2:
        return zeros(0, dtype=np.int64), from_array(edges)
    counts = _core.histogram_edges(_as_array(a)._core, [float(e) for e in edges])
    return _wrap(counts), from_array(edges)

