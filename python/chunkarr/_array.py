"""Array: the user's handle on a lazy chunked array, with NumPy's attributes, operators and
methods. Functions of other families (chunkarr.reshape, quantile, map_blocks, ...) are built on
this module, so the methods that call them import them when called."""
from __future__ import annotations

import numbers
import operator

import numpy as np

from . import _chunkarr as _core
from ._chunkarr import BinaryOp, UnaryOp
from ._chunks import _rechunk_chunks
from ._dtypes import _dtype
from ._reductions import _reduce
from ._repr import array_html
from ._sizes import _memory_bytes


def _wrap(core) -> "Array":
    return Array(core)


def _unwrap(value):
    """An operand for the engine: an Array's handle, a NumPy array as an Array's, a number (or a
    0-d array's) as itself (a weak scalar)."""
    if isinstance(value, Array):
        return value._core
    from ._complex import _is_complex_value, refuse_complex
    if _is_complex_value(value):  # only ComplexArray's own operations take complex values
        raise refuse_complex(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    if isinstance(value, np.ndarray):
        from ._creation import from_array
        return from_array(value)._core
    return value


def _weak_integer(value: int, dtype: np.dtype):
    """A Python int beside an integer array of `dtype`, kept exact: the engine's weak scalars are
    doubles, so an int beyond 2**53 becomes a 0-d array of the array's dtype (the same result
    dtype); one that dtype cannot hold is an OverflowError, as in NumPy 2."""
    if abs(value) <= 2 ** 53 or dtype.kind not in "iu":
        return value
    info = np.iinfo(dtype)
    if not info.min <= value <= info.max:
        raise OverflowError(f"Python integer {value} out of bounds for {dtype}")
    from ._creation import full
    return full((), value, dtype)


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
    def chunksize(self) -> tuple:
        """The largest chunk's length along each axis (Dask's)."""
        return tuple(max(c, default=0) for c in self.chunks)

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def real(self) -> "Array":
        """The real part: the array itself (chunkarr's dtypes are all real)."""
        return self

    @property
    def imag(self) -> "Array":
        """The imaginary part: zeros (chunkarr's dtypes are all real)."""
        from ._creation import zeros_like
        return zeros_like(self)

    def conj(self) -> "Array":
        return self

    def copy(self) -> "Array":
        """The array itself: lazy arrays are immutable, so a copy is the same expression (Dask's)."""
        return self

    def round(self, decimals=0) -> "Array":
        from ._math import round
        return round(self, decimals)

    def swapaxes(self, axis1, axis2) -> "Array":
        from ._manipulation import swapaxes
        return swapaxes(self, axis1, axis2)

    def nonzero(self) -> tuple:
        """Indices of the non-zero values, one array per axis; computes eagerly (exact shapes)."""
        from ._sorting import nonzero
        return nonzero(self)

    def choose(self, choices, out=None, mode="raise") -> "Array":
        from ._indexing import choose
        return choose(self, choices, out, mode)

    @property
    def partitions(self):
        """Dask's partitions: the same as blocks."""
        return self.blocks

    def to_svg(self, size: int = 500) -> str:
        """The chunk grid as SVG (as in the Jupyter view)."""
        from ._repr import _grid_svg
        return _grid_svg(self.chunks, size)

    def view(self, dtype=None, order="C") -> "Array":
        """The same bytes read as `dtype` (of the same item size), block by block."""
        dtype = self.dtype if dtype is None else np.dtype(dtype)
        if dtype.itemsize != self.dtype.itemsize:
            raise NotImplementedError("view to a dtype of another item size is not supported by chunkarr")
        return self.map_blocks(lambda block: block.view(dtype), dtype=dtype, name="view")

    @property
    def A(self) -> "Array":
        """The array itself (Dask's A)."""
        return self

    def compute_chunk_sizes(self) -> "Array":
        """Dask's: chunkarr's chunk sizes are always known (even after a boolean mask), so the
        array itself."""
        return self

    def moment(self, order, axis=None, dtype=None, keepdims=False, ddof=0) -> "Array":
        from ._reduction_functions import moment
        return moment(self, order, axis=axis, dtype=dtype, keepdims=keepdims, ddof=ddof)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None) -> "Array":
        from ._math import trace
        return trace(self, offset, axis1, axis2, dtype)

    def topk(self, k, axis=-1, split_every=None) -> "Array":
        from ._sorting import topk
        return topk(self, k, axis)

    def argtopk(self, k, axis=-1, split_every=None) -> "Array":
        from ._sorting import argtopk
        return argtopk(self, k, axis)

    @property
    def T(self) -> "Array":
        return self.transpose()

    # ---- the array API standard (chunkarr.array_api) ---------------------------------------------
    def __array_namespace__(self, *, api_version=None):
        """chunkarr.array_api: the standard's functions on chunkarr arrays."""
        if api_version not in (None, "2021.12"):
            raise ValueError(f"chunkarr.array_api implements the standard's 2021.12 revision, not {api_version!r}")
        from . import array_api
        return array_api

    @property
    def device(self) -> str:
        """"cpu": chunkarr computes on the host's cores."""
        return "cpu"

    def to_device(self, device, /, *, stream=None) -> "Array":
        """The array itself on "cpu" (the only device); other devices are refused."""
        if device != "cpu":
            raise ValueError(f"chunkarr arrays live on the device 'cpu' only, not {device!r}")
        return self

    @property
    def mT(self) -> "Array":
        """The last two axes swapped (the standard's matrix transpose), lazily."""
        if self.ndim < 2:
            raise ValueError(f"mT needs an array of at least two dimensions, not shape {self.shape}")
        return self.swapaxes(-1, -2)

    def __dlpack__(self, *, stream=None):
        """DLPack export of the computed values (a NumPy array's capsule)."""
        return np.asarray(self.compute()).__dlpack__(stream=stream)

    def __dlpack_device__(self):
        return np.empty(0).__dlpack_device__()

    def cumsum(self, axis=None, dtype=None) -> "Array":
        from ._routines import _scan
        return _scan(_core.cumsum, self, axis, dtype)

    def cumprod(self, axis=None, dtype=None) -> "Array":
        from ._routines import _scan
        return _scan(_core.cumprod, self, axis, dtype)

    def argmin(self, axis=None) -> "Array":
        return _wrap(_core.argmin(self._core, None if axis is None else int(axis)))

    def argmax(self, axis=None) -> "Array":
        return _wrap(_core.argmax(self._core, None if axis is None else int(axis)))

    def squeeze(self, axis=None) -> "Array":
        from ._routines import squeeze
        return squeeze(self, axis)

    def quantile(self, q, axis=None, keepdims=False, method="linear") -> "Array":
        from ._quantile import quantile
        return quantile(self, q, axis=axis, keepdims=keepdims, method=method)

    def median(self, axis=None, keepdims=False) -> "Array":
        from ._quantile import median
        return median(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape, order="C") -> "Array":
        """NumPy's reshape in C order (one entry may be -1); lazy."""
        from ._routines import reshape
        if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
            shape = tuple(shape[0])
        return reshape(self, shape, order=order)

    def ravel(self) -> "Array":
        from ._routines import ravel
        return ravel(self)

    def flatten(self) -> "Array":
        """Lazy like everything else here (NumPy's flatten copies; nothing is shared anyway)."""
        from ._routines import ravel
        return ravel(self)

    def map_blocks(self, func, *args, dtype=None, chunks=None, name=None, **kwargs) -> "Array":
        from ._blocks import map_blocks
        return map_blocks(func, self, *args, dtype=dtype, chunks=chunks, name=name, **kwargs)

    def map_overlap(self, func, depth, boundary="reflect", trim=True, dtype=None, name=None, **kwargs) -> "Array":
        from ._blocks import map_overlap
        return map_overlap(func, self, depth=depth, boundary=boundary, trim=trim, dtype=dtype, name=name, **kwargs)

    def clip(self, min=None, max=None) -> "Array":  # noqa: A002 (NumPy's names)
        from ._routines import clip
        return clip(self, min, max)

    def transpose(self, *axes) -> "Array":
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _wrap(_core.transpose(self._core, [int(a) for a in axes]))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d array")
        return self.shape[0]

    def __iter__(self):
        # Not a generator: iter() of a 0-d array fails at once, as NumPy's (np.iterable is False).
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def __repr__(self):
        return (f"chunkarr.Array<shape={self.shape}, dtype={self.dtype}, chunksize="
                f"{tuple(max(c) if c else 0 for c in self.chunks)}, chunks={self.npartitions}>")

    def _repr_html_(self):
        return array_html(self)

    # ---- compute ---------------------------------------------------------------------------
    def compute(self, progress: bool = False, threads: int | None = None, memory_limit: int | str | None = None,
                temp_dir=None, comm=None):
        from ._compute import compute
        return compute(self, progress=progress, threads=threads, memory_limit=memory_limit, temp_dir=temp_dir,
                       comm=comm)[0]

    def __array__(self, dtype=None):
        result = np.asarray(self.compute())
        return result.astype(dtype) if dtype is not None else result

    def explain(self, memory_limit=None) -> str:
        """The graph before and after optimization, the plan, and the stages of rechunks that
        need them under `memory_limit` (default: compute()'s default)."""
        return _core.explain([self._core], _memory_bytes(memory_limit))

    def to_hdf5(self, path, name: str, chunks=None, compression=None, compression_opts=None, shuffle=None, *,
                progress: bool = False, threads: int | None = None, memory_limit=None, comm=None) -> None:
        """Computes and writes dataset `name` of a new HDF5 file `path`, chunk by chunk (never the
        whole array in memory), compressing on all cores; see chunkarr.to_hdf5."""
        from ._io import to_hdf5
        to_hdf5(path, {name: self}, chunks=chunks, compression=compression, compression_opts=compression_opts,
                shuffle=shuffle, progress=progress, threads=threads, memory_limit=memory_limit, comm=comm)

    def to_netcdf(self, path, variable: str, dims=None, chunks=None, compression=None, compression_opts=None,
                  shuffle=None, *, complevel=None, progress: bool = False, threads: int | None = None,
                  memory_limit=None, comm=None) -> None:
        """Computes and writes variable `variable` of a new NetCDF-4 file `path` with dimension
        names `dims` (default dim_0, dim_1, ...); see chunkarr.to_netcdf."""
        from ._io import to_netcdf
        to_netcdf(path, {variable: self}, dims=None if dims is None else {variable: dims}, chunks=chunks,
                  compression=compression, compression_opts=compression_opts, shuffle=shuffle, complevel=complevel,
                  progress=progress, threads=threads, memory_limit=memory_limit, comm=comm)

    def to_zarr(self, url, component: str | None = None, overwrite: bool = False, chunks=None, compressor="default",
                dims=None, *, progress: bool = False, threads: int | None = None, memory_limit=None,
                comm=None) -> None:
        """Computes and writes the array into a new Zarr v2 store; see chunkarr.to_zarr."""
        from ._io import to_zarr
        to_zarr(self, url, component, overwrite=overwrite, chunks=chunks, compressor=compressor, dims=dims,
                progress=progress, threads=threads, memory_limit=memory_limit, comm=comm)

    def __dask_tokenize__(self):
        """Dask's name for this array when Dask wraps it (da.from_array(x)); see chunkarr._dask."""
        from ._dask import dask_token
        return dask_token(self)

    def to_dask(self, block_size=None):
        """A Dask array of these values whose blocks chunkarr computes, each a group of whole
        chunks of about block_size bytes (default: Dask's array.chunk-size); see chunkarr._dask."""
        from ._dask import to_dask
        return to_dask(self, block_size)

    def to_dask_dataframe(self, columns=None, index=None, meta=None):
        """A dask.dataframe of a 1-d or 2-d array (Dask's Array.to_dask_dataframe): through
        to_dask(), so each partition is a group of whole chunks that chunkarr computes."""
        if self.ndim not in (1, 2):
            raise ValueError(f"to_dask_dataframe needs a 1-d or 2-d array, got {self.ndim}-d")
        return self.to_dask().to_dask_dataframe(columns=columns, index=index, meta=meta)

    # ---- transformations ---------------------------------------------------------------------
    def astype(self, dtype, casting="unsafe", copy=True) -> "Array":
        """Values as dtype, lazily. casting as NumPy's (a TypeError when the rule forbids it);
        copy has no effect: the result is a new lazy expression either way (Dask's). A complex
        dtype gives a ComplexArray (imaginary part zero)."""
        if np.dtype(dtype).kind == "c":
            from ._complex import as_complex_type
            return as_complex_type(self, np.dtype(dtype), casting)
        engine_dtype = _dtype(dtype)
        if not np.can_cast(self.dtype, dtype, casting=casting):
            raise TypeError(f"Cannot cast array data from {self.dtype!r} to {np.dtype(dtype)!r} "
                            f"according to the rule {casting!r}")
        return _wrap(self._core.astype(engine_dtype))

    def rechunk(self, chunks="auto") -> "Array":
        """The same values in other chunks, in Dask's forms: an int (every axis), a tuple of ints or
        of explicit chunk tuples per axis, a dict {axis: chunks} (other axes keep theirs), -1 for a
        whole axis, None to keep an axis's chunks, "auto" or a byte size such as "64MiB" (Dask's
        automatic chunks, 128 MiB by default). Lazy; when each stored chunk would be read many times
        (orthogonal chunkings of a file), compute() rechunks in stages through temporary files
        within the memory limit (see explain())."""
        return _wrap(self._core.rechunk([list(c) for c in _rechunk_chunks(chunks, self)]))

    def __getitem__(self, index) -> "Array":
        """NumPy's indexing, lazily (chunkarr._indexing.getitem): slices with any step, None,
        Ellipsis, integer arrays, boolean masks (computed first so the shape is exact)."""
        from ._indexing import getitem
        return getitem(self, index)

    def __setitem__(self, index, value):
        from ._indexing import setitem
        setitem(self, index, value)

    @property
    def vindex(self):
        """Point-wise (vectorised) indexing with several integer arrays, as Dask's vindex."""
        from ._indexing import VIndex
        return VIndex(self)

    @property
    def blocks(self):
        """x.blocks[i, j]: the array of the selected blocks, as Dask's blocks."""
        from ._indexing import Blocks
        return Blocks(self)

    def take(self, indices, axis=None) -> "Array":
        from ._indexing import _numpy_take
        return _numpy_take(self, indices, axis)

    def repeat(self, repeats, axis=None) -> "Array":
        from ._indexing import repeat
        return repeat(self, repeats, axis)

    # ---- reductions ----------------------------------------------------------------------------
    def _reduce(self, name, axis=None, keepdims=False, dtype=None, ddof=0):
        x = self.astype(dtype) if dtype is not None else self
        return _wrap(_reduce(x._core, name, axis, keepdims, ddof))

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

    def prod(self, axis=None, dtype=None, keepdims=False):
        return self._reduce("prod", axis, keepdims, dtype)

    def nanprod(self, axis=None, dtype=None, keepdims=False):
        """Product treating NaN as 1 (NumPy's nanprod)."""
        return self._reduce("nanprod", axis, keepdims, dtype)

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
        from ._complex import _is_complex_value, binary_with_real_array
        if _is_complex_value(other):  # complex values: ComplexArray's arithmetic
            return binary_with_real_array(op, self, other, reflected)
        if isinstance(other, Array) or isinstance(other, (numbers.Number, np.generic, np.ndarray)):
            if isinstance(other, int) and not isinstance(other, bool):
                other = _weak_integer(other, self.dtype)
            other = _unwrap(other)
            a, b = (other, self._core) if reflected else (self._core, other)
            return _wrap(_core.binary(op, a, b))
        return NotImplemented

    def __add__(self, o): return self._binary(BinaryOp.add, o)
    def __radd__(self, o): return self._binary(BinaryOp.add, o, True)
    def __sub__(self, o): return self._binary(BinaryOp.subtract, o)
    def __rsub__(self, o): return self._binary(BinaryOp.subtract, o, True)
    def __mul__(self, o): return self._binary(BinaryOp.multiply, o)
    def __rmul__(self, o): return self._binary(BinaryOp.multiply, o, True)
    def __truediv__(self, o): return self._binary(BinaryOp.divide, o)
    def __rtruediv__(self, o): return self._binary(BinaryOp.divide, o, True)
    def __pow__(self, o): return self._binary(BinaryOp.power, o)
    def __rpow__(self, o): return self._binary(BinaryOp.power, o, True)
    def __eq__(self, o): return self._binary(BinaryOp.equal, o)
    def __ne__(self, o): return self._binary(BinaryOp.not_equal, o)
    def __lt__(self, o): return self._binary(BinaryOp.less, o)
    def __le__(self, o): return self._binary(BinaryOp.less_equal, o)
    def __gt__(self, o): return self._binary(BinaryOp.greater, o)
    def __ge__(self, o): return self._binary(BinaryOp.greater_equal, o)
    def __floordiv__(self, o): return self._binary(BinaryOp.floor_divide, o)
    def __rfloordiv__(self, o): return self._binary(BinaryOp.floor_divide, o, True)
    def __mod__(self, o): return self._binary(BinaryOp.remainder, o)
    def __rmod__(self, o): return self._binary(BinaryOp.remainder, o, True)
    def __and__(self, o): return self._binary(BinaryOp.bitwise_and, o)
    def __rand__(self, o): return self._binary(BinaryOp.bitwise_and, o, True)
    def __or__(self, o): return self._binary(BinaryOp.bitwise_or, o)
    def __ror__(self, o): return self._binary(BinaryOp.bitwise_or, o, True)
    def __xor__(self, o): return self._binary(BinaryOp.bitwise_xor, o)
    def __rxor__(self, o): return self._binary(BinaryOp.bitwise_xor, o, True)
    def __lshift__(self, o): return self._binary(BinaryOp.left_shift, o)
    def __rlshift__(self, o): return self._binary(BinaryOp.left_shift, o, True)
    def __rshift__(self, o): return self._binary(BinaryOp.right_shift, o)
    def __rrshift__(self, o): return self._binary(BinaryOp.right_shift, o, True)

    def __divmod__(self, o):
        quotient = self._binary(BinaryOp.floor_divide, o)
        return quotient if quotient is NotImplemented else (quotient, self._binary(BinaryOp.remainder, o))

    def __rdivmod__(self, o):
        quotient = self._binary(BinaryOp.floor_divide, o, True)
        return quotient if quotient is NotImplemented else (quotient, self._binary(BinaryOp.remainder, o, True))

    def __matmul__(self, o):
        from ._linalg import _is_operand, matmul
        return matmul(self, o) if _is_operand(o) else NotImplemented

    def __rmatmul__(self, o):
        from ._linalg import _is_operand, matmul
        return matmul(o, self) if _is_operand(o) else NotImplemented

    def dot(self, other) -> "Array":
        from ._linalg import dot
        return dot(self, other)

    def __neg__(self): return _wrap(_core.unary(UnaryOp.negative, self._core))
    def __pos__(self):  # NumPy's +bool_array is a copy (np.positive refuses bool)
        return self if self.dtype == np.bool_ else _wrap(_core.unary(UnaryOp.positive, self._core))
    def __abs__(self): return _wrap(_core.unary(UnaryOp.abs, self._core))
    def __invert__(self): return _wrap(_core.unary(UnaryOp.invert, self._core))

    __hash__ = None

    def _in_place(self, name: str, other):
        """x op= other rebinds the name x to a new lazy array, as Dask's (the array object itself,
        and other names for it, keep their values), with the standard's rules: the result keeps
        x's shape and dtype (NumPy's same_kind cast; a TypeError for a wider kind, a ValueError
        for a shape that would grow)."""
        result = getattr(self, name)(other)
        if result is NotImplemented:
            return NotImplemented
        if result.shape != self.shape:
            raise ValueError(f"in-place {name[2:-2]}: the result's shape {result.shape} is not the array's "
                             f"{self.shape}")
        if result.dtype != self.dtype:
            if not np.can_cast(result.dtype, self.dtype, casting="same_kind"):
                raise TypeError(f"in-place {name[2:-2]}: the result's dtype {result.dtype} cannot be cast "
                                f"to the array's {self.dtype}")
            result = result.astype(self.dtype)
        return result

    def __reduce__(self):
        """Pickles the graph: files by path and variable (opened again where unpickled), NumPy
        data with the array, map_blocks functions by Python's pickle; see chunkarr._pickle."""
        from ._pickle import reduce_array
        return reduce_array(self)

    # ---- Python scalars: computed, as Dask does; NumPy's rules for which arrays convert --------
    def _one_value(self, conversion: str) -> np.ndarray:
        """The computed array, for Python's float()/int()/complex()/bool(): only arrays of at
        most one element are computed, larger ones refused as NumPy refuses them."""
        if self.size > 1:
            if conversion == "bool":
                raise ValueError("The truth value of an array with more than one element is ambiguous. "
                                 "Use a.any() or a.all()")
            raise TypeError(f"only size-1 arrays can be converted to Python scalars ({conversion}() of an "
                            f"array of shape {self.shape})")
        return np.asarray(self.compute())

    def __bool__(self): return bool(self._one_value("bool"))
    def __float__(self): return float(self._one_value("float"))
    def __int__(self): return int(self._one_value("int"))
    def __complex__(self): return complex(self._one_value("complex"))

    def __index__(self):
        if self.dtype.kind not in "iu" or self.ndim != 0:
            raise TypeError(f"only integer scalar arrays can be converted to a scalar index (this one: "
                            f"dtype {self.dtype}, shape {self.shape})")
        return int(self.compute())

    def item(self, *args):
        """The element as a Python scalar, computed (only that element is read): no argument for
        an array of one element, a flat index, or one index per axis (NumPy's ndarray.item)."""
        if not args:
            if self.size != 1:
                raise ValueError(f"can only convert an array of size 1 to a Python scalar (shape {self.shape})")
            return np.asarray(self.compute()).item()
        if len(args) == 1 and isinstance(args[0], tuple):
            args = args[0]
        if len(args) == 1:
            flat = operator.index(args[0])
            if not -self.size <= flat < self.size:
                raise IndexError(f"index {flat} is out of bounds for size {self.size}")
            args = np.unravel_index(flat % self.size, self.shape)
        if len(args) != self.ndim:
            raise ValueError(f"incorrect number of indices for array: {len(args)} for {self.ndim} dimensions")
        return np.asarray(self[tuple(operator.index(a) for a in args)].compute()).item()

    # ---- NumPy protocols (the tables are in _ufuncs and _numpy_dispatch) -----------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from ._ufuncs import array_ufunc
        return array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from ._numpy_dispatch import _array_function
        return _array_function(func, types, args, kwargs)


# x += y, x @= y, ...: each in-place operator as its operator, then stored in x (Array._in_place).
for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor", "lshift",
              "rshift"):
    setattr(Array, f"__i{_name}__", lambda self, other, _op=f"__{_name}__": self._in_place(_op, other))
