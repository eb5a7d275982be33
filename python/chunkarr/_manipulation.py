"""Rearranging arrays, NumPy's names: stacking (vstack, hstack, dstack, block), swapaxes, roll,
tile, pad, atleast_1d/2d/3d, tril/triu, broadcast_arrays. All lazy, built from slices,
concatenate, expand_dims, broadcast_to and where: no element is copied until computed."""
from __future__ import annotations

import numbers

import numpy as np

from ._array import Array
from ._creation import _as_array, full, tri
from ._routines import broadcast_to, concatenate, expand_dims, ravel, reshape, where


def _along(axis: int, ndim: int, index) -> tuple:
    """An index tuple that applies `index` (a slice) on `axis` only."""
    return (slice(None),) * axis + (index,)


def _normalize_axis(axis, ndim: int, name: str = "axis") -> int:
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise np.AxisError(f"{name} {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


# ---- atleast_nd and stacking -------------------------------------------------------------------
def _atleast(arrays, ndim: int, where_new):
    out = []
    for a in arrays:
        a = _as_array(a)
        if a.ndim < ndim:
            a = expand_dims(a, where_new(a.ndim))
        out.append(a)
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys):
    return _atleast(arys, 1, lambda n: [0])


def atleast_2d(*arys):
    """NumPy's: a 1-d array of N becomes (1, N)."""
    return _atleast(arys, 2, lambda n: [0] if n == 1 else [0, 1])


def atleast_3d(*arys):
    """NumPy's: (N,) becomes (1, N, 1), (M, N) becomes (M, N, 1)."""
    return _atleast(arys, 3, lambda n: {0: [0, 1, 2], 1: [0, 2], 2: [2]}[n])


def _as_list(tup, name):
    if isinstance(tup, Array) or not hasattr(tup, "__iter__"):
        raise TypeError(f"{name} takes a sequence of arrays")
    arrays = list(tup)
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    return arrays


def vstack(tup, allow_unknown_chunksizes=False) -> Array:
    arrays = atleast_2d(*_as_list(tup, "vstack"))
    return concatenate(arrays if isinstance(arrays, list) else [arrays], axis=0)


def hstack(tup, allow_unknown_chunksizes=False) -> Array:
    arrays = atleast_1d(*_as_list(tup, "hstack"))
    arrays = arrays if isinstance(arrays, list) else [arrays]
    return concatenate(arrays, axis=0 if arrays[0].ndim == 1 else 1)


def dstack(tup, allow_unknown_chunksizes=False) -> Array:
    arrays = atleast_3d(*_as_list(tup, "dstack"))
    return concatenate(arrays if isinstance(arrays, list) else [arrays], axis=2)


def _block_depth(arrays, path=()):
    """Depth of list nesting (NumPy's rules: lists only, every branch the same depth)."""
    if isinstance(arrays, tuple):
        raise TypeError(f"block: arrays{''.join(f'[{i}]' for i in path)} is a tuple; only lists can be used "
                        "to arrange blocks")
    if not isinstance(arrays, list):
        return 0, max(np.ndim(arrays), 0) if not isinstance(arrays, Array) else arrays.ndim
    if not arrays:
        raise ValueError(f"block: arrays{''.join(f'[{i}]' for i in path)} is an empty list")
    depths = [_block_depth(item, path + (i,)) for i, item in enumerate(arrays)]
    if len({d for d, _ in depths}) != 1:
        raise ValueError("block: list depths are mismatched")
    return depths[0][0] + 1, max(n for _, n in depths)


def block(arrays, allow_unknown_chunksizes=False) -> Array:
    """numpy.block: nested lists of arrays; the innermost lists are joined along the last axis,
    the next ones along the second-to-last, and so on (arrays get leading axes to match)."""
    depth, max_ndim = _block_depth(arrays)
    ndim = max(depth, max_ndim)

    def assemble(item, level):
        if not isinstance(item, list):
            a = _as_array(item)
            return a if a.ndim == ndim else expand_dims(a, list(range(ndim - a.ndim)))
        return concatenate([assemble(x, level + 1) for x in item], axis=ndim - depth + level)

    return assemble(arrays, 0)


# ---- axes ------------------------------------------------------------------------------------------
def swapaxes(a, axis1: int, axis2: int) -> Array:
    a = _as_array(a)
    axis1, axis2 = _normalize_axis(axis1, a.ndim, "axis1"), _normalize_axis(axis2, a.ndim, "axis2")
    order = list(range(a.ndim))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return a.transpose(*order)


def roll(array, shift, axis=None) -> Array:
    """numpy.roll, lazily: the two pieces of each rolled axis are concatenated in swapped order.
    axis=None rolls the flattened array and restores the shape."""
    a = _as_array(array)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.shape)
    pairs = np.broadcast(shift, axis)
    if pairs.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    total = {}
    for s, ax in pairs:
        if not isinstance(s, (numbers.Integral, np.integer)):
            raise TypeError(f"roll: shift must be integers, got {s!r}")
        ax = _normalize_axis(ax, a.ndim)
        total[ax] = total.get(ax, 0) + int(s)
    for ax, s in total.items():
        n = a.shape[ax]
        s = s % n if n else 0
        if s:
            a = concatenate([a[_along(ax, a.ndim, slice(n - s, n))], a[_along(ax, a.ndim, slice(0, n - s))]], ax)
    return a


def tile(A, reps) -> Array:
    """numpy.tile, lazily: each axis is the array concatenated `reps` times along it."""
    a = _as_array(A)
    reps = (int(reps),) if isinstance(reps, (numbers.Integral, np.integer)) else tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: negative repetitions {reps}")
    if a.ndim < len(reps):
        a = expand_dims(a, list(range(len(reps) - a.ndim)))
    reps = (1,) * (a.ndim - len(reps)) + reps
    for ax, r in enumerate(reps):
        if r == 0:
            a = a[_along(ax, a.ndim, slice(0, 0))]
        elif r > 1:
            a = concatenate([a] * r, ax)
    return a


def broadcast_arrays(*args, subok=False) -> list:
    arrays = [_as_array(a) for a in args]
    shape = np.broadcast_shapes(*[a.shape for a in arrays])
    return [a if a.shape == shape else broadcast_to(a, shape) for a in arrays]


# ---- pad -------------------------------------------------------------------------------------------
def _gather(a: Array, axis: int, index: np.ndarray) -> Array:
    """a's elements at `index` (non-negative ints) along `axis`, as slices of a joined: runs of
    consecutive indices are one slice each, the rest (mirrored edges, small) one slice per element."""
    pieces, start = [], 0
    while start < len(index):
        stop = start + 1
        while stop < len(index) and index[stop] == index[stop - 1] + 1:
            stop += 1
        pieces.append(a[_along(axis, a.ndim, slice(int(index[start]), int(index[stop - 1]) + 1))])
        start = stop
    if len(pieces) == 1:
        return pieces[0]
    return concatenate(pieces, axis)


_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


def pad(array, pad_width, mode="constant", **kwargs) -> Array:
    """numpy.pad, lazily, modes 'constant' (constant_values=), 'edge', 'reflect', 'symmetric'
    and 'wrap' (reflect_type='even'). Pad widths as NumPy takes them: an int, (before, after),
    or one pair per axis. Padding is made of slices of the array (mirrored edges one element per
    slice, so keep reflect/symmetric widths small) joined with concatenate."""
    a = _as_array(array)
    if callable(mode) or mode not in ("constant",) + _INDEX_MODES:
        raise NotImplementedError(f"pad mode {mode!r} is not supported by chunkarr (constant, edge, reflect, "
                                  "symmetric, wrap are)")
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu" and widths.size:
        raise TypeError("`pad_width` must be of integral type.")
    if widths.size and widths.min() < 0:
        raise ValueError("index can't contain negative values")
    try:
        widths = np.broadcast_to(widths.astype(np.int64), (a.ndim, 2))
    except ValueError:
        raise ValueError(f"pad_width {pad_width!r} cannot be broadcast to ({a.ndim}, 2)") from None
    if mode == "constant":
        unknown = set(kwargs) - {"constant_values"}
        values = np.broadcast_to(np.asarray(kwargs.get("constant_values", 0)), (a.ndim, 2))
    else:
        unknown = set(kwargs) - ({"reflect_type"} if mode in ("reflect", "symmetric") else set())
        if kwargs.get("reflect_type", "even") != "even":
            raise NotImplementedError("pad reflect_type='odd' is not supported by chunkarr")
    if unknown:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {sorted(unknown)}")
    for axis in range(a.ndim):
        before, after = (int(w) for w in widths[axis])
        if before == 0 and after == 0:
            continue
        if mode == "constant":
            parts = []
            for width, value in ((before, values[axis][0]), (after, values[axis][1])):
                shape = a.shape[:axis] + (width,) + a.shape[axis + 1:]
                parts.append(full(shape, value, dtype=a.dtype) if width else None)
            a = concatenate([p for p in (parts[0], a, parts[1]) if p is not None], axis)
        else:
            if a.shape[axis] == 0:
                raise ValueError(f"can't extend empty axis {axis} using modes other than 'constant' or 'empty'")
            # NumPy's own 1-d pad of 0..n-1 says which element lands where.
            index = np.pad(np.arange(a.shape[axis]), (before, after), mode=mode)
            a = _gather(a, axis, index)
    return a


# ---- triangles -------------------------------------------------------------------------------------
def _triangle(m, k, lower: bool) -> Array:
    m = _as_array(m)
    if m.ndim < 1:
        raise ValueError("tril/triu need an array of at least 1 dimension")
    rows, cols = (m.shape[-2], m.shape[-1]) if m.ndim >= 2 else (m.shape[-1], m.shape[-1])
    keep = tri(rows, cols, k=int(k) if lower else int(k) - 1, dtype=bool)
    zero = m.dtype.type(0).item()   # a Python number: a weak scalar, m's dtype is kept
    return where(keep, m, zero) if lower else where(keep, zero, m)


def tril(m, k=0) -> Array:
    """Lower triangle of the last two axes (the rest zero), lazily."""
    return _triangle(m, k, True)


def triu(m, k=0) -> Array:
    """Upper triangle of the last two axes (the rest zero), lazily."""
    return _triangle(m, k, False)


def _np_pad(array, pad_width, mode="constant", **kwargs):
    return pad(array, pad_width, mode, **kwargs)


ARRAY_FUNCTIONS = {
    np.atleast_1d: atleast_1d, np.atleast_2d: atleast_2d, np.atleast_3d: atleast_3d,
    np.vstack: lambda tup, **kw: vstack(tup), np.hstack: lambda tup, **kw: hstack(tup),
    np.dstack: dstack, np.block: block, np.swapaxes: swapaxes, np.roll: roll, np.tile: tile,
    np.broadcast_arrays: broadcast_arrays, np.pad: _np_pad, np.tril: tril, np.triu: triu,
}
