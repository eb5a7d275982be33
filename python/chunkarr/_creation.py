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
    if x.dtype.kind == "c":  # complex: its two parts, as chunkarr computes with them
        from ._complex import ComplexArray
        return ComplexArray(from_array(x.real, chunks), from_array(x.imag, chunks))
    if not x.flags.c_contiguous:
        x = np.ascontiguousarray(x)   # one copy, in C order (tasks then read whole rows)
    _dtype(x.dtype)   # a TypeError here for dtypes chunkarr lacks
    return _wrap(_core.from_numpy(x, [list(c) for c in _normalize_chunks(chunks, x.shape)]))


def full(shape, fill_value, dtype=None, chunks=None) -> Array:
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if dtype is None:
        dtype = np.array(fill_value).dtype
    if np.dtype(dtype).kind == "c":  # complex: a ComplexArray of the two parts
        from ._complex import ComplexArray
        part = np.float32 if np.dtype(dtype) == np.complex64 else np.float64
        value = complex(fill_value)
        return ComplexArray(full(shape, value.real, part, chunks), full(shape, value.imag, part, chunks))
    chunk_shape, normalized = _chunk_shape(chunks, shape)
    if _not_exact_as_double(fill_value, np.dtype(dtype)):
        # The engine fills through a double: larger integers would round and -0.0 lose its sign,
        # so those are broadcast from a 0-d array of the value instead (exact, still lazy).
        one = from_array(np.array(fill_value, dtype=dtype))
        x = _wrap(_core.broadcast_to(one._core, list(shape)))
    else:
        x = _wrap(_core.full(list(shape), float(fill_value), _dtype(dtype), chunk_shape if chunks is not None else []))
    return x if x.chunks == normalized else x.rechunk(normalized)


def _not_exact_as_double(value, dtype: np.dtype) -> bool:
    if dtype.kind in "iu" and isinstance(value, (numbers.Integral, np.integer)):
        return abs(int(value)) > 2 ** 53
    return isinstance(value, (numbers.Real, np.floating)) and value == 0 and bool(np.signbit(value))


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
        x = arange(0, num, 1, np.float64, chunks) * 0.0 + float(start)
    else:
        positions = arange(0, num, 1, np.float64, chunks)
        x = positions * ((stop - start) / (num - 1)) + float(start)
        # The last point is stop itself, as NumPy's (start + (num - 1) * step may round past it).
        from ._routines import where
        x = where(positions == num - 1, float(stop), x)
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
    if isinstance(a, Array):
        return a
    from ._complex import _is_complex_value, refuse_complex
    a = a if _is_complex_value(a) else np.asarray(a)  # a list of complex numbers too
    if _is_complex_value(a):  # only ComplexArray's own operations take complex values
        raise refuse_complex(a)
    return from_array(a)


def asarray(a, dtype=None, order=None, *, like=None) -> Array:
    """`a` as a chunkarr Array (itself if it is one; NumPy data wrapped, one chunk), as da.asarray;
    complex values as a ComplexArray."""
    from ._complex import ComplexArray, _as_complex, _is_complex_value, as_operand
    a = as_operand(a)  # a list of complex numbers is complex data
    if _is_complex_value(a) or (dtype is not None and np.dtype(dtype).kind == "c"):
        z = a if isinstance(a, ComplexArray) else _as_complex(a if isinstance(a, Array) else np.asarray(a))
        return z if dtype is None or np.dtype(dtype) == z.dtype else z.astype(dtype)
    x = _as_array(a)
    return x if dtype is None or np.dtype(dtype) == x.dtype else x.astype(dtype)


asanyarray = asarray


def array(object, dtype=None, copy=True, order="K", ndmin=0, *, like=None) -> Array:  # noqa: A002 (NumPy's name)
    """As asarray (chunkarr arrays are immutable: a copy is the array itself), with NumPy's ndmin."""
    x = asarray(object, dtype)
    return x.reshape((1,) * (ndmin - x.ndim) + x.shape) if x.ndim < ndmin else x


def empty(shape, dtype=float, chunks=None) -> Array:
    """As zeros (chunkarr has no uninitialized arrays)."""
    return full(shape, 0, dtype, chunks)


# ---- like other arrays, and index grids (lazy: arange, comparisons and broadcasts) -------------------
def _like_shape_chunks(a, shape, chunks):
    """Dask's *_like rules: a's shape and chunks unless shape= or chunks= are given."""
    from ._complex import ComplexArray
    lazy = isinstance(a, (Array, ComplexArray))
    if shape is None:
        shape = a.shape if lazy else np.shape(a)
        if chunks is None and lazy:
            chunks = a.chunks
    shape = (int(shape),) if isinstance(shape, numbers.Integral) else tuple(int(s) for s in shape)
    return shape, chunks


def full_like(a, fill_value, order="C", dtype=None, chunks=None, name=None, shape=None) -> Array:
    """An array of a's shape (or `shape`), dtype (or `dtype`) and chunks (or `chunks`) filled
    with fill_value (cast to the dtype, as NumPy)."""
    from ._complex import ComplexArray
    if dtype is None:
        dtype = a.dtype if isinstance(a, (Array, ComplexArray)) else np.asarray(a).dtype
    shape, chunks = _like_shape_chunks(a, shape, chunks)
    value = np.array(fill_value).astype(dtype)[()]   # NumPy's cast (3.7 into int: 3)
    return full(shape, value, dtype=dtype, chunks=chunks)


def zeros_like(a, dtype=None, order="C", chunks=None, name=None, shape=None) -> Array:
    return full_like(a, 0, dtype=dtype, chunks=chunks, shape=shape)


def ones_like(a, dtype=None, order="C", chunks=None, name=None, shape=None) -> Array:
    return full_like(a, 1, dtype=dtype, chunks=chunks, shape=shape)


def empty_like(a, dtype=None, order="C", chunks=None, name=None, shape=None) -> Array:
    """As zeros_like (chunkarr has no uninitialized arrays: the values are zeros)."""
    return full_like(a, 0, dtype=dtype, chunks=chunks, shape=shape)


def _grid_chunks(x: Array, chunks) -> Array:
    return x if chunks is None or chunks == "auto" else x.rechunk(chunks)


def _diagonal_grid(N, M, k, dtype, chunks, below: bool) -> Array:
    """Where column - k <= row (below=True, tri) or == row (eye): two ranges broadcast against
    each other and compared, lazily."""
    from ._routines import expand_dims
    M = N if M is None else M
    if int(N) < 0 or int(M) < 0:
        raise ValueError("negative dimensions are not allowed")
    rows = expand_dims(arange(0, int(N), 1, np.int64), 1)
    shifted = expand_dims(arange(0, int(M), 1, np.int64), 0) - int(k)
    mask = shifted <= rows if below else shifted == rows
    return _grid_chunks(mask if np.dtype(dtype) == np.bool_ else mask.astype(dtype), chunks)


def tri(N, M=None, k=0, dtype=float, chunks="auto") -> Array:
    """Ones at and below diagonal k, zeros above (NumPy's tri), lazily."""
    return _diagonal_grid(N, M, k, dtype, chunks, below=True)


def eye(N, chunks="auto", M=None, k=0, dtype=float) -> Array:
    """Ones on diagonal k, lazily (Dask's argument order)."""
    return _diagonal_grid(N, M, k, dtype, chunks, below=False)


def meshgrid(*xi, sparse=False, indexing="xy") -> list:
    """Coordinate grids from 1-d coordinates (NumPy's meshgrid; indexing 'xy' or 'ij'), lazily:
    each grid is its coordinates broadcast."""
    from ._routines import broadcast_to, ravel, reshape
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    coords = [ravel(_as_array(x)) for x in xi]
    ndim = len(coords)
    grids = []
    for i, x in enumerate(coords):
        shape = [1] * ndim
        shape[i] = x.shape[0]
        if indexing == "xy" and ndim > 1 and i < 2:
            shape[0], shape[1] = shape[1], shape[0]
        grids.append(reshape(x, shape))
    if sparse:
        return grids
    full_shape = np.broadcast_shapes(*[g.shape for g in grids])
    return [broadcast_to(g, full_shape) for g in grids]


def _index_grids(shape: tuple, dtype) -> list:
    """One grid per axis of `shape`: each element's position along that axis (what indices
    stacks and fromfunction passes), lazily."""
    return meshgrid(*(arange(0, n, 1, dtype) for n in shape), indexing="ij")


def indices(dimensions, dtype=int, chunks="auto") -> Array:
    """The index grids of an array of shape `dimensions`, stacked (NumPy's indices), lazily."""
    from ._routines import stack
    dimensions = tuple(int(d) for d in dimensions)
    if not dimensions:
        return _grid_chunks(full((0,), 0, dtype=dtype), chunks)
    return _grid_chunks(stack(_index_grids(dimensions, dtype), 0), chunks)


def fromfunction(function, shape, *, dtype=float, chunks="auto", **kwargs) -> Array:
    """Dask's fromfunction: function(*index_grids, **kwargs) block by block (each block gets the
    grids of its own positions), lazily."""
    from ._blocks import map_blocks
    shape = tuple(int(s) for s in shape)
    grids = [_grid_chunks(g, chunks) for g in _index_grids(shape, dtype)]
    return map_blocks(lambda *blocks: np.asarray(function(*blocks, **kwargs)), *grids, dtype=dtype,
                      name="fromfunction")


def _triangle_indices(lower, n, k, m):
    rows, cols = (np.tril_indices if lower else np.triu_indices)(n, k, m)
    return from_array(rows), from_array(cols)


def tril_indices(n, k=0, m=None, chunks="auto") -> tuple:
    """NumPy's tril_indices as chunkarr arrays (their length is known from n, k, m)."""
    return _triangle_indices(True, n, k, m)


def triu_indices(n, k=0, m=None, chunks="auto") -> tuple:
    return _triangle_indices(False, n, k, m)


def tril_indices_from(arr, k=0) -> tuple:
    if np.ndim(arr) != 2:
        raise ValueError("input array must be 2-d")
    return tril_indices(np.shape(arr)[-2], k, np.shape(arr)[-1])


def triu_indices_from(arr, k=0) -> tuple:
    if np.ndim(arr) != 2:
        raise ValueError("input array must be 2-d")
    return triu_indices(np.shape(arr)[-2], k, np.shape(arr)[-1])


ARRAY_FUNCTIONS = {
    np.tril_indices_from: tril_indices_from, np.triu_indices_from: triu_indices_from,
    np.zeros_like: lambda a, dtype=None, order="K", subok=True, shape=None: zeros_like(a, dtype, shape=shape),
    np.ones_like: lambda a, dtype=None, order="K", subok=True, shape=None: ones_like(a, dtype, shape=shape),
    np.empty_like: lambda a, dtype=None, order="K", subok=True, shape=None: empty_like(a, dtype, shape=shape),
    np.full_like: lambda a, fill_value, dtype=None, order="K", subok=True, shape=None:
        full_like(a, fill_value, dtype=dtype, shape=shape),
    np.meshgrid: lambda *xi, copy=True, sparse=False, indexing="xy": meshgrid(*xi, sparse=sparse, indexing=indexing),
}
