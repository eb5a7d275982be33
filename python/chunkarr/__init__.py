"""chunkarr: chunked, out-of-core n-dimensional arrays, computed in parallel in C++.

    import chunkarr as ca
    t2m = ca.open("era5_*.nc", "t2m")          # lazy: reads metadata only
    with ca.ProgressBar():
        clim = t2m.mean(axis=0).compute()      # a NumPy array

Names follow dask.array where it has them.
"""
from __future__ import annotations

import numbers
import os
import sys
from typing import Any, Iterable

import numpy as np

from . import _chunkarr as _core
from ._progress import ProgressBar, _active_progress
from ._repr import array_html

__all__ = [
    "Array", "ProgressBar", "arange", "broadcast_to", "clip", "compute", "concatenate", "expand_dims",
    "from_array", "map_blocks", "map_overlap", "moveaxis", "ravel", "reshape", "squeeze", "stack", "full",
    "linspace", "ones", "open", "random", "where", "zeros", "explain", "histogram", "quantile", "percentile",
    "median", "nanquantile", "nanpercentile", "nanmedian", "matmul", "dot", "tensordot", "to_hdf5", "to_netcdf",
]

_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"}


def _dtype_name(dtype) -> str:
    name = np.dtype(dtype).name
    if name not in _DTYPES:
        raise TypeError(f"chunkarr does not support dtype {name}")
    return name


def _normalize_chunks(chunks, shape) -> tuple:
    """Dask's chunks argument (None, int, tuple of ints, tuple of tuples) as a tuple of tuples."""
    shape = tuple(int(s) for s in shape)
    if chunks is None:
        return tuple((s,) for s in shape)
    if isinstance(chunks, numbers.Integral):
        chunks = (int(chunks),) * len(shape)
    chunks = tuple(chunks)
    if len(chunks) != len(shape):
        raise ValueError(f"chunks {chunks} do not match shape {shape}")
    out = []
    for c, s in zip(chunks, shape):
        if isinstance(c, Iterable):
            c = tuple(int(v) for v in c)
            if sum(c) != s:
                raise ValueError(f"chunks {c} do not add up to {s}")
            out.append(c if c else (0,))
            continue
        c = s if c is None or c == -1 else int(c)
        if s == 0:
            out.append((0,))
            continue
        if c <= 0:
            raise ValueError(f"chunk size must be positive, got {c}")
        out.append(tuple([c] * (s // c) + ([s % c] if s % c else [])))
    return tuple(out)


_AUTO_CHUNK_BYTES = 128 * 2**20   # Dask's array.chunk-size


def _auto_chunks(chunks, shape, limit, itemsize, previous_chunks):
    """Dask's auto_chunks with previous chunks (what rechunk uses): "auto" axes grow or shrink
    together towards `limit` bytes per chunk, keeping multiples of the previous chunk size."""
    chunks = list(chunks)
    autos = {i for i, c in enumerate(chunks) if c == "auto"}
    if not autos:
        return tuple(chunks)
    limit = max(1, limit)
    largest_block = 1
    for c in chunks:
        if c != "auto":
            largest_block *= c if isinstance(c, numbers.Number) else max(c)

    def multiplier_for(result):
        product = 1
        for r in result.values():
            if r:
                product *= r
        return limit / itemsize / largest_block / product

    def round_to(c, s):
        return max(1, int(c)) if c <= s else c // s * s

    result = {a: float(np.median(previous_chunks[a])) for a in autos}
    ideal_shape = []
    for i, s in enumerate(shape):
        counts = {}
        for c in previous_chunks[i]:
            counts[c] = counts.get(c, 0) + 1
        mode, count = max(counts.items(), key=lambda kv: kv[1])
        ideal_shape.append(mode if mode > 1 and count >= len(previous_chunks[i]) / 2 else s)
    multiplier = multiplier_for(result)
    last_multiplier, last_autos = 0, set()
    while multiplier != last_multiplier or autos != last_autos:
        last_multiplier, last_autos = multiplier, set(autos)
        for a in sorted(autos):
            if ideal_shape[a] == 0:
                result[a] = 0
                continue
            proposed = result[a] * multiplier ** (1 / len(autos))
            if proposed > shape[a]:
                autos.remove(a)
                largest_block *= shape[a]
                chunks[a] = shape[a]
                del result[a]
            else:
                result[a] = round_to(proposed, ideal_shape[a])
        multiplier = multiplier_for(result)
    for k, v in result.items():
        chunks[k] = int(v)
    return tuple(chunks)


def _rechunk_chunks(chunks, x) -> tuple:
    """A rechunk request in Dask's forms (see Array.rechunk) as a tuple of tuples, normalized as
    dask.array.rechunk does."""
    shape, ndim, previous = tuple(x.shape), x.ndim, tuple(x.chunks)
    if chunks is None:
        return _normalize_chunks(None, shape)
    if isinstance(chunks, dict):
        request = list(previous)
        for axis, size in chunks.items():
            a = int(axis)
            if not -ndim <= a < ndim:
                raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
            if size is not None:
                request[a % ndim] = size
        chunks = tuple(request)
    elif isinstance(chunks, (numbers.Integral, str)):
        chunks = (chunks,) * ndim
    else:
        chunks = tuple(chunks)
        # One axis given its explicit chunks as a flat tuple: (10, 7) for shape (17,).
        if ndim == 1 and len(chunks) > 1 and all(isinstance(c, (numbers.Integral, str)) for c in chunks):
            chunks = (chunks,)
        if len(chunks) != ndim:
            raise ValueError(f"chunks {chunks} do not match shape {shape}")
        chunks = tuple(p if c is None else c for c, p in zip(chunks, previous))
    chunks = tuple(s if isinstance(c, numbers.Integral) and c == -1 else c for c, s in zip(chunks, shape))
    limit = None
    sizes = {c for c in chunks if isinstance(c, str) and c != "auto"}
    if len(sizes) > 1:
        raise ValueError("Only one consistent value of limit or chunk is allowed")
    if sizes:
        limit = _memory_bytes(sizes.pop())
        chunks = tuple("auto" if isinstance(c, str) else c for c in chunks)
    if any(isinstance(c, str) and c == "auto" for c in chunks):
        chunks = _auto_chunks(chunks, shape, _AUTO_CHUNK_BYTES if limit is None else limit, x.dtype.itemsize, previous)
    return _normalize_chunks(chunks, shape)


def _wrap(core) -> "Array":
    return Array(core)


def _unwrap(value):
    if isinstance(value, Array):
        return value._core
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    if isinstance(value, np.ndarray):
        return from_array(value)._core
    return value


def _axes(axis, ndim):
    if axis is None:
        return None
    if isinstance(axis, numbers.Integral):
        return [int(axis)]
    return [int(a) for a in axis]


class Array:
    """A lazy chunked array. Nothing is read or computed until .compute() or np.asarray()."""

    __array_priority__ = 20

    def __init__(self, core):
        self._core = core

    # ---- description -----------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return tuple(self._core.shape)

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self._core.dtype)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def chunks(self) -> tuple:
        return tuple(tuple(c) for c in self._core.chunks)

    @property
    def numblocks(self) -> tuple:
        return tuple(len(c) for c in self.chunks)

    @property
    def npartitions(self) -> int:
        return int(np.prod(self.numblocks, dtype=np.int64))

    @property
    def T(self) -> "Array":
        return self.transpose()

    def cumsum(self, axis=None, dtype=None) -> "Array":
        return _scan("cumsum", self, axis, dtype)

    def cumprod(self, axis=None, dtype=None) -> "Array":
        return _scan("cumprod", self, axis, dtype)

    def argmin(self, axis=None) -> "Array":
        return _wrap(_core.argmin(self._core, None if axis is None else int(axis)))

    def argmax(self, axis=None) -> "Array":
        return _wrap(_core.argmax(self._core, None if axis is None else int(axis)))

    def squeeze(self, axis=None) -> "Array":
        return squeeze(self, axis)

    def quantile(self, q, axis=None, keepdims=False, method="linear") -> "Array":
        return quantile(self, q, axis=axis, keepdims=keepdims, method=method)

    def median(self, axis=None, keepdims=False) -> "Array":
        return median(self, axis=axis, keepdims=keepdims)
    def reshape(self, *shape, order="C") -> "Array":
        """NumPy's reshape in C order (one entry may be -1); lazy."""
        if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
            shape = tuple(shape[0])
        return reshape(self, shape, order=order)

    def ravel(self) -> "Array":
        return ravel(self)

    def flatten(self) -> "Array":
        """Lazy like everything else here (NumPy's flatten copies; nothing is shared anyway)."""
        return ravel(self)

    def map_blocks(self, func, *args, dtype=None, chunks=None, name=None, **kwargs) -> "Array":
        return map_blocks(func, self, *args, dtype=dtype, chunks=chunks, name=name, **kwargs)

    def map_overlap(self, func, depth, boundary="reflect", trim=True, dtype=None, name=None, **kwargs) -> "Array":
        return map_overlap(func, self, depth=depth, boundary=boundary, trim=trim, dtype=dtype, name=name, **kwargs)

    def clip(self, min=None, max=None) -> "Array":  # noqa: A002 (NumPy's names)
        return clip(self, -np.inf if min is None else min, np.inf if max is None else max)

    def transpose(self, *axes) -> "Array":
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _wrap(_core.transpose(self._core, [int(a) for a in axes]))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d array")
        return self.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        return (f"chunkarr.Array<shape={self.shape}, dtype={self.dtype}, chunksize="
                f"{tuple(max(c) if c else 0 for c in self.chunks)}, chunks={self.npartitions}>")

    def _repr_html_(self):
        return array_html(self)

    # ---- compute ---------------------------------------------------------------------------
    def compute(self, progress: bool = False, threads: int | None = None, memory_limit: int | str | None = None,
                temp_dir=None):
        return compute(self, progress=progress, threads=threads, memory_limit=memory_limit, temp_dir=temp_dir)[0]

    def __array__(self, dtype=None):
        result = np.asarray(self.compute())
        return result.astype(dtype) if dtype is not None else result

    def explain(self, memory_limit=None) -> str:
        """The graph before and after optimization, the plan, and the stages of rechunks that
        need them under `memory_limit` (default: compute()'s default)."""
        return _core.explain([self._core], _memory_bytes(memory_limit))

    def to_hdf5(self, path, name: str, chunks=None, compression=None, compression_opts=None, shuffle=None, *,
                progress: bool = False, threads: int | None = None, memory_limit=None) -> None:
        """Computes and writes dataset `name` of a new HDF5 file `path`, chunk by chunk (never the
        whole array in memory), compressing on all cores; see chunkarr.to_hdf5."""
        to_hdf5(path, {name: self}, chunks=chunks, compression=compression, compression_opts=compression_opts,
                shuffle=shuffle, progress=progress, threads=threads, memory_limit=memory_limit)

    def to_netcdf(self, path, variable: str, dims=None, chunks=None, compression=None, compression_opts=None,
                  shuffle=None, *, complevel=None, progress: bool = False, threads: int | None = None,
                  memory_limit=None) -> None:
        """Computes and writes variable `variable` of a new NetCDF-4 file `path` with dimension
        names `dims` (default dim_0, dim_1, ...); see chunkarr.to_netcdf."""
        to_netcdf(path, {variable: self}, dims=None if dims is None else {variable: dims}, chunks=chunks,
                  compression=compression, compression_opts=compression_opts, shuffle=shuffle, complevel=complevel,
                  progress=progress, threads=threads, memory_limit=memory_limit)

    # ---- transformations ---------------------------------------------------------------------
    def astype(self, dtype) -> "Array":
        return _wrap(self._core.astype(_dtype_name(dtype)))

    def rechunk(self, chunks="auto") -> "Array":
        """The same values in other chunks, in Dask's forms: an int (every axis), a tuple of ints or
        of explicit chunk tuples per axis, a dict {axis: chunks} (other axes keep theirs), -1 for a
        whole axis, None to keep an axis's chunks, "auto" or a byte size such as "64MiB" (Dask's
        automatic chunks, 128 MiB by default). Lazy; when each stored chunk would be read many times
        (orthogonal chunkings of a file), compute() rechunks in stages through temporary files
        within the memory limit (see explain())."""
        return _wrap(self._core.rechunk([list(c) for c in _rechunk_chunks(chunks, self)]))

    def __getitem__(self, index) -> "Array":
        if not isinstance(index, tuple):
            index = (index,)
        if any(i is None for i in index) or any(isinstance(i, (list, np.ndarray, Array)) for i in index):
            raise TypeError("chunkarr supports basic indexing only (integers, slices, ...)")
        if sum(i is Ellipsis for i in index) > 1:
            raise IndexError("an index can only have a single ellipsis")
        if Ellipsis in index:
            at = index.index(Ellipsis)
            fill = self.ndim - (len(index) - 1)
            index = index[:at] + (slice(None),) * fill + index[at + 1:]
        cleaned = []
        for i in index:
            if isinstance(i, slice):
                cleaned.append(i)
            elif isinstance(i, (numbers.Integral, np.integer)):
                axis = len(cleaned)
                if axis < self.ndim and not -self.shape[axis] <= int(i) < self.shape[axis]:
                    raise IndexError(f"index {int(i)} is out of bounds for axis {axis} with size {self.shape[axis]}")
                cleaned.append(int(i))
            else:
                raise TypeError(f"unsupported index {i!r}")
        if len(cleaned) > self.ndim:
            raise IndexError(f"too many indices for array of dimension {self.ndim}")
        return _wrap(self._core.getitem(tuple(cleaned)))

    # ---- reductions ----------------------------------------------------------------------------
    def _reduce(self, op, axis=None, keepdims=False, dtype=None, ddof=0):
        x = self.astype(dtype) if dtype is not None else self
        return _wrap(x._core.reduce(op, _axes(axis, self.ndim), keepdims, ddof))

    def sum(self, axis=None, dtype=None, keepdims=False):
        return self._reduce("sum", axis, keepdims, dtype)

    def mean(self, axis=None, dtype=None, keepdims=False):
        return self._reduce("mean", axis, keepdims, dtype)

    def min(self, axis=None, keepdims=False):
        return self._reduce("min", axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return self._reduce("max", axis, keepdims)

    def var(self, axis=None, dtype=None, keepdims=False, ddof=0):
        return self._reduce("var", axis, keepdims, dtype, ddof)

    def std(self, axis=None, dtype=None, keepdims=False, ddof=0):
        return self._reduce("std", axis, keepdims, dtype, ddof)

    def any(self, axis=None, keepdims=False):
        return self._reduce("any", axis, keepdims)

    def all(self, axis=None, keepdims=False):
        return self._reduce("all", axis, keepdims)

    def count(self, axis=None, keepdims=False):
        """Number of values that are not NaN (xarray's count)."""
        return self._reduce("count", axis, keepdims)

    def nansum(self, axis=None, dtype=None, keepdims=False):
        return self._reduce("nansum", axis, keepdims, dtype)

    def nanmean(self, axis=None, dtype=None, keepdims=False):
        return self._reduce("nanmean", axis, keepdims, dtype)

    def nanmin(self, axis=None, keepdims=False):
        return self._reduce("nanmin", axis, keepdims)

    def nanmax(self, axis=None, keepdims=False):
        return self._reduce("nanmax", axis, keepdims)

    def nanvar(self, axis=None, dtype=None, keepdims=False, ddof=0):
        return self._reduce("nanvar", axis, keepdims, dtype, ddof)

    def nanstd(self, axis=None, dtype=None, keepdims=False, ddof=0):
        return self._reduce("nanstd", axis, keepdims, dtype, ddof)

    # ---- operators -----------------------------------------------------------------------------
    def _binary(self, op, other, reflected=False):
        if isinstance(other, Array) or isinstance(other, (numbers.Number, np.generic, np.ndarray)):
            other = _unwrap(other)
            a, b = (other, self._core) if reflected else (self._core, other)
            return _wrap(_core.binary(op, a, b))
        return NotImplemented

    def __add__(self, o): return self._binary("add", o)
    def __radd__(self, o): return self._binary("add", o, True)
    def __sub__(self, o): return self._binary("subtract", o)
    def __rsub__(self, o): return self._binary("subtract", o, True)
    def __mul__(self, o): return self._binary("multiply", o)
    def __rmul__(self, o): return self._binary("multiply", o, True)
    def __truediv__(self, o): return self._binary("divide", o)
    def __rtruediv__(self, o): return self._binary("divide", o, True)
    def __pow__(self, o): return self._binary("power", o)
    def __rpow__(self, o): return self._binary("power", o, True)
    def __eq__(self, o): return self._binary("equal", o)
    def __ne__(self, o): return self._binary("not_equal", o)
    def __lt__(self, o): return self._binary("less", o)
    def __le__(self, o): return self._binary("less_equal", o)
    def __gt__(self, o): return self._binary("greater", o)
    def __ge__(self, o): return self._binary("greater_equal", o)
    def __and__(self, o): return self._binary("logical_and", o)
    def __or__(self, o): return self._binary("logical_or", o)
    def __matmul__(self, o):
        return matmul(self, o) if _is_operand(o) else NotImplemented

    def __rmatmul__(self, o):
        return matmul(o, self) if _is_operand(o) else NotImplemented

    def dot(self, other) -> "Array":
        return dot(self, other)

    def __neg__(self): return _wrap(_core.unary("negative", self._core))
    def __pos__(self): return self
    def __abs__(self): return _wrap(_core.unary("abs", self._core))
    def __invert__(self):
        if self.dtype != np.bool_:
            raise TypeError("~ is only defined for bool arrays here")
        return _wrap(_core.unary("logical_not", self._core))

    __hash__ = None

    def __bool__(self):
        raise TypeError("the truth value of a lazy chunkarr.Array is ambiguous: call .compute() first")

    # ---- NumPy protocols -----------------------------------------------------------------------
    _UNARY_UFUNCS = {
        np.sqrt: "sqrt", np.exp: "exp", np.log: "log", np.log10: "log10", np.sin: "sin", np.cos: "cos",
        np.tan: "tan", np.floor: "floor", np.ceil: "ceil", np.absolute: "abs", np.negative: "negative",
        np.isnan: "isnan", np.isfinite: "isfinite", np.logical_not: "logical_not",
    }
    _BINARY_UFUNCS = {
        np.add: "add", np.subtract: "subtract", np.multiply: "multiply", np.true_divide: "divide",
        np.power: "power", np.maximum: "maximum", np.minimum: "minimum", np.equal: "equal",
        np.not_equal: "not_equal", np.less: "less", np.less_equal: "less_equal", np.greater: "greater",
        np.greater_equal: "greater_equal", np.logical_and: "logical_and", np.logical_or: "logical_or",
    }

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs.get("out") is not None or kwargs.get("where", True) is not True:
            return NotImplemented
        if ufunc in self._UNARY_UFUNCS and len(inputs) == 1:
            return _wrap(_core.unary(self._UNARY_UFUNCS[ufunc], _unwrap(inputs[0])))
        if ufunc is np.matmul and len(inputs) == 2:
            if any(k != "out" for k in kwargs):
                return NotImplemented   # axes=, dtype=, ...: not supported lazily
            return matmul(*inputs)
        if ufunc in self._BINARY_UFUNCS and len(inputs) == 2:
            return _wrap(_core.binary(self._BINARY_UFUNCS[ufunc], _unwrap(inputs[0]), _unwrap(inputs[1])))
        return NotImplemented

    def __array_function__(self, func, types, args, kwargs):
        handler = _ARRAY_FUNCTIONS.get(func)
        if handler is None:
            return NotImplemented
        return handler(*args, **kwargs)


def _method(name):
    def call(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        if out is not None:
            raise TypeError("out= is not supported by chunkarr")
        a = a if isinstance(a, Array) else from_array(np.asarray(a))
        method = getattr(a, name)
        if dtype is not None:
            return method(axis=axis, dtype=dtype, keepdims=keepdims, **kwargs)
        return method(axis=axis, keepdims=keepdims, **kwargs)
    return call


def _extremum(name):
    def call(a, axis=None, out=None, keepdims=False, **kwargs):
        if out is not None:
            raise TypeError("out= is not supported by chunkarr")
        a = a if isinstance(a, Array) else from_array(np.asarray(a))
        return getattr(a, name)(axis=axis, keepdims=keepdims)
    return call


_ARRAY_FUNCTIONS = {
    np.sum: _method("sum"), np.mean: _method("mean"), np.std: _method("std"), np.var: _method("var"),
    np.nansum: _method("nansum"), np.nanmean: _method("nanmean"), np.nanstd: _method("nanstd"),
    np.nanvar: _method("nanvar"), np.min: _extremum("min"), np.amin: _extremum("min"),
    np.max: _extremum("max"), np.amax: _extremum("max"), np.nanmin: _extremum("nanmin"),
    np.nanmax: _extremum("nanmax"), np.any: _extremum("any"), np.all: _extremum("all"),
    np.where: lambda c, a, b: where(c, a, b),
    np.concatenate: lambda arrays, axis=0, **kw: concatenate(arrays, axis),
    np.transpose: lambda a, axes=None: a.transpose(*(axes or ())),
    np.expand_dims: lambda a, axis: expand_dims(a, axis),
    np.argmin: lambda a, axis=None, **kw: _as_array(a).argmin(axis),
    np.histogram: lambda a, bins=10, range=None, **kw: histogram(a, bins, range, **kw),
    np.cumsum: lambda a, axis=None, dtype=None, out=None: _scan("cumsum", a, axis, dtype),
    np.cumprod: lambda a, axis=None, dtype=None, out=None: _scan("cumprod", a, axis, dtype),
    np.argmax: lambda a, axis=None, **kw: _as_array(a).argmax(axis),
    np.squeeze: lambda a, axis=None: squeeze(a, axis),
    np.reshape: lambda a, newshape, order="C": reshape(a, newshape, order=order),
    np.ravel: lambda a, order="C": ravel(a, order=order),
    np.moveaxis: lambda a, source, destination: moveaxis(a, source, destination),
    np.stack: lambda arrays, axis=0, **kw: stack(arrays, axis),
    np.broadcast_to: lambda a, shape, subok=False: broadcast_to(a, shape),
    np.clip: lambda a, a_min, a_max, **kw: clip(a, a_min, a_max),
    np.dot: lambda a, b, out=None: _no_out(out) or dot(a, b),
    np.tensordot: lambda a, b, axes=2: tensordot(a, b, axes),
}


def _register_quantiles():
    def numpy_style(function):
        def call(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, **kw):
            if out is not None:
                raise TypeError("out= is not supported by chunkarr")
            if kw.get("interpolation") is not None:
                method = kw["interpolation"]
            return function(a, q, axis=axis, keepdims=keepdims, method=method)
        return call

    def median_style(function):
        def call(a, axis=None, out=None, overwrite_input=False, keepdims=False):
            if out is not None:
                raise TypeError("out= is not supported by chunkarr")
            return function(a, axis=axis, keepdims=keepdims)
        return call

    _ARRAY_FUNCTIONS.update({
        np.quantile: numpy_style(quantile), np.nanquantile: numpy_style(nanquantile),
        np.percentile: numpy_style(percentile), np.nanpercentile: numpy_style(nanpercentile),
        np.median: median_style(median), np.nanmedian: median_style(nanmedian),
    })

def _no_out(out):
    if out is not None:
        raise TypeError("out= is not supported by chunkarr")
    return None


# ---- making arrays ---------------------------------------------------------------------------
def open(path, variable: str, mask_and_scale: bool = True, concat: str | None = None) -> Array:  # noqa: A001
    """A variable of an HDF5 or NetCDF file, or of many files (a glob), joined along their
    record dimension (or `concat`). CF missing values become NaN unless mask_and_scale=False."""
    return _wrap(_core.open(str(path), variable, mask_and_scale, concat))


def from_array(x, chunks=None) -> Array:
    """A NumPy array as a chunkarr Array, without copying a C-contiguous array (keep it unchanged
    until computed); other layouts are copied once."""
    x = np.asarray(x)
    if not x.dtype.isnative:
        x = x.astype(x.dtype.newbyteorder("="))
    if not x.flags.c_contiguous:
        x = np.ascontiguousarray(x)   # one copy, in C order (tasks then read whole rows)
    _dtype_name(x.dtype)
    return _wrap(_core.from_numpy(x, [list(c) for c in _normalize_chunks(chunks, x.shape)]))


def _chunk_shape(chunks, shape):
    normalized = _normalize_chunks(chunks, shape)
    return [max(c) if c else 0 for c in normalized], normalized


def full(shape, fill_value, dtype=None, chunks=None) -> Array:
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if dtype is None:
        dtype = np.array(fill_value).dtype
    chunk_shape, normalized = _chunk_shape(chunks, shape)
    x = _wrap(_core.full(list(shape), float(fill_value), _dtype_name(dtype), chunk_shape if chunks is not None else []))
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
    x = _wrap(_core.arange(float(start), float(stop), float(step), _dtype_name(dtype), int(chunk)))
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


def concatenate(arrays, axis: int = 0) -> Array:
    """Joins arrays along an existing axis, lazily (NumPy's dtype promotion)."""
    cores = [a._core if isinstance(a, Array) else from_array(np.asarray(a))._core for a in arrays]
    return _wrap(_core.concatenate(cores, int(axis)))


def _as_array(a) -> Array:
    return a if isinstance(a, Array) else from_array(np.asarray(a))


def _axis_list(axis):
    if axis is None:
        return []
    return [int(axis)] if isinstance(axis, numbers.Integral) else [int(a) for a in axis]


def _scan(name, a, axis, dtype):
    a = _as_array(a)
    if dtype is not None:
        a = a.astype(dtype)
    if axis is None:   # NumPy flattens first
        a = ravel(a)
        axis = 0
    return _wrap(getattr(_core, name)(a._core, int(axis)))


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
    axes = _axes(axis, a.ndim)
    reduced = set(range(a.ndim)) if axes is None else {x % a.ndim for x in axes} if a.ndim else set()
    lane_length = int(np.prod([a.shape[x] for x in reduced], dtype=np.int64))
    lanes = int(np.prod([a.shape[x] for x in range(a.ndim) if x not in reduced], dtype=np.int64))
    if not skipna and lane_length == 0 and lanes > 0 and values.size > 0:
        raise IndexError("cannot do a non-empty take from an empty axes.")   # as NumPy
    mode = "exact" if integer_q else "linear"
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
    return _wrap(_core.quantile(a._core, [0.5], [], _axes(axis, a.ndim), bool(keepdims), skipna, "median"))


def median(a, axis=None, keepdims=False) -> Array:
    """Exact median (NumPy's np.median: float32 stays float32), lazy and out of core."""
    return _median(a, axis, keepdims, False)


def nanmedian(a, axis=None, keepdims=False) -> Array:
    return _median(a, axis, keepdims, True)


_register_quantiles()


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


def expand_dims(a, axis) -> Array:
    return _wrap(_core.expand_dims(_as_array(a)._core, _axis_list(axis)))


def squeeze(a, axis=None) -> Array:
    return _wrap(_core.squeeze(_as_array(a)._core, _axis_list(axis)))


def moveaxis(a, source: int, destination: int) -> Array:
    return _wrap(_core.moveaxis(_as_array(a)._core, int(source), int(destination)))


def stack(arrays, axis: int = 0) -> Array:
    return _wrap(_core.stack([_as_array(a)._core for a in arrays], int(axis)))


def broadcast_to(a, shape) -> Array:
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(int(s) for s in shape)
    return _wrap(_core.broadcast_to(_as_array(a)._core, list(shape)))


def clip(a, a_min, a_max) -> Array:
    return _wrap(_core.clip(_as_array(a)._core, float(a_min), float(a_max)))


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


def _accepts(func, name) -> bool:
    import inspect
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def _signature_keywords(func):
    """A signature with just func's block_id/block_info keywords (what _accepts looks for)."""
    import inspect
    parameters = [inspect.Parameter("blocks", inspect.Parameter.VAR_POSITIONAL)]
    for keyword in ("block_id", "block_info"):
        if _accepts(func, keyword):
            parameters.append(inspect.Parameter(keyword, inspect.Parameter.KEYWORD_ONLY, default=None))
    return inspect.Signature(parameters)


def _function_name(func, name) -> str:
    if name is not None:
        return str(name)
    return getattr(func, "__name__", None) or type(func).__name__


def _infer_dtype(func, arrays, kwargs):
    """Dask's way: call the function on empty arrays of the inputs' dtypes (no data read)."""
    try:
        meta = func(*[np.empty((0,) * a.ndim, dtype=a.dtype) for a in arrays], **kwargs)
        return np.asarray(meta).dtype
    except Exception:
        return arrays[0].dtype


def _block_function(func, arrays, kwargs, dtype):
    """The function with extra keyword arguments bound, and whether it wants block_id/block_info."""
    wants_id, wants_info = _accepts(func, "block_id"), _accepts(func, "block_info")
    call = func
    if kwargs:
        def call(*blocks, **more):
            return func(*blocks, **kwargs, **more)
    if dtype is None:
        dtype = _infer_dtype(func, arrays, kwargs)
    return call, wants_id, wants_info, _dtype_name(dtype)


def map_blocks(func, *arrays, dtype=None, chunks=None, name=None, **kwargs) -> Array:
    """Dask's map_blocks: func(*blocks, **kwargs) on every block, lazily. Arrays need one shape
    (their chunks are refined to a common grid). func gets read-only NumPy views (no copy; keep
    np.array(block) to hold one past the call) and must return a block of `dtype` (default:
    found by calling func on empty arrays, as Dask does) and of the block's shape, or of
    `chunks`' (one size per block, or a block shape for regular chunks). It runs on the worker
    threads, with the GIL held only during each call: NumPy code that releases the GIL runs
    blocks in parallel. func may take block_id= and block_info= (Dask's) keywords. An exception
    in func stops the computation and is raised by compute() as itself."""
    # Arrays (chunkarr or NumPy) become blocks; other arguments are passed through as they are.
    is_array = [isinstance(a, (Array, np.ndarray)) for a in arrays]
    if not any(is_array):
        raise ValueError("map_blocks needs at least one array")
    if not all(is_array):
        constants, positions = list(arrays), [i for i, a in enumerate(is_array) if a]
        original = func

        def func(*blocks, **more):
            args = list(constants)
            for i, block in zip(positions, blocks):
                args[i] = block
            return original(*args, **more)

        func.__name__ = _function_name(original, name)
        func.__signature__ = _signature_keywords(original)
        arrays = [a for a, keep in zip(arrays, is_array) if keep]
    arrays = [_as_array(a) for a in arrays]
    call, wants_id, wants_info, dtype_name = _block_function(func, arrays, kwargs, dtype)
    grid = None
    if chunks is not None:
        first = arrays[0]
        if all(isinstance(c, numbers.Integral) for c in chunks) and len(chunks) == first.ndim:
            # A block shape: that size for every block, the edge blocks in proportion.
            grid = [[int(c)] * len(axis) for c, axis in zip(chunks, first.chunks)]
        else:
            grid = [[int(v) for v in c] for c in chunks]
    core = _core.map_blocks(call, [a._core for a in arrays], dtype_name, grid, None, [], [], True,
                            _function_name(func, name), wants_id, wants_info)
    return _wrap(core)


def _depth(depth, ndim):
    if isinstance(depth, numbers.Integral):
        return [int(depth)] * ndim
    if isinstance(depth, dict):
        return [int(depth.get(axis, depth.get(axis - ndim, 0))) for axis in range(ndim)]
    depth = [int(d) for d in depth]
    if len(depth) != ndim:
        raise ValueError(f"depth {tuple(depth)} needs one entry per axis ({ndim})")
    return depth


def map_overlap(func, a, depth, boundary="reflect", trim=True, dtype=None, name=None, **kwargs) -> Array:
    """Dask's map_overlap: func on every block extended by `depth` (int, per-axis tuple or
    {axis: depth}) from its neighbours, the result trimmed back by depth. Past the array's edges
    the extension follows `boundary`, as Dask: 'reflect' mirrors with the edge repeated
    (np.pad mode 'symmetric'), 'periodic' wraps ('wrap'), 'nearest' repeats the edge ('edge'),
    a number (or 'constant' with value=) fills with it, 'none' does not extend at the edges.
    Depth may exceed a chunk. With trim=False the results are kept whole: the output's blocks are
    the extended ones (as Dask)."""
    a = _as_array(a)
    value = kwargs.pop("value", 0.0)
    # One boundary per axis, as Dask: a dict names some axes (the others get 'none').
    if isinstance(boundary, dict):
        per_axis = ["none"] * a.ndim
        for axis, mode in boundary.items():
            if not -a.ndim <= int(axis) < a.ndim:
                raise ValueError(f"map_overlap boundary: axis {axis} out of range for {a.ndim} dimensions")
            per_axis[int(axis) % a.ndim] = mode
    else:
        per_axis = [boundary] * a.ndim
    modes, values = [], []
    for mode in per_axis:
        if mode is None:
            mode = "none"
        if isinstance(mode, (numbers.Number, np.generic)) and not isinstance(mode, bool):
            modes.append("constant")
            values.append(float(mode))
        else:
            modes.append(str(mode))
            values.append(float(value))
    call, wants_id, wants_info, dtype_name = _block_function(func, [a], kwargs, dtype)
    core = _core.map_blocks(call, [a._core], dtype_name, None, _depth(depth, a.ndim), modes, values,
                            bool(trim), _function_name(func, name), wants_id, wants_info)
    return _wrap(core)


def where(condition, a, b) -> Array:
    return _wrap(_core.where(_unwrap(condition), _unwrap(a), _unwrap(b)))


def _memory_bytes(limit) -> int:
    if limit is None:
        return 0
    if isinstance(limit, numbers.Number):
        return int(limit)
    units = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20,
             "gib": 2**30, "tib": 2**40}
    text = str(limit).strip().lower()
    number = text.rstrip("abcdefghijklmnopqrstuvwxyz ")
    unit = text[len(number):].strip() or "b"
    if unit not in units:
        raise ValueError(f"memory_limit {limit!r}: unknown unit")
    return int(float(number) * units[unit])


def compute(*arrays, progress: bool = False, threads: int | None = None, memory_limit=None, temp_dir=None):
    """Computes several arrays in one run (shared inputs are read once); returns a tuple of
    NumPy arrays, and NumPy scalars for 0-d results. `temp_dir`: where rechunks that run in
    stages put their temporary files (default: the system's temporary directory, $TMPDIR)."""
    cores = [a._core if isinstance(a, Array) else from_array(np.asarray(a))._core for a in arrays]
    bar = _active_progress(progress)
    callback = bar.update if bar is not None else None
    try:
        results = _core.compute(cores, threads or 0, _memory_bytes(memory_limit), callback,
                                os.fspath(temp_dir) if temp_dir is not None else "")
    finally:
        if bar is not None:
            bar.finish()
    return tuple(r[()] if r.ndim == 0 else r for r in results)


def _compression(compression, level):
    """h5py's compression/compression_opts (and netCDF4's 'zlib') as (name, level)."""
    if compression is None or compression is False or compression == "none":
        if level is not None:
            raise ValueError("compression_opts needs compression='gzip'")
        return "", 4
    if compression is True:
        compression = "gzip"
    if isinstance(compression, numbers.Integral):   # h5py: compression=4 is gzip level 4
        compression, level = "gzip", int(compression)
    if not isinstance(compression, str) or compression.lower() not in ("gzip", "deflate", "zlib"):
        raise ValueError(f"unknown compression {compression!r} (chunkarr writes gzip or no compression)")
    level = 4 if level is None else int(level)
    if not 1 <= level <= 9:
        raise ValueError(f"gzip level must be 1 to 9, got {level}")
    return "gzip", level


def _store_chunks(chunks, shape):
    if chunks is None or chunks is True:
        return None
    if isinstance(chunks, numbers.Integral):
        chunks = (int(chunks),) * len(shape)
    chunks = tuple(chunks)
    if len(chunks) != len(shape):
        raise ValueError(f"chunks {chunks} do not match shape {shape}")
    out = []
    for c, s in zip(chunks, shape):
        c = s if c is None or c == -1 else int(c)
        if c <= 0 and s > 0:
            raise ValueError(f"chunk size must be positive, got {c}")
        out.append(max(c, 1))
    return out


def _store(path, arrays, dims, fmt, chunks, compression, compression_opts, shuffle, progress, threads, memory_limit):
    if isinstance(arrays, Array):
        raise TypeError("give the arrays as a dict {name: array}")
    items = list(arrays.items())
    if not items:
        raise ValueError("nothing to write")
    dims = dims or {}
    targets = []
    for name, array in items:
        if not isinstance(array, Array):
            array = from_array(np.asarray(array))
        d = dims.get(name)
        d = [] if d is None else [str(n) for n in d]
        if d and len(d) != array.ndim:
            raise ValueError(f"{len(d)} dimension names for the {array.ndim}-d {name}")
        targets.append((array._core, str(name), d))
    shapes = {a.shape for _, a in items if isinstance(a, Array)}
    if chunks is not None and chunks is not True and len(shapes) > 1:
        raise ValueError("chunks apply to arrays of one shape; write arrays of other shapes separately")
    first = items[0][1]
    store_chunks = _store_chunks(chunks, tuple(np.shape(first)) if not isinstance(first, Array) else first.shape)
    name, level = _compression(compression, compression_opts)
    bar = _active_progress(progress)
    callback = bar.update if bar is not None else None
    try:
        _core.store(targets, os.fspath(path), store_chunks, name, level, shuffle, fmt, threads or 0,
                    _memory_bytes(memory_limit), callback)
    finally:
        if bar is not None:
            bar.finish()


def to_hdf5(path, arrays, chunks=None, compression=None, compression_opts=None, shuffle=None, *,
            progress: bool = False, threads: int | None = None, memory_limit=None) -> None:
    """Writes {name: array} into a new HDF5 file, like dask.array.to_hdf5.

    Each array is computed one stored chunk at a time within the memory limit; chunks are
    shuffled and gzip-compressed on all cores and written by one writer thread with the standard
    HDF5 filters (h5py reads them). `chunks`: the stored chunk shape (default: the array's
    chunks, at most 4 MiB); `compression`: None or 'gzip' (or an int level, as in h5py);
    `compression_opts`: gzip level 1-9 (default 4); `shuffle`: default on with gzip.
    Atomic: on an error or Ctrl-C no file is left and an existing `path` is untouched."""
    _store(path, arrays, None, "hdf5", chunks, compression, compression_opts, shuffle, progress, threads,
           memory_limit)


def to_netcdf(path, arrays, dims=None, chunks=None, compression=None, compression_opts=None, shuffle=None, *,
              complevel=None, progress: bool = False, threads: int | None = None, memory_limit=None) -> None:
    """Writes {variable: array} into a new NetCDF-4 file (netCDF4-python and xarray read it).

    `dims`: {variable: (dimension names)}; dimensions of the same name are shared and must have
    the same length (default names dim_0, dim_1, ...). `compression`: None, 'gzip' or 'zlib';
    `complevel` is netCDF4-python's name for `compression_opts`. Otherwise as to_hdf5."""
    if complevel is not None:
        compression_opts = complevel
        compression = compression or "zlib"
    _store(path, arrays, dims, "netcdf4", chunks, compression, compression_opts, shuffle, progress, threads,
           memory_limit)


def explain(*arrays, memory_limit=None) -> str:
    return _core.explain([a._core for a in arrays], _memory_bytes(memory_limit))
