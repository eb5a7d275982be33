"""ComplexArray: complex64 and complex128 arrays (Zarr stores hold them), computed as two real
Arrays, the real and the imaginary part (float32 parts for complex64, float64 for complex128).
Every real operation of the engine then serves complex data, and NumPy's promotion follows
from the parts' (complex64 with float64 or int32 gives complex128, with int16 complex64).

What complex values support: .real, .imag, abs / np.abs (float magnitude), np.angle,
.conj() / np.conj, + - * / with complex and real operands (Python numbers, NumPy arrays, chunkarr
arrays), ==, !=, sum and mean, indexing, rechunk, astype, transpose, reshape, concatenate, stack,
compute() / np.asarray. Anything else (min/max, <, quantiles, sorting, var/std, ...) is a
TypeError that says to take .real, .imag or abs(x) first."""
from __future__ import annotations

import math
import numbers

import numpy as np

from . import _chunkarr as _core
from ._array import Array, _wrap


def _is_complex_value(value) -> bool:
    """A complex operand: a ComplexArray, a complex number or a complex NumPy array."""
    if isinstance(value, ComplexArray):
        return True
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype.kind == "c"
    return isinstance(value, complex)


def _parts(value):
    """(real, imaginary) of an operand: Arrays or numbers. A real operand's imaginary part is
    0.0, as NumPy gives it one before complex arithmetic (so the signs of zeros and the NaN of
    Inf * 0 come out as NumPy's); a number is weak (the other operand's parts keep their type)."""
    if isinstance(value, ComplexArray):
        return value.real, value.imag
    if isinstance(value, np.ndarray) and value.ndim > 0:
        from ._creation import from_array
        if value.dtype.kind == "c":
            return from_array(value.real), from_array(value.imag)
        return from_array(value), 0.0
    if isinstance(value, (complex, np.complexfloating)):
        return value.real, value.imag
    if isinstance(value, np.ndarray):  # 0-d: a number
        return _parts(value[()])
    return value, 0.0


def _part_dtype(*parts):
    """The float type of result parts: NumPy's promotion of the parts (numbers are weak)."""
    arrays = [p.dtype for p in parts if isinstance(p, Array)]
    dtype = np.result_type(*arrays, np.float32) if arrays else np.dtype(np.float64)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def _as_part(value, dtype, like):
    """A part as an Array of `dtype` with `like`'s shape (numbers broadcast)."""
    from ._creation import full
    from ._routines import broadcast_to
    if isinstance(value, Array):
        value = value if value.dtype == dtype else value.astype(dtype)
        return value if value.shape == like.shape else broadcast_to(value, like.shape)
    return full(like.shape, value, dtype=dtype, chunks=like.chunks)


def refuse_complex(value, what: str = "this chunkarr function is not defined for complex values",
                   instead: str = "take .real, .imag or abs(x) first") -> TypeError:
    """The error of a real-only chunkarr function given complex values (Array's helpers)."""
    dtype = value.dtype if hasattr(value, "dtype") else np.dtype(complex)
    return TypeError(f"{what} ({np.dtype(dtype)}): {instead}")


def as_operand(value):
    """`value` as chunkarr takes an operand: Arrays and ComplexArrays as they are, anything else
    (lists, numbers, NumPy data) as the NumPy array it makes, so complex data is seen as such."""
    return value if isinstance(value, (Array, ComplexArray)) else np.asarray(value)


def _refuse(what: str, dtype) -> TypeError:
    return TypeError(f"{what} is not defined for complex arrays ({np.dtype(dtype)}) in chunkarr: take .real, "
                     f".imag or abs(x) first")


class ComplexArray:
    """A lazy complex64 or complex128 array: its real and imaginary parts as two chunkarr Arrays
    of one float type and shape. Nothing is read or computed until .compute() or np.asarray()."""

    __array_priority__ = 30  # above Array's: real_array + complex_array comes here

    def __init__(self, real: Array, imag: Array):
        dtype = _part_dtype(real, imag)
        real = real if real.dtype == dtype else real.astype(dtype)
        imag = imag if imag.dtype == dtype else imag.astype(dtype)
        if real.shape != imag.shape:
            from ._routines import broadcast_arrays
            real, imag = broadcast_arrays(real, imag)
        self._real, self._imag = real, imag

    # ---- description -----------------------------------------------------------------------
    @property
    def real(self) -> Array:
        return self._real

    @property
    def imag(self) -> Array:
        return self._imag

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.complex64 if self._real.dtype == np.float32 else np.complex128)

    shape = property(lambda self: self._real.shape)
    ndim = property(lambda self: self._real.ndim)
    size = property(lambda self: self._real.size)
    chunks = property(lambda self: self._real.chunks)
    numblocks = property(lambda self: self._real.numblocks)
    chunksize = property(lambda self: self._real.chunksize)
    itemsize = property(lambda self: self.dtype.itemsize)
    nbytes = property(lambda self: self.size * self.dtype.itemsize)

    def __len__(self):
        return len(self._real)

    def __repr__(self):
        return f"chunkarr.ComplexArray<shape={self.shape}, dtype={self.dtype}, chunksize={self.chunksize}>"

    # ---- complex functions -----------------------------------------------------------------
    def conj(self) -> "ComplexArray":
        return ComplexArray(self._real, -self._imag)

    conjugate = conj

    def __abs__(self) -> Array:
        """The magnitude, a float array: np.hypot(real, imag), within an ulp of np.abs (NumPy's
        complex abs is its own loop, which may round the last bit otherwise)."""
        return np.hypot(self._real, self._imag)

    def angle(self, deg: bool = False) -> Array:
        """NumPy's angle: arctan2(imag, real), in radians (degrees with deg=True)."""
        a = np.arctan2(self._imag, self._real)
        return a * (180 / np.pi) if deg else a

    # ---- arithmetic ------------------------------------------------------------------------
    def _binary(self, name: str, other, reflected: bool = False):
        if not (isinstance(other, (ComplexArray, Array, numbers.Number, np.generic, np.ndarray))):
            return NotImplemented
        if isinstance(other, np.generic) and other.dtype.kind not in "biufc":
            return NotImplemented
        a, b = _parts(self), _parts(other)
        if reflected:
            a, b = b, a
        return _arithmetic(name, a, b)

    def __add__(self, o): return self._binary("add", o)
    def __radd__(self, o): return self._binary("add", o, True)
    def __sub__(self, o): return self._binary("subtract", o)
    def __rsub__(self, o): return self._binary("subtract", o, True)
    def __mul__(self, o): return self._binary("multiply", o)
    def __rmul__(self, o): return self._binary("multiply", o, True)
    def __truediv__(self, o): return self._binary("divide", o)
    def __rtruediv__(self, o): return self._binary("divide", o, True)

    def __eq__(self, o):
        if not _is_complex_value(o) and not isinstance(o, (Array, numbers.Number, np.ndarray)):
            return NotImplemented
        re, im = _parts(o)
        return (self._real == re) & (self._imag == im)

    def __ne__(self, o):
        equal = self.__eq__(o)
        return equal if equal is NotImplemented else ~equal

    def __neg__(self): return ComplexArray(-self._real, -self._imag)
    def __pos__(self): return self

    def __pow__(self, o): raise _refuse("**", self.dtype)
    def __rpow__(self, o): raise _refuse("**", self.dtype)

    __hash__ = None

    def __lt__(self, o): raise _refuse("<", self.dtype)
    def __le__(self, o): raise _refuse("<=", self.dtype)
    def __gt__(self, o): raise _refuse(">", self.dtype)
    def __ge__(self, o): raise _refuse(">=", self.dtype)

    # ---- reductions: NumPy's sum and mean, each part's (the engine's pairwise tree) ----------
    def sum(self, axis=None, dtype=None, keepdims=False) -> "ComplexArray":
        return self._reduced("sum", axis, dtype, keepdims)

    def mean(self, axis=None, dtype=None, keepdims=False) -> "ComplexArray":
        """NumPy's mean: the sum divided by the count as by a complex number (n + 0j), with NumPy's
        complex loop (so inf+1j and 1 average to inf+nanj, as NumPy's do)."""
        total = self._reduced("sum", axis, dtype, keepdims)
        axes = range(self.ndim) if axis is None else (axis,) if isinstance(axis, numbers.Integral) else axis
        count = math.prod(self.shape[int(a) % self.ndim] for a in axes) if self.ndim else 1
        return _arithmetic("divide", _parts(total), (count, 0.0))

    def _reduced(self, name, axis, dtype, keepdims):
        z = self if dtype is None else self.astype(dtype)
        return ComplexArray(getattr(z._real, name)(axis=axis, keepdims=keepdims),
                            getattr(z._imag, name)(axis=axis, keepdims=keepdims))

    # ---- shape and layout: the same on both parts -------------------------------------------
    def _each(self, function) -> "ComplexArray":
        return ComplexArray(function(self._real), function(self._imag))

    def __getitem__(self, index) -> "ComplexArray":
        return self._each(lambda part: part[index])

    def rechunk(self, chunks="auto") -> "ComplexArray":
        return self._each(lambda part: part.rechunk(chunks))

    def transpose(self, *axes) -> "ComplexArray":
        return self._each(lambda part: part.transpose(*axes))

    T = property(lambda self: self.transpose())

    def reshape(self, *shape, order="C") -> "ComplexArray":
        return self._each(lambda part: part.reshape(*shape, order=order))

    def squeeze(self, axis=None) -> "ComplexArray":
        return self._each(lambda part: part.squeeze(axis))

    def swapaxes(self, axis1, axis2) -> "ComplexArray":
        return self._each(lambda part: part.swapaxes(axis1, axis2))

    def ravel(self) -> "ComplexArray":
        return self._each(lambda part: part.ravel())

    flatten = ravel

    def explain(self, memory_limit=None) -> str:
        """The plan that computes both parts (chunkarr.explain)."""
        from ._compute import explain
        return explain(self, memory_limit=memory_limit)

    def copy(self) -> "ComplexArray":
        return self

    def astype(self, dtype, casting="unsafe", copy=True):
        """complex64 or complex128 (the parts' float type changes); a real dtype is refused, as
        NumPy warns it discards the imaginary part: take .real."""
        dtype = np.dtype(dtype)
        if dtype.kind != "c":
            raise TypeError(f"astype({dtype}) of a complex array discards the imaginary part: take .real "
                            f"(or abs(x)) instead")
        _check_cast(self.dtype, dtype, casting)
        part = np.float32 if dtype == np.complex64 else np.float64
        return ComplexArray(self._real.astype(part), self._imag.astype(part))

    # ---- results ----------------------------------------------------------------------------
    def compute(self, progress: bool = False, threads: int | None = None, memory_limit=None) -> np.ndarray:
        """The NumPy complex array (both parts computed in one run)."""
        from ._compute import compute
        return compute(self, progress=progress, threads=threads, memory_limit=memory_limit)[0]

    def __array__(self, dtype=None, copy=None):
        out = np.asarray(self.compute()) if self.ndim == 0 else self.compute()
        return out if dtype is None else out.astype(dtype)

    def __complex__(self):
        if self.size != 1:
            raise TypeError(f"only size-1 arrays can be converted to Python scalars (shape {self.shape})")
        return complex(np.asarray(self.compute()).reshape(()))

    def __bool__(self):
        """NumPy's truth value: of an array of at most one element (nonzero real or imaginary part);
        larger ones are ambiguous."""
        if self.size > 1:
            raise ValueError("The truth value of an array with more than one element is ambiguous. "
                             "Use a.any() or a.all()")
        return bool(np.asarray(self.compute()))

    def to_zarr(self, url, component: str | None = None, overwrite: bool = False, chunks=None,
                compressor="default", dims=None, *, progress: bool = False, threads: int | None = None,
                memory_limit=None) -> None:
        """Writes the values as one complex64/complex128 array of a new Zarr v2 store, as
        chunkarr.to_zarr writes real ones (atomically; zarr-python and xarray read it)."""
        from ._io import _complex_to_zarr
        _complex_to_zarr(self, url, component, overwrite, chunks, compressor, dims, progress, threads, memory_limit)

    # ---- NumPy protocols -------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return complex_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        handler = _ARRAY_FUNCTIONS.get(func)
        if handler is None:
            raise _refuse(f"np.{func.__name__}", self.dtype)
        return handler(*args, **kwargs)

    def __getattr__(self, name):
        # Array's other methods (min, max, std, quantile, argmin, cumsum, ...) are real-only.
        if not name.startswith("_") and hasattr(Array, name):
            raise _refuse(name, self.dtype)
        raise AttributeError(f"'ComplexArray' object has no attribute '{name}'")


def compute_with_parts(compute, arrays, **options) -> tuple:
    """chunkarr.compute of arrays among which are ComplexArrays: all parts in one run (shared
    inputs read once), each complex result assembled from its parts."""
    flat = []
    for a in arrays:
        flat.extend([a.real, a.imag] if isinstance(a, ComplexArray) else [a])
    results = iter(compute(*flat, **options))
    out = []
    for a in arrays:
        if not isinstance(a, ComplexArray):
            out.append(next(results))
            continue
        real, imag = np.asarray(next(results)), next(results)
        value = np.empty(real.shape, dtype=a.dtype)
        value.real, value.imag = real, imag  # assigned, not real + 1j*imag: inf * 1j would make NaN
        out.append(value[()] if value.ndim == 0 else value)
    return tuple(out)


_OPERATORS = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/"}


def _arithmetic(name: str, a, b) -> "ComplexArray":
    """a op b for (real, imaginary) part pairs, by the engine's complex operators (C++
    graph/complex_array.hpp): NumPy's complex loops and promotion (Smith's division; a number is
    weak, and a complex64 array's number is made complex64 first)."""
    real, imag = _core.complex_arithmetic(_OPERATORS[name], _operand(a), _operand(b))
    return ComplexArray(_wrap(real), _wrap(imag))


def _operand(parts):
    """A (real, imaginary) pair as complex_arithmetic takes it: both parts' arrays, a real
    array (its imaginary part is 0.0), or a number."""
    real, imag = parts
    if isinstance(real, Array):
        return (real._core, imag._core) if isinstance(imag, Array) else real._core
    return complex(real, imag)


def _complex(real, imag):
    """A ComplexArray of two parts, numbers among them made arrays of the other part's shape."""
    arrays = [p for p in (real, imag) if isinstance(p, Array)]
    if not arrays:
        return complex(real, imag)
    like = arrays[0]
    dtype = _part_dtype(real, imag)
    return ComplexArray(_as_part(real, dtype, like), _as_part(imag, dtype, like))


# ---- NumPy's functions and ufuncs on complex arrays ------------------------------------------
def _real(z):
    return z.real if isinstance(z, (ComplexArray, Array)) else np.real(z)


def _imag(z):
    return z.imag if isinstance(z, (ComplexArray, Array)) else np.imag(z)


def _angle(z, deg=False):
    if isinstance(z, ComplexArray):
        return z.angle(deg)
    return np.angle(np.asarray(z), deg)


def _as_complex(value) -> ComplexArray:
    if isinstance(value, ComplexArray):
        return value
    re, im = _parts(value)
    if not isinstance(re, Array):  # a number: a 0-d array
        from ._creation import from_array
        value = np.asarray(value)
        re, im = from_array(value.real), (from_array(value.imag) if value.dtype.kind == "c" else 0.0)
    if not isinstance(im, Array):
        from ._creation import zeros_like
        im = zeros_like(re)
    return ComplexArray(re, im)


def _check_cast(source: np.dtype, target: np.dtype, casting: str) -> None:
    """NumPy's astype(casting=) rule: TypeError when `casting` does not allow the cast."""
    if not np.can_cast(source, target, casting=casting):
        raise TypeError(f"Cannot cast array data from {source!r} to {target!r} according to the rule {casting!r}")


def as_complex_type(x: Array, dtype: np.dtype, casting: str) -> ComplexArray:
    """Array.astype(complex64/complex128): the values as real parts, the imaginary parts zero."""
    _check_cast(x.dtype, dtype, casting)
    from ._creation import zeros_like
    part = np.float32 if dtype == np.complex64 else np.float64
    return ComplexArray(x.astype(part), zeros_like(x, dtype=part))


def where(condition, a, b) -> ComplexArray:
    """NumPy's where with complex values: the parts chosen alike."""
    from ._routines import where as select
    (ar, ai), (br, bi) = _parts(a), _parts(b)
    return _complex(select(condition, ar, br), select(condition, ai, bi))


def _joined(join, arrays, axis: int) -> ComplexArray:
    """The real parts joined by `join` (chunkarr's concatenate or stack), and the imaginary ones."""
    parts = [_as_complex(a) for a in arrays]
    return ComplexArray(join([p.real for p in parts], axis), join([p.imag for p in parts], axis))


def concatenate(arrays, axis: int = 0) -> ComplexArray:
    """NumPy's concatenate of complex (and real) arrays: the parts joined."""
    from ._routines import concatenate as join
    return _joined(join, arrays, axis)


def stack(arrays, axis: int = 0) -> ComplexArray:
    """NumPy's stack of complex (and real) arrays: the parts stacked."""
    from ._routines import stack as join
    return _joined(join, arrays, axis)


def _reduction(name):
    def call(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
        from ._out import no_out
        no_out(out)
        return getattr(_as_complex(a), name)(axis=axis, dtype=dtype, keepdims=keepdims)
    return call


_ARRAY_FUNCTIONS = {
    np.real: _real, np.imag: _imag, np.angle: _angle,
    np.concatenate: lambda arrays, axis=0, **kw: concatenate(arrays, axis),
    np.where: lambda condition, a, b: where(condition, a, b),
    np.stack: lambda arrays, axis=0, **kw: stack(arrays, axis),
    np.sum: _reduction("sum"), np.mean: _reduction("mean"),
    np.transpose: lambda a, axes=None: a.transpose(*(axes or ())),
    np.reshape: lambda a, newshape, order="C": a.reshape(newshape, order=order),
    np.shape: lambda a: a.shape, np.ndim: lambda a: a.ndim, np.size: lambda a, axis=None: (
        a.size if axis is None else a.shape[axis]),
    np.iscomplexobj: lambda x: True,
}


def binary_with_real_array(op, x: Array, other, reflected: bool):
    """A real Array's operator with a complex operand (Array._binary): + - * / as complex
    arithmetic, == and != part by part, the others refused."""
    from ._chunkarr import BinaryOp
    names = {BinaryOp.add: "add", BinaryOp.subtract: "subtract", BinaryOp.multiply: "multiply",
             BinaryOp.divide: "divide"}
    z = _as_complex(other)
    if op in (BinaryOp.equal, BinaryOp.not_equal):
        return z == x if op == BinaryOp.equal else z != x
    if op not in names:
        raise _refuse(f"operator {op.name}", z.dtype)
    a, b = _parts(x), _parts(other)
    return _arithmetic(names[op], *((b, a) if reflected else (a, b)))


_UFUNC_ARITHMETIC = {np.add: "add", np.subtract: "subtract", np.multiply: "multiply", np.true_divide: "divide"}


def complex_ufunc(ufunc, method, inputs, kwargs):
    """A ufunc with a complex operand: abs, conj, negative, positive, + - * /, ==, != lazily;
    any other a TypeError (real-only in chunkarr)."""
    z = next(_as_complex(v) for v in inputs if _is_complex_value(v))
    if method != "__call__" or kwargs.get("out") is not None or kwargs.get("where", True) is not True:
        raise _refuse(f"np.{ufunc.__name__}.{method} with out= or where=" if method == "__call__"
                      else f"np.{ufunc.__name__}.{method}", z.dtype)
    if kwargs.get("dtype") is not None:
        inputs = [_as_complex(v).astype(kwargs["dtype"]) for v in inputs]
    if ufunc is np.absolute:
        return abs(_as_complex(inputs[0]))
    if ufunc is np.conjugate:
        return _as_complex(inputs[0]).conj()
    if ufunc is np.negative:
        return -_as_complex(inputs[0])
    if ufunc is np.positive:
        return _as_complex(inputs[0])
    if ufunc in _UFUNC_ARITHMETIC:
        return _arithmetic(_UFUNC_ARITHMETIC[ufunc], _parts(inputs[0]), _parts(inputs[1]))
    if ufunc is np.equal:
        return _as_complex(inputs[0]) == inputs[1]
    if ufunc is np.not_equal:
        return _as_complex(inputs[0]) != inputs[1]
    raise _refuse(f"np.{ufunc.__name__}", z.dtype)
