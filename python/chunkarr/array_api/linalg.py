"""The standard's linear algebra: matmul, matrix_transpose, tensordot, vecdot (also in the main
namespace), and the linalg extension. Lazy, out of core: matmul, tensordot, vecdot, outer,
trace, diagonal, cross, matrix_transpose, vector_norm, matrix_norm (chunkarr's _linalg, _math,
_indexing and linalg). The factorizations and solvers (cholesky, det, eigh, eigvalsh, inv,
matrix_rank, pinv, qr, slogdet, solve, svd, svdvals, matrix_power with n < 0) call NumPy's
LAPACK on the computed array: only for inputs of at most IN_MEMORY_LIMIT bytes, a MemoryError
naming the size otherwise."""
from __future__ import annotations

import builtins
from typing import NamedTuple

import numpy as np

from .. import _indexing, _linalg, _math, _routines
from .. import linalg as _chunkarr_linalg
from .._array import Array
from .._creation import from_array
from ._dtypes import require, result_dtype
from ._operands import as_array, normalize_axes
from ._statistical_functions import in_dtype

IN_MEMORY_LIMIT = 1 << 30   # bytes of input a factorization may compute into memory


class EighResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class QRResult(NamedTuple):
    Q: Array
    R: Array


class SlogdetResult(NamedTuple):
    sign: Array
    logabsdet: Array


class SVDResult(NamedTuple):
    U: Array
    S: Array
    Vh: Array


def _pair(x1, x2, name: str, category: str = "numeric"):
    x1, x2 = as_array(x1, name), as_array(x2, name)
    require(x1, category, name)
    require(x2, category, name)
    result_dtype(x1.dtype, x2.dtype)
    return x1, x2


# ---- lazy ------------------------------------------------------------------------------------
def matmul(x1, x2, /) -> Array:
    x1, x2 = _pair(x1, x2, "matmul")
    if x1.ndim == 0 or x2.ndim == 0:
        raise ValueError("matmul does not take 0-d arrays")
    return _linalg.matmul(x1, x2)


def matrix_transpose(x, /) -> Array:
    return as_array(x, "matrix_transpose").mT


def tensordot(x1, x2, /, *, axes=2) -> Array:
    x1, x2 = _pair(x1, x2, "tensordot")
    return _linalg.tensordot(x1, x2, axes)


def vecdot(x1, x2, /, *, axis=-1) -> Array:
    """The sum over `axis` of x1 * x2 (broadcast), lazily."""
    x1, x2 = _pair(x1, x2, "vecdot")
    product = x1 * x2
    (axis,) = normalize_axes(axis, product.ndim, "vecdot")
    if x1.shape[axis - product.ndim] != x2.shape[axis - product.ndim]:
        raise ValueError(f"vecdot: the axes to sum have lengths {x1.shape[axis - product.ndim]} and "
                         f"{x2.shape[axis - product.ndim]}")
    return in_dtype(product.sum(axis=axis, dtype=product.dtype), product.dtype)


def outer(x1, x2, /) -> Array:
    x1, x2 = _pair(x1, x2, "outer")
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError("outer takes two 1-d arrays")
    return _math.outer(x1, x2)


def trace(x, /, *, offset=0) -> Array:
    """The sum of each matrix's diagonal `offset` (the last two axes), lazily, in x's dtype (as
    the 2021.12 text says; an offset past the edge sums nothing: zeros)."""
    x = as_array(x, "trace")
    require(x, "numeric", "trace")
    offset = builtins.max(builtins.min(int(offset), x.shape[-1]), -x.shape[-2])
    return in_dtype(_math.trace(x, offset, -2, -1, dtype=x.dtype), x.dtype)


def diagonal(x, /, *, offset=0) -> Array:
    x = as_array(x, "diagonal")
    return _indexing.diagonal(x, offset, -2, -1)


def cross(x1, x2, /, *, axis=-1) -> Array:
    """The cross product of 3-vectors along `axis`, lazily (three components from slices)."""
    x1, x2 = _pair(x1, x2, "cross")
    ndim = max(x1.ndim, x2.ndim)
    (axis,) = normalize_axes(axis, ndim, "cross")
    if x1.shape[axis - ndim] != 3 or x2.shape[axis - ndim] != 3:
        raise ValueError(f"cross needs length 3 along axis {axis}")

    def component(x, i):
        index = [slice(None)] * x.ndim
        index[axis - ndim] = i
        return x[tuple(index)]
    a = [component(x1, i) for i in range(3)]
    b = [component(x2, i) for i in range(3)]
    parts = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    return _routines.stack(parts, axis - ndim if axis - ndim != -1 else -1)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2) -> Array:  # noqa: A002 (the standard's name)
    """The ord-norm over `axis` (an int, a tuple, or None: all), lazily: those axes moved last
    and merged, then chunkarr.linalg's vector norm."""
    x = as_array(x, "vector_norm")
    require(x, "floating-point", "vector_norm")
    axes = normalize_axes(axis, x.ndim, "vector_norm")
    rest = [d for d in range(x.ndim) if d not in axes]
    moved = _routines.transpose(x, rest + list(axes)) if x.ndim else x
    merged = _routines.reshape(moved, tuple(x.shape[d] for d in rest) + (-1,))
    norm = _chunkarr_linalg._vector_norm(merged, ord, merged.ndim - 1)
    if keepdims:
        return _routines.reshape(norm, tuple(1 if d in axes else n for d, n in enumerate(x.shape)))
    return _routines.reshape(norm, tuple(x.shape[d] for d in rest))


def matrix_norm(x, /, *, keepdims=False, ord="fro") -> Array:  # noqa: A002 (the standard's name)
    x = as_array(x, "matrix_norm")
    require(x, "floating-point", "matrix_norm")
    return _chunkarr_linalg.norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def matrix_power(x, n, /) -> Array:
    """x multiplied by itself n times (lazily, by squaring); n < 0 inverts first (in memory)."""
    x = as_array(x, "matrix_power")
    _square(x, "matrix_power")
    n = int(n)
    if n < 0:
        x, n = inv(x), -n
    if n == 0:
        from ._creation_functions import eye
        identity = eye(x.shape[-1], dtype=x.dtype)
        return _routines.broadcast_to(identity, x.shape)
    result, power = None, x
    while n:
        if n & 1:
            result = power if result is None else _linalg.matmul(result, power)
        n >>= 1
        if n:
            power = _linalg.matmul(power, power)
    return result


# ---- in memory (LAPACK through NumPy) -------------------------------------------------------
def _square(x: Array, name: str) -> None:
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{name} needs square matrices in the last two axes, not shape {x.shape}")


def _in_memory(x, name: str, category: str = "floating-point") -> np.ndarray:
    x = as_array(x, name)
    require(x, category, name)
    if x.ndim < 2:
        raise ValueError(f"{name} needs an array of at least two dimensions, not shape {x.shape}")
    if x.nbytes > IN_MEMORY_LIMIT:
        raise MemoryError(f"{name} runs LAPACK in memory: this array has {x.nbytes} bytes, more than "
                          f"chunkarr.array_api.linalg.IN_MEMORY_LIMIT ({IN_MEMORY_LIMIT})")
    return np.asarray(x.compute())


def cholesky(x, /, *, upper=False) -> Array:
    lower = np.linalg.cholesky(_in_memory(x, "cholesky"))
    return from_array(np.swapaxes(lower, -1, -2).copy() if upper else lower)


def det(x, /) -> Array:
    return from_array(np.asarray(np.linalg.det(_in_memory(x, "det"))))


def eigh(x, /) -> EighResult:
    return EighResult(*(from_array(r) for r in np.linalg.eigh(_in_memory(x, "eigh"))))


def eigvalsh(x, /) -> Array:
    return from_array(np.linalg.eigvalsh(_in_memory(x, "eigvalsh")))


def inv(x, /) -> Array:
    return from_array(np.linalg.inv(_in_memory(x, "inv")))


def _default_rtol(values: np.ndarray) -> float:
    return max(values.shape[-2:]) * np.finfo(values.dtype).eps


def matrix_rank(x, /, *, rtol=None) -> Array:
    values = _in_memory(x, "matrix_rank")
    singular = np.linalg.svd(values, compute_uv=False)
    rtol = _default_rtol(values) if rtol is None else np.asarray(rtol)[..., np.newaxis]
    tolerance = singular.max(axis=-1, keepdims=True) * rtol
    return from_array(np.asarray(np.count_nonzero(singular > tolerance, axis=-1)).astype(np.int64))


def pinv(x, /, *, rtol=None) -> Array:
    values = _in_memory(x, "pinv")
    rtol = _default_rtol(values) if rtol is None else np.asarray(rtol)
    return from_array(np.linalg.pinv(values, rcond=rtol))


def qr(x, /, *, mode="reduced") -> QRResult:
    return QRResult(*(from_array(r) for r in np.linalg.qr(_in_memory(x, "qr"), mode=mode)))


def slogdet(x, /) -> SlogdetResult:
    return SlogdetResult(*(from_array(np.asarray(r)) for r in np.linalg.slogdet(_in_memory(x, "slogdet"))))


def solve(x1, x2, /) -> Array:
    """x such that x1 @ x = x2 (x2 a vector when 1-d, as the standard says)."""
    a = _in_memory(x1, "solve")
    b = as_array(x2, "solve")
    require(b, "floating-point", "solve")
    if b.nbytes > IN_MEMORY_LIMIT:
        raise MemoryError(f"solve runs LAPACK in memory: x2 has {b.nbytes} bytes, more than IN_MEMORY_LIMIT")
    b = np.asarray(b.compute())
    dtype = result_dtype(a.dtype, b.dtype)
    # NumPy reads b as stacked vectors whenever b.ndim == a.ndim - 1; the standard only when b
    # is 1-d. Broadcasting the stacks first makes NumPy's reading the standard's.
    if b.ndim == 1:
        b = np.broadcast_to(b, a.shape[:-1])
    else:
        stack = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a, b = np.broadcast_to(a, stack + a.shape[-2:]), np.broadcast_to(b, stack + b.shape[-2:])
    return from_array(np.linalg.solve(a, b).astype(dtype))


def svd(x, /, *, full_matrices=True) -> SVDResult:
    return SVDResult(*(from_array(r) for r in np.linalg.svd(_in_memory(x, "svd"), full_matrices=full_matrices)))


def svdvals(x, /) -> Array:
    return from_array(np.linalg.svd(_in_memory(x, "svdvals"), compute_uv=False))


__all__ = ["cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
           "matrix_power", "matrix_rank", "matrix_transpose", "outer", "pinv", "qr", "slogdet", "solve", "svd",
           "svdvals", "tensordot", "trace", "vecdot", "vector_norm"]
