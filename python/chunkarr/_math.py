"""NumPy's numerical routines that are not ufuncs or plain reductions: differences (diff,
gradient), comparisons (isclose, allclose), rounding (round/around, nan_to_num), statistics
(average, ptp, count_nonzero, cov, corrcoef, trace, outer), binning and membership (digitize,
searchsorted, isin, bincount, histogramdd, histogram2d), NaN-skipping running sums (nancumsum,
nancumprod), coarsen, apply_along_axis and result_type. Lazy: built on slices, arithmetic,
reductions and map_blocks (elementwise NumPy functions run on each block, so NumPy's exact
semantics are kept)."""
from __future__ import annotations

import builtins
import numbers

import numpy as np

from . import _chunkarr as _core
from ._array import Array, _wrap
from ._blocks import map_blocks
from ._creation import _as_array, eye, zeros_like
from ._linalg import dot
from ._out import no_out
from ._manipulation import _along, _normalize_axis, broadcast_arrays
from ._routines import _scan, broadcast_to, clip, concatenate, expand_dims, moveaxis, ravel, where


# ---- differences -----------------------------------------------------------------------------------
def _edge_part(a: Array, axis: int, value) -> Array:
    """prepend/append of diff: a value broadcast to a's shape with `axis` of length 1, or an array."""
    value = _as_array(value)
    if value.ndim == 0:
        return broadcast_to(value, a.shape[:axis] + (1,) + a.shape[axis + 1:])
    return value


def diff(a, n=1, axis=-1, prepend=None, append=None) -> Array:
    """numpy.diff, lazily: a[1:] - a[:-1] along axis, n times (bool: a[1:] != a[:-1])."""
    a = _as_array(a)
    n = int(n)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    if n == 0:
        return a
    if a.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = _normalize_axis(axis, a.ndim)
    parts = [_edge_part(a, axis, prepend)] if prepend is not None else []
    parts.append(a)
    if append is not None:
        parts.append(_edge_part(a, axis, append))
    if len(parts) > 1:
        a = concatenate(parts, axis)
    for _ in range(n):
        m = a.shape[axis]
        later, earlier = a[_along(axis, a.ndim, slice(1, m))], a[_along(axis, a.ndim, slice(0, max(m - 1, 0)))]
        a = (later != earlier) if a.dtype == np.bool_ else later - earlier
    return a


def _spacings(f: Array, axes, varargs):
    """One spacing per axis: a number, or a 1-d NumPy array of coordinates (NumPy's rules)."""
    if not varargs:
        return [1.0] * len(axes)
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        return [varargs[0]] * len(axes)
    if len(varargs) != len(axes):
        raise TypeError("invalid number of arguments")
    spacings = []
    for spacing, axis in zip(varargs, axes):
        spacing = np.asarray(spacing.compute() if isinstance(spacing, Array) else spacing)
        if spacing.ndim == 0:
            spacings.append(spacing[()])
            continue
        if spacing.ndim != 1:
            raise ValueError("distances must be either scalars or 1d")
        if len(spacing) != f.shape[axis]:
            raise ValueError("when 1d, distances must match the length of the corresponding dimension")
        if spacing.dtype.kind in "iub":
            spacing = spacing.astype(np.float64)
        steps = np.diff(spacing)
        spacings.append(steps[0] if steps.size and (steps == steps[0]).all() else steps)
    return spacings


def _along_axis(values: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """A 1-d NumPy array shaped to broadcast along `axis` of an ndim array."""
    return values.reshape((-1,) + (1,) * (ndim - axis - 1))


def _gradient_axis(f: Array, axis: int, dx, edge_order: int) -> Array:
    n, nd = f.shape[axis], f.ndim

    def s(start, stop):
        return f[_along(axis, nd, slice(start, stop))]

    if np.ndim(dx) == 0:
        interior = (s(2, n) - s(0, n - 2)) / (2.0 * dx)
        if edge_order == 1:
            first = (s(1, 2) - s(0, 1)) / dx
            last = (s(n - 1, n) - s(n - 2, n - 1)) / dx
        else:
            first = -(s(0, 1) * 1.5 - s(1, 2) * 2.0 + s(2, 3) * 0.5) / dx
            last = (s(n - 3, n - 2) * 0.5 - s(n - 2, n - 1) * 2.0 + s(n - 1, n) * 1.5) / dx
    else:
        dx1, dx2 = dx[:-1], dx[1:]
        a = -dx2 / (dx1 * (dx1 + dx2))
        b = (dx2 - dx1) / (dx1 * dx2)
        c = dx1 / (dx2 * (dx1 + dx2))
        interior = (s(0, n - 2) * _along_axis(a, axis, nd) + s(1, n - 1) * _along_axis(b, axis, nd)
                    + s(2, n) * _along_axis(c, axis, nd))
        if edge_order == 1:
            first = (s(1, 2) - s(0, 1)) / float(dx[0])
            last = (s(n - 1, n) - s(n - 2, n - 1)) / float(dx[-1])
        else:
            d1, d2 = float(dx[0]), float(dx[1])
            first = (s(0, 1) * (-(2.0 * d1 + d2) / (d1 * (d1 + d2))) + s(1, 2) * ((d1 + d2) / (d1 * d2))
                     + s(2, 3) * (-d1 / (d2 * (d1 + d2))))
            d1, d2 = float(dx[-2]), float(dx[-1])
            last = (s(n - 3, n - 2) * (d2 / (d1 * (d1 + d2))) + s(n - 2, n - 1) * (-(d2 + d1) / (d1 * d2))
                    + s(n - 1, n) * ((2.0 * d2 + d1) / (d2 * (d1 + d2))))
    return concatenate([first, interior, last], axis)


def gradient(f, *varargs, axis=None, edge_order=1):
    """numpy.gradient, lazily: central differences inside, one-sided (edge_order 1 or 2) at the
    edges; spacings are numbers or 1-d coordinate arrays (a chunkarr one is computed here). One
    array per axis (a list when several), float (integer input becomes float64, as NumPy)."""
    f = _as_array(f)
    if edge_order not in (1, 2):
        raise ValueError("'edge_order' greater than 2 not supported")
    if f.dtype == np.bool_:
        raise TypeError("gradient of a bool array is not supported (NumPy cannot subtract bools)")
    if axis is None:
        axes = list(range(f.ndim))
    elif isinstance(axis, (numbers.Integral, np.integer)):
        axes = [_normalize_axis(axis, f.ndim)]
    else:
        axes = [_normalize_axis(ax, f.ndim) for ax in axis]
    if len(set(axes)) != len(axes):
        raise ValueError("duplicate value in 'axis'")
    otype = f.dtype if f.dtype.kind == "f" else np.dtype(np.float64)
    if f.dtype != otype:
        f = f.astype(otype)
    results = []
    for ax, dx in zip(axes, _spacings(f, axes, varargs)):
        if f.shape[ax] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")
        g = _gradient_axis(f, ax, dx, edge_order)
        results.append(g if g.dtype == otype else g.astype(otype))
    return results[0] if len(results) == 1 else results


# ---- comparisons and rounding: NumPy's own function on each block ------------------------------------
def isclose(arr1, arr2, rtol=1e-05, atol=1e-08, equal_nan=False) -> Array:
    """numpy.isclose, lazily (broadcasting the two arrays)."""
    a, b = broadcast_arrays(arr1, arr2)
    return map_blocks(np.isclose, a, b, rtol=rtol, atol=atol, equal_nan=equal_nan, dtype=bool, name="isclose")


def allclose(arr1, arr2, rtol=1e-05, atol=1e-08, equal_nan=False, **kwargs) -> Array:
    """Whether all of isclose(arr1, arr2): a lazy 0-d bool array, as Dask's (compute() or
    bool(....compute()) for the answer)."""
    return isclose(arr1, arr2, rtol, atol, equal_nan).all()


def round(a, decimals=0) -> Array:  # noqa: A001 (NumPy's name)
    """numpy.round, lazily, NumPy's semantics (half to even; integers with negative decimals;
    bools become float32, chunkarr's float16)."""
    a = _as_array(a)
    if a.dtype == np.bool_:
        if int(decimals) != 0:
            raise TypeError("round of a bool array needs decimals=0 (NumPy cannot cast the result back)")
        a = a.astype(np.float32)   # NumPy rounds bools as float16, which chunkarr holds as float32
    return map_blocks(np.round, a, decimals=int(decimals), dtype=a.dtype, name="round")


around = round


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None) -> Array:
    """numpy.nan_to_num, lazily (always a new lazy array: copy= has no effect)."""
    x = _as_array(x)
    np.nan_to_num(np.zeros(0, x.dtype), nan=nan, posinf=posinf, neginf=neginf)   # bad values fail here, not at compute
    return map_blocks(np.nan_to_num, x, nan=nan, posinf=posinf, neginf=neginf, dtype=x.dtype, name="nan_to_num")


# ---- statistics ------------------------------------------------------------------------------------
def count_nonzero(a, axis=None, keepdims=False) -> Array:
    """Number of values that are not zero (NaN counts), lazily, int64."""
    a = _as_array(a)
    return a.astype(bool).astype(np.int64).sum(axis=axis, keepdims=keepdims)


def ptp(a, axis=None, keepdims=False) -> Array:
    """max - min, lazily (integers wrap as in NumPy)."""
    a = _as_array(a)
    if a.dtype == np.bool_:
        raise TypeError("ptp is not defined for bool arrays (NumPy cannot subtract bools)")
    return a.max(axis=axis, keepdims=keepdims) - a.min(axis=axis, keepdims=keepdims)


def average(a, axis=None, weights=None, returned=False, keepdims=False):
    """numpy.average, lazily. Weights summing to zero give NaN/inf here (NumPy raises
    ZeroDivisionError, which needs the weights computed first)."""
    a = _as_array(a)
    if weights is None:
        avg = a.mean(axis=axis, keepdims=keepdims)
        count = a.size // max(avg.size, 1) if a.size else 0
        scale = broadcast_to(_as_array(np.asarray(count, dtype=avg.dtype)), avg.shape)
        return (avg, scale) if returned else avg
    w = _as_array(weights)
    if a.dtype.kind in "iub":
        result_dtype = np.result_type(a.dtype, w.dtype, "f8")
    else:
        result_dtype = np.result_type(a.dtype, w.dtype)
    if a.shape != w.shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        if w.ndim != 1:
            raise TypeError("1D weights expected when shapes of a and weights differ.")
        axis_n = _normalize_axis(axis, a.ndim)
        if w.shape[0] != a.shape[axis_n]:
            raise ValueError("Length of weights not compatible with specified axis.")
        w = broadcast_to(expand_dims(w, list(range(1, a.ndim - axis_n))) if axis_n < a.ndim - 1 else w, a.shape)
    w = w.astype(result_dtype)
    scale = w.sum(axis=axis, keepdims=keepdims)
    avg = (a.astype(result_dtype) * w).sum(axis=axis, keepdims=keepdims) / scale
    if returned:
        return avg, (scale if scale.shape == avg.shape else broadcast_to(scale, avg.shape))
    return avg


def _observations(m, y, rowvar):
    from ._manipulation import atleast_2d
    m = _as_array(m)
    if m.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    dtype = np.result_type(m.dtype, np.float64)
    X = atleast_2d(m)
    if not rowvar and X.shape[0] != 1:
        X = X.T
    if y is not None:
        y = _as_array(y)
        if y.ndim > 2:
            raise ValueError("y has more than 2 dimensions")
        dtype = np.result_type(dtype, y.dtype)
        Y = atleast_2d(y)
        if not rowvar and Y.shape[0] != 1:
            Y = Y.T
        X = concatenate([X, Y], axis=0)
    return X.astype(dtype)


def _centered_cov(X, bias, ddof):
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    if ddof is None:
        ddof = 0 if bias else 1
    fact = X.shape[1] - ddof
    centered = X - expand_dims(X.mean(axis=1), 1)
    return centered, float(fact)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None) -> Array:
    """numpy.cov (without fweights/aweights), lazily: rows are variables (rowvar=True)."""
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov fweights= and aweights= are not supported by chunkarr")
    X = _observations(m, y, rowvar)
    centered, fact = _centered_cov(X, bias, ddof)
    c = dot(centered, centered.T) / fact
    return c.squeeze() if 1 in c.shape else c


def corrcoef(x, y=None, rowvar=True) -> Array:
    """numpy.corrcoef, lazily, clipped to [-1, 1] as NumPy."""
    X = _observations(x, y, rowvar)
    centered, _ = _centered_cov(X, False, None)
    c = dot(centered, centered.T)
    std = np.sqrt((centered * centered).sum(axis=1))
    c = c / expand_dims(std, 1) / expand_dims(std, 0)
    c = clip(c, -1.0, 1.0)
    return c.squeeze() if 1 in c.shape else c


def trace(a, offset=0, axis1=0, axis2=1, dtype=None) -> Array:
    """Sum along a diagonal, lazily: the values off the diagonal are masked out, then summed."""
    a = _as_array(a)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    axis1, axis2 = _normalize_axis(axis1, a.ndim, "axis1"), _normalize_axis(axis2, a.ndim, "axis2")
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    a = moveaxis(moveaxis(a, axis1, -1), axis2 - (axis2 > axis1), -1)   # ... , axis1, axis2
    on_diagonal = eye(a.shape[-2], M=a.shape[-1], k=int(offset), dtype=bool, chunks=None)
    zero = a.dtype.type(0).item()
    return where(on_diagonal, a, zero).sum(axis=(-2, -1), dtype=dtype)


def outer(a, b) -> Array:
    return expand_dims(ravel(_as_array(a)), 1) * expand_dims(ravel(_as_array(b)), 0)


def result_type(*arrays_and_dtypes) -> np.dtype:
    """numpy.result_type with chunkarr arrays taken by their dtype (0-d ones as NumPy's 0-d)."""
    return np.result_type(*[(np.empty((0,) * max(x.ndim, 1), x.dtype) if x.ndim else np.zeros((), x.dtype))
                            if isinstance(x, Array) else x for x in arrays_and_dtypes])


# ---- binning and membership ------------------------------------------------------------------------
def digitize(a, bins, right=False) -> Array:
    """numpy.digitize of a lazy array against NumPy bins, lazily (int64)."""
    bins = np.asarray(bins)
    np.digitize(np.zeros(0, bins.dtype if bins.dtype.kind in "iuf" else float), bins)   # 1-d, monotonic: checked here
    return map_blocks(np.digitize, _as_array(a), bins=bins, right=right, dtype=np.intp, name="digitize")


def searchsorted(a, v, side="left", sorter=None) -> Array:
    """numpy.searchsorted: where in the sorted NumPy array `a` the values of the lazy `v` go,
    lazily (int64)."""
    if isinstance(a, Array):
        a = a.compute()   # the sorted array is needed whole by every block
    a = np.asarray(a)
    if a.ndim != 1:
        raise ValueError("searchsorted: the sorted array must be 1-d")
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right' (got {side!r})")

    def positions(block):
        return np.searchsorted(a, block, side=side, sorter=sorter)

    return map_blocks(positions, _as_array(v), dtype=np.intp, name="searchsorted")


def isin(element, test_elements, assume_unique=False, invert=False) -> Array:
    """numpy.isin, lazily in `element`; test_elements is a NumPy array (a chunkarr one is
    computed here)."""
    if isinstance(test_elements, Array):
        test_elements = test_elements.compute()
    test_elements = np.asarray(test_elements)
    return map_blocks(np.isin, _as_array(element), test_elements=test_elements, assume_unique=assume_unique,
                      invert=invert, dtype=bool, name="isin")


def bincount(x, weights=None, minlength=0, split_every=None) -> Array:
    """numpy.bincount, lazily: each block counts into `minlength` bins, the counts are summed.
    Without minlength (as Dask wants it) the length is NumPy's, max(x) + 1: that maximum is
    computed here (one pass over x). A value >= minlength then fails at compute()."""
    x = _as_array(x)
    if x.ndim != 1:
        raise ValueError("object too deep for desired array: bincount needs a 1-d array")
    if x.dtype.kind not in "iub":
        raise TypeError(f"Cannot cast array data from dtype('{x.dtype}') to dtype('int64') according to the "
                        "rule 'safe'")
    minlength = int(minlength or 0)
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    if minlength == 0 and x.size:
        low, high = (int(v) for v in np.asarray(
            _wrap(_core.stack([x.min()._core, x.max()._core], 0)).compute()))
        if low < 0:
            raise ValueError("'list' argument must have no negative elements")
        minlength = high + 1
    length = minlength
    arrays = [x] if weights is None else [x, _as_array(weights).astype(np.float64).rechunk(x.chunks)]
    dtype = np.intp if weights is None else np.float64

    def counts(block, w=None):   # blocks of shape (n, 1): x with an axis for the bins
        block, w = block[:, 0], None if w is None else w[:, 0]
        if block.size and block.max() >= length:
            raise ValueError(f"bincount: value {block.max()} is not below minlength={length}")
        return np.bincount(block, w, minlength=length)[None, :]

    if x.size == 0:
        from ._creation import zeros
        return zeros((length,), dtype=dtype)
    x2 = [expand_dims(a, 1) for a in arrays]
    per_block = map_blocks(counts, *x2, dtype=dtype, chunks=((1,) * x.numblocks[0], (length,)), name="bincount")
    return per_block.sum(axis=0).astype(dtype)


def _sample_columns(sample) -> list:
    """histogramdd's sample as its D columns: an (N, D) array (1-d: D = 1) or a sequence of D
    1-d arrays of one length; all rechunked like the first, for map_blocks."""
    if isinstance(sample, (list, tuple)):
        columns = [_as_array(c) for c in sample]
    else:
        sample = _as_array(sample)
        if sample.ndim > 2:
            raise ValueError(f"histogramdd needs an (N, D) sample or a sequence of D 1-d arrays, got shape "
                             f"{sample.shape}")
        columns = [sample] if sample.ndim == 1 else [sample[:, d] for d in range(sample.shape[1])]
    if not columns or any(c.ndim != 1 for c in columns) or len({c.shape for c in columns}) != 1:
        raise ValueError("histogramdd needs D 1-d arrays of one length (or an (N, D) array) as its sample")
    return [c if c.chunks == columns[0].chunks else c.rechunk(columns[0].chunks) for c in columns]


def histogramdd(sample, bins=10, range=None, normed=None, weights=None, density=None):  # noqa: A002
    """numpy.histogramdd: (counts, edges), the counts lazy (float64, as NumPy's): each block counts
    into the bins with NumPy's histogramdd, the counts are summed. Equal bins need the data's
    min and max where `range` leaves them open: those are computed here (one pass), as NumPy's
    edges from them. The edges come back as chunkarr arrays."""
    if normed is not None:
        raise TypeError("histogramdd: normed= was removed from NumPy; use density=")
    columns = _sample_columns(sample)
    dims = len(columns)
    dtype = np.result_type(*[c.dtype for c in columns])
    # NumPy's own edges (and its errors for bad bins/range) from a stand-in sample holding each
    # column's extremes: its edges depend on nothing else.
    open_range = range is None or any(r is None for r in range)
    if open_range and columns[0].size:
        extremes = _wrap(_core.stack([m._core for c in columns for m in (c.min(), c.max())], 0)).compute()
        stand_in = np.asarray(extremes, dtype=dtype).reshape(dims, 2).T
    else:
        stand_in = np.zeros((0, dims), dtype=dtype)
    _, edges = np.histogramdd(stand_in, bins=bins, range=range)
    shape = tuple(len(e) - 1 for e in edges)
    arrays = columns if weights is None else columns + [_as_array(weights).astype(np.float64)]
    if len(arrays) > dims and arrays[-1].shape != columns[0].shape:
        raise ValueError(f"histogramdd weights of shape {arrays[-1].shape} do not match the sample's "
                         f"{columns[0].shape}")
    arrays = [a if a.chunks == columns[0].chunks else a.rechunk(columns[0].chunks) for a in arrays]

    def counts(*blocks):   # blocks of shape (n, 1, ..., 1): a column with an axis per bin axis
        flat = [b.reshape(-1) for b in blocks]
        w = flat[dims] if len(flat) > dims else None
        return np.histogramdd(np.stack(flat[:dims], axis=1), bins=edges, weights=w)[0][None]

    if columns[0].size == 0:
        from ._creation import zeros
        hist = zeros(shape, dtype=np.float64)
    else:
        per_block = map_blocks(counts, *[expand_dims(a, list(builtins.range(1, dims + 1))) for a in arrays],
                               dtype=np.float64, chunks=((1,) * columns[0].numblocks[0],) + tuple((n,) for n in shape),
                               name="histogramdd")
        hist = per_block.sum(axis=0)
    if density:   # as NumPy: counts / each bin's volume / the total count
        total = hist.sum()
        for d, e in enumerate(edges):
            hist = hist / np.diff(e).reshape((1,) * d + (-1,) + (1,) * (dims - d - 1))
        hist = hist / total
    from ._creation import from_array
    return hist, [from_array(np.asarray(e)) for e in edges]


def histogram2d(x, y, bins=10, range=None, normed=None, weights=None, density=None):  # noqa: A002
    """numpy.histogram2d: (counts, xedges, yedges) as histogramdd's."""
    try:
        n = len(bins)
    except TypeError:
        n = 1
    if n not in (1, 2):   # NumPy's rule: one sequence of edges for both axes
        bins = [np.asarray(bins)] * 2
    hist, edges = histogramdd([x, y], bins, range, normed, weights, density)
    return hist, edges[0], edges[1]


# ---- small elementwise functions Dask has beside the ufuncs ------------------------------------------
def isposinf(x) -> Array:
    return np.isinf(_as_array(x)) & ~np.signbit(_as_array(x))


def isneginf(x) -> Array:
    return np.isinf(_as_array(x)) & np.signbit(_as_array(x))


def isnull(values) -> Array:
    """Missing values (NaN), as Dask's isnull for numbers."""
    return np.isnan(_as_array(values)) if _as_array(values).dtype.kind == "f" else zeros_like(values, dtype=bool)


def notnull(values) -> Array:
    return ~isnull(values)


def fix(x) -> Array:
    """Round toward zero (NumPy's fix), keeping the float type."""
    return np.trunc(_as_array(x))


def real(val) -> Array:
    return _as_array(val)   # chunkarr holds real numbers only


def imag(val) -> Array:
    return zeros_like(val)


def angle(z, deg=False) -> Array:
    """The argument of real numbers: pi (180) for negative ones, else 0 (NumPy's angle)."""
    x = _as_array(z)
    return np.arctan2(zeros_like(x, dtype=np.float32 if x.dtype == np.float32 else np.float64), x) * (
        180 / np.pi if deg else 1)


def iscomplex(x) -> Array:
    return zeros_like(x, dtype=bool)   # chunkarr holds real numbers only


def isreal(x) -> Array:
    return ~iscomplex(x)


def sinc(x) -> Array:
    """NumPy's sinc, sin(pi x) / (pi x) with sinc(0) = 1."""
    return map_blocks(np.sinc, _as_array(x), name="sinc")


def i0(x) -> Array:
    """The modified Bessel function of order 0 (NumPy's i0), per block."""
    return map_blocks(np.i0, _as_array(x), name="i0")


def vdot(a, b) -> Array:
    """The dot product of the flattened arrays (real numbers: no conjugate), lazily."""
    return dot(ravel(_as_array(a)), ravel(_as_array(b)))


def select(condlist, choicelist, default=0) -> Array:
    """NumPy's select: the first choice whose condition holds, else `default`; lazily, as nested
    where (the last condition innermost, so the first one wins)."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    result = _as_array(default) if not np.isscalar(default) else default
    for condition, choice in reversed(list(zip(condlist, choicelist))):
        result = where(condition, choice, result)
    return _as_array(result)


def piecewise(x, condlist, funclist, *args, **kw) -> Array:
    """NumPy's piecewise, lazily: each function runs block by block on x (so it must be
    elementwise, as NumPy's use of it on x[cond] assumes); a later condition wins where several
    hold; one extra function is the default."""
    x = _as_array(x)
    conds = [condlist] if not isinstance(condlist, (list, tuple)) else list(condlist)
    if len(funclist) not in (len(conds), len(conds) + 1):
        raise ValueError(f"with {len(conds)} condition(s), either {len(conds)} or {len(conds) + 1} functions are "
                         f"expected")

    def value(f):
        return map_blocks(lambda b: np.asarray(f(b, *args, **kw), dtype=x.dtype), x, dtype=x.dtype,
                          name="piecewise") if callable(f) else f
    result = value(funclist[-1]) if len(funclist) > len(conds) else zeros_like(x)
    for condition, f in zip(conds, funclist):
        result = where(condition, value(f), result)
    return _as_array(result).astype(x.dtype)


def apply_over_axes(func, a, axes) -> Array:
    """NumPy's apply_over_axes: func(a, axis) for each axis in turn, the axis kept (length 1)."""
    a = _as_array(a)
    for axis in np.atleast_1d(axes):
        axis = int(axis) % a.ndim
        result = func(a, axis)
        a = result if result.ndim == a.ndim else expand_dims(result, axis)
    return a


def ravel_multi_index(multi_index, dims, mode="raise", order="C") -> Array:
    """NumPy's ravel_multi_index, lazily (elementwise arithmetic). mode='raise' cannot be checked
    lazily: check the bounds first if they may be wrong; 'clip' and 'wrap' as NumPy."""
    dims = tuple(int(d) for d in dims)
    strides = np.cumprod((1,) + dims[::-1][:-1])[::-1] if order == "C" else np.cumprod((1,) + dims[:-1])
    modes = mode if isinstance(mode, (list, tuple)) else [mode] * len(dims)
    flat = None
    for index, n, stride, m in zip(multi_index, dims, strides, modes):
        i = _as_array(index).astype(np.int64)
        i = np.clip(i, 0, n - 1) if m == "clip" else i % n if m == "wrap" else i
        flat = i * int(stride) if flat is None else flat + i * int(stride)
    return flat


def unravel_index(indices, shape, order="C") -> tuple:
    """NumPy's unravel_index, lazily: one int64 array per dimension."""
    shape = tuple(int(d) for d in shape)
    i = _as_array(indices).astype(np.int64)
    strides = np.cumprod((1,) + shape[::-1][:-1])[::-1] if order == "C" else np.cumprod((1,) + shape[:-1])
    return tuple((i // int(s)) % n for s, n in zip(strides, shape))


def ediff1d(ary, to_end=None, to_begin=None) -> Array:
    """Differences of the flattened array, with values put before and after (NumPy's ediff1d)."""
    flat = ravel(_as_array(ary))
    parts = [] if to_begin is None else [ravel(_as_array(to_begin)).astype(flat.dtype)]
    parts.append(flat[1:] - flat[:-1])
    if to_end is not None:
        parts.append(ravel(_as_array(to_end)).astype(flat.dtype))
    return concatenate(parts, 0) if len(parts) > 1 else parts[0]


# ---- running sums that skip NaN --------------------------------------------------------------------
def _nan_as(a: Array, value) -> Array:
    return a if a.dtype.kind != "f" else where(a != a, value, a)


def nancumsum(x, axis=None, dtype=None, out=None, *, method="sequential") -> Array:
    no_out(out)
    return _scan(_core.cumsum, _nan_as(_as_array(x), 0.0), axis, dtype)


def nancumprod(x, axis=None, dtype=None, out=None, *, method="sequential") -> Array:
    no_out(out)
    return _scan(_core.cumprod, _nan_as(_as_array(x), 1.0), axis, dtype)


# ---- blockwise helpers ---------------------------------------------------------------------------
def coarsen(reduction, x, axes, trim_excess=False, **kwargs) -> Array:
    """Dask's coarsen: `reduction` (np.sum, np.mean, ...) over non-overlapping windows of
    axes[axis] elements, lazily. Axes whose length is not a multiple of the window need
    trim_excess=True (the excess is dropped from the end)."""
    x = _as_array(x)
    factors = {_normalize_axis(ax, x.ndim): int(f) for ax, f in axes.items()}
    if any(f < 1 for f in factors.values()):
        raise ValueError("coarsen factors must be positive")
    index = [slice(None)] * x.ndim
    for ax, f in factors.items():
        excess = x.shape[ax] % f
        if excess and not trim_excess:
            raise ValueError(f"Coarsening factor does not align with block dimensions: axis {ax} of length "
                             f"{x.shape[ax]} is not a multiple of {f} (use trim_excess=True)")
        index[ax] = slice(0, x.shape[ax] - excess)
    x = x[tuple(index)]
    # Chunks that are whole windows: each block then reduces on its own.
    chunks = []
    for ax in range(x.ndim):
        f = factors.get(ax, 1)
        size = max(f, (max(x.chunks[ax], default=f) // f) * f)
        n = x.shape[ax]
        chunks.append(tuple([size] * (n // size) + ([n % size] if n % size else [])) if f > 1 else x.chunks[ax])
    x = x.rechunk(tuple(chunks))

    def window_reduce(block):
        shape, reduce_axes = [], []
        for ax, n in enumerate(block.shape):
            f = factors.get(ax, 1)
            shape += [n // f, f]
            reduce_axes.append(2 * ax + 1)
        return reduction(block.reshape(shape), axis=tuple(reduce_axes), **kwargs)

    sample = np.zeros([factors.get(ax, 1) for ax in range(x.ndim)], dtype=x.dtype)
    dtype = np.asarray(window_reduce(sample)).dtype
    out_chunks = tuple(tuple(c // factors.get(ax, 1) for c in x.chunks[ax]) for ax in range(x.ndim))
    return map_blocks(window_reduce, x, dtype=dtype, chunks=out_chunks, name="coarsen")


def apply_along_axis(func1d, axis, arr, *args, dtype=None, shape=None, **kwargs) -> Array:
    """Dask's apply_along_axis: func1d on every 1-d slice along axis, lazily (the axis is made one
    chunk, so each slice is in one block). The result's shape and dtype come from calling func1d
    on a 1-d array of ones (or from shape=/dtype=), as Dask."""
    arr = _as_array(arr)
    axis = _normalize_axis(axis, arr.ndim)
    if shape is None or dtype is None:
        test = np.asarray(func1d(np.ones(arr.shape[axis], dtype=arr.dtype), *args, **kwargs))
        shape = test.shape if shape is None else tuple(shape)
        dtype = test.dtype if dtype is None else dtype
    shape = tuple(shape)
    # map_blocks keeps the number of axes: the axis becomes len(shape) axes (one, of length 1,
    # when func1d returns a number), which are added before and reshaped after.
    x = arr.rechunk({axis: -1})
    if len(shape) > 1:
        x = expand_dims(x, list(range(axis + 1, axis + len(shape))))

    def apply(block):
        moved = block.reshape(block.shape[:axis] + (-1,) + block.shape[axis + max(len(shape), 1):])
        out = np.apply_along_axis(func1d, axis, moved, *args, **kwargs)
        return out.reshape(block.shape[:axis] + (shape or (1,)) + block.shape[axis + max(len(shape), 1):])

    axis_chunks = tuple((n,) for n in (shape or (1,)))
    chunks = x.chunks[:axis] + axis_chunks + x.chunks[axis + max(len(shape), 1):]
    out = map_blocks(apply, x, dtype=dtype, chunks=chunks, name=getattr(func1d, "__name__", "apply_along_axis"))
    return out.squeeze(axis) if not shape else out


ARRAY_FUNCTIONS = {
    np.diff: diff, np.gradient: gradient, np.isclose: isclose, np.allclose: allclose,
    np.around: lambda a, decimals=0, out=None: no_out(out) or round(a, decimals),
    np.round: lambda a, decimals=0, out=None: no_out(out) or round(a, decimals),
    np.nan_to_num: nan_to_num, np.result_type: result_type, np.count_nonzero: count_nonzero,
    np.ptp: lambda a, axis=None, out=None, keepdims=False: no_out(out) or ptp(a, axis, keepdims),
    np.average: average, np.cov: lambda m, y=None, rowvar=True, bias=False, ddof=None, fweights=None,
    aweights=None, **kw: cov(m, y, rowvar, bias, ddof, fweights, aweights),
    np.corrcoef: lambda x, y=None, rowvar=True, **kw: corrcoef(x, y, rowvar),
    np.trace: lambda a, offset=0, axis1=0, axis2=1, dtype=None, out=None: no_out(out) or trace(
        a, offset, axis1, axis2, dtype),
    np.outer: lambda a, b, out=None: no_out(out) or outer(a, b),
    np.digitize: digitize, np.searchsorted: searchsorted, np.isin: isin, np.bincount: bincount,
    np.nancumsum: nancumsum, np.nancumprod: nancumprod, np.apply_along_axis: apply_along_axis,
    np.histogramdd: histogramdd, np.histogram2d: histogram2d,
    np.isposinf: lambda x, out=None: no_out(out) or isposinf(x),
    np.isneginf: lambda x, out=None: no_out(out) or isneginf(x),
    np.fix: lambda x, out=None: no_out(out) or fix(x), np.real: real, np.imag: imag, np.ediff1d: ediff1d,
    np.angle: angle, np.iscomplex: iscomplex, np.isreal: isreal, np.sinc: sinc, np.i0: i0, np.vdot: vdot,
    np.select: select, np.piecewise: piecewise, np.apply_over_axes: apply_over_axes,
    np.ravel_multi_index: ravel_multi_index, np.unravel_index: unravel_index,
}
if hasattr(np, "round_"):
    ARRAY_FUNCTIONS[np.round_] = ARRAY_FUNCTIONS[np.around]
