"""Indexing as NumPy's, lazily: x[...] (basic slices with any step, None, Ellipsis, an integer
array on one axis, boolean masks), x.vindex[...] (point-wise), x.blocks[...], and the functions
of the family: take, flip, flipud, fliplr, rot90, repeat, diagonal, diag.

Every selection is a slice (the engine's Slice) followed by gathers along one axis (the engine's
Take: python/src/bind_array.cpp, src/graph/ops/take.*), so nothing is read until compute().
Index arrays are NumPy arrays; a chunkarr array used as an index (an integer array or a boolean
mask) is computed first, in a pass of its own, so that the result's shape is exact."""
from __future__ import annotations

import numbers

import numpy as np

from . import _chunkarr as _core
from ._array import Array, _wrap
from ._out import no_out

_VALID = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays "
          "are valid indices")


# ---- the index, item by item -------------------------------------------------------------------
def _index_item(item):
    """One entry of an index as int, slice, None, Ellipsis or a NumPy int/bool array of >= 1 dim.
    A chunkarr array is computed here (indices must be known to know the result's shape)."""
    if item is None or item is Ellipsis or isinstance(item, slice):
        return item
    if isinstance(item, (bool, np.bool_)):
        raise NotImplementedError("a boolean scalar as an index is not supported by chunkarr (use None and a slice)")
    if isinstance(item, (numbers.Integral, np.integer)):
        return int(item)
    if isinstance(item, Array):
        item = np.asarray(item.compute())   # a 0-d result is a NumPy scalar
    if isinstance(item, (list, tuple, np.ndarray)):
        values = np.asarray(item)
        if values.size == 0 and values.dtype.kind == "f":
            values = values.astype(np.intp)   # NumPy reads [] as an empty integer index
        if values.dtype.kind not in "iub":
            raise IndexError(f"arrays used as indices must be of integer (or boolean) type, not {values.dtype}")
        if values.ndim == 0:
            if values.dtype.kind == "b":
                raise NotImplementedError("a 0-d boolean index is not supported by chunkarr")
            return int(values)
        return values
    raise IndexError(f"{_VALID}; got {type(item).__name__}")


def _consumed(item) -> int:
    """How many axes of the array an index entry uses."""
    if item is None:
        return 0
    if isinstance(item, np.ndarray) and item.dtype.kind == "b":
        return item.ndim
    return 1


def _expand(index, ndim: int) -> tuple[list, list]:
    """The index with Ellipsis (or the missing trailing axes) spelled out as full slices, and
    each entry's position in the index as written (the Ellipsis's for its slices): NumPy decides
    where the array axes go by that (an Ellipsis separates, even one of no axes)."""
    items = [_index_item(i) for i in (index if isinstance(index, tuple) else (index,))]
    ellipses = sum(i is Ellipsis for i in items)
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(_consumed(i) for i in items if i is not Ellipsis)
    if used > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but {used} were indexed")
    at = next((k for k, i in enumerate(items) if i is Ellipsis), len(items))   # not ==: arrays compare per element
    fill = ndim - used
    origin = [*range(at), *[at] * fill, *range(at + 1, len(items))]
    return items[:at] + [slice(None)] * fill + items[at + 1:], origin


def _side_by_side(positions: list) -> bool:
    return positions == list(range(positions[0], positions[0] + len(positions)))


def _bounds(indices: np.ndarray, axis: int, size: int) -> np.ndarray:
    """Integer indices with negatives resolved; IndexError naming axis and size if any is outside."""
    indices = indices.astype(np.int64, copy=False)
    bad = (indices < -size) | (indices >= size)
    if bad.any():
        raise IndexError(f"index {int(indices[bad].flat[0])} is out of bounds for axis {axis} with size {size}")
    return np.where(indices < 0, indices + size, indices)


def _merge_masks(x: Array, items: list):
    """Boolean masks as flat integer indices (NumPy: a k-d mask is its nonzero() positions): the k
    axes it covers are first merged into one (a lazy reshape), the mask's True positions on it."""
    axis = 0
    result = []
    for item in items:
        if isinstance(item, np.ndarray) and item.dtype.kind == "b":
            covered = x.shape[axis:axis + item.ndim]
            # NumPy lets an empty mask select nothing from axes of any length: (2, 3) by (0, 3).
            empty_on_empty = item.size == 0
            for d, (n, m) in enumerate(zip(covered, item.shape)):
                if n != m and not empty_on_empty:
                    raise IndexError(f"boolean index did not match indexed array along dimension {axis + d}; "
                                     f"dimension is {n} but corresponding boolean dimension is {m}")
            if item.ndim > 1:
                merged = x.shape[:axis] + (int(np.prod(covered)),) + x.shape[axis + item.ndim:]
                x = x.reshape(merged)
            result.append(np.flatnonzero(item))
            axis += 1
        else:
            result.append(item)
            axis += _consumed(item)
    return x, result


def _as_slice(item: slice, size: int):
    """A slice as one with a positive step over the same elements, and whether to reverse them."""
    start, stop, step = item.indices(size)   # ValueError for a zero step, as NumPy
    if step > 0:
        return slice(start, stop, step), False
    selected = range(start, stop, step)
    if len(selected) == 0:
        return slice(0, 0), False
    return slice(selected[-1], selected[0] + 1, -step), True


def _reverse(x: Array, axis: int) -> Array:
    n = x.shape[axis]
    return _wrap(_core.take(x._core, np.arange(n - 1, -1, -1, dtype=np.int64), axis))


# ---- x[index] ------------------------------------------------------------------------------------
def _lone_boolean(index):
    """The value of an index that is one 0-d boolean (computed if a chunkarr array), else None."""
    item = index[0] if isinstance(index, tuple) and len(index) == 1 else index
    if isinstance(item, (bool, np.bool_)):
        return bool(item)
    if isinstance(item, (Array, np.ndarray)) and item.ndim == 0 and item.dtype == np.bool_:
        return bool(item)
    return None


def getitem(x: Array, index) -> Array:
    """NumPy's indexing, lazily: integers, slices with any step, None, Ellipsis, one integer array
    (a list, a NumPy or a chunkarr array, of any number of dimensions; negative and repeated
    entries as NumPy) and boolean masks of the shape of the axes they cover (x[mask],
    x[:, m], x[mask2d, :]). A chunkarr index is computed first (its own pass) so that the
    result's shape is exact (Dask leaves it unknown); then the selection itself is lazy. That
    pass holds the mask in memory (one byte per element it covers) and the graph holds the
    positions it selects (8 bytes each). Integer arrays on several axes are NumPy's vectorised
    indexing (x[[0, 1], [2, 3]] is [x[0, 2], x[1, 3]]; np.ix_ gives the outer product), as
    x.vindex[...] (Dask refuses these in x[...]). A lone 0-d boolean (True, False, a 0-d mask)
    adds an axis of length 1 or 0, as NumPy's."""
    flag = _lone_boolean(index)
    if flag is not None:
        return getitem(x, None)[:int(flag)]
    items, origin = _expand(index, x.ndim)
    arrays = [i for i in items if isinstance(i, np.ndarray)]
    if len(arrays) > 1 and not any(a.dtype.kind == "b" for a in arrays):
        return vindex(x, index)
    x, items = _merge_masks(x, items)
    arrays = [k for k, i in enumerate(items) if isinstance(i, np.ndarray)]
    if len(arrays) > 1:
        raise NotImplementedError("chunkarr does not mix a boolean mask with other index arrays in one x[...]; "
                                  "index in two steps, or pass np.nonzero(mask) to x.vindex[...]")
    basic, gathers, layout = [], [], []   # layout: the output axes, in NumPy's order (before a move)
    axis = 0
    for k, item in enumerate(items):
        if item is None:
            layout.append("new")
            continue
        size = x.shape[axis]
        if isinstance(item, int):
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for axis {axis} with size {size}")
            basic.append(item)
        elif isinstance(item, slice):
            positive, reverse = _as_slice(item, size)
            basic.append(positive)
            gathers.append("reverse" if reverse else None)
            layout.append("kept")
        else:
            basic.append(slice(None))
            gathers.append(_bounds(item, axis, size))
            layout.append("array")
        axis += 1
    whole = all(isinstance(b, slice) and b.indices(n) == (0, n, 1) for b, n in zip(basic, x.shape))
    y = x if whole else _wrap(x._core.getitem(tuple(basic)))
    for out_axis, gather in enumerate(gathers):
        if gather is None:
            continue
        if isinstance(gather, str):
            y = _reverse(y, out_axis)
        else:
            y = _wrap(_core.take(y._core, gather.ravel(), out_axis))
            if gather.ndim != 1:
                y = y.reshape(y.shape[:out_axis] + gather.shape + y.shape[out_axis + 1:])
    if not arrays:
        return _with_new_axes(y, layout, 1)
    array = items[arrays[0]]
    y = _with_new_axes(y, layout, array.ndim)
    # NumPy: the array's axes stay in place when the advanced indices (the array and the
    # integers) are side by side, otherwise they go first.
    if not _side_by_side([origin[k] for k, i in enumerate(items) if isinstance(i, (int, np.ndarray))]):
        first = sum({"new": 1, "kept": 1, "array": 0}[kind] for kind in layout[:layout.index("array")])
        order = list(range(first, first + array.ndim))
        y = y.transpose([*order, *(a for a in range(y.ndim) if a not in order)])
    return y


def _with_new_axes(y: Array, layout: list, array_ndim: int) -> Array:
    """y with a length-1 axis wherever the index had None."""
    widths = {"new": 1, "kept": 1, "array": array_ndim}
    positions, at = [], 0
    for kind in layout:
        if kind == "new":
            positions.append(at)
        at += widths[kind]
    return _wrap(_core.expand_dims(y._core, positions)) if positions else y


def setitem(x: Array, index, value):
    """x[index] = value, lazily (chunkarr._setitem: x becomes where(selected, value, x))."""
    from ._setitem import setitem as assign
    assign(x, index, value)


# ---- x.vindex[...] -------------------------------------------------------------------------------
class VIndex:
    """x.vindex[...]: NumPy's vectorised indexing (Dask's vindex). Integer arrays (and integers)
    on several axes are broadcast together and pick one element each: x.vindex[[0, 1], [2, 3]]
    is [x[0, 2], x[1, 3]]. Slices, None and Ellipsis apply to the other axes; the broadcast axes
    sit where NumPy puts them (in place when the arrays are side by side, otherwise first)."""

    def __init__(self, array: Array):
        self._array = array

    def __getitem__(self, index) -> Array:
        return vindex(self._array, index)


def vindex(x: Array, index) -> Array:
    items, origin = _expand(index, x.ndim)
    if any(isinstance(i, np.ndarray) and i.dtype.kind == "b" for i in items):
        raise IndexError("vindex does not take boolean arrays: pass np.nonzero(mask) as integer arrays")
    points = [k for k, i in enumerate(items) if isinstance(i, (int, np.ndarray))]
    if sum(isinstance(items[k], np.ndarray) for k in points) <= 1:
        return getitem(x, index)   # at most one array: the same as x[...]
    # Slices first (integers and arrays keep their axes), then the point axes moved to the front,
    # merged into one, and gathered at the flat positions of the points.
    axes = [k for k, i in enumerate(items) if i is not None]
    sliced = getitem(x, tuple(slice(None) if k in points else i for k, i in enumerate(items) if i is not None))
    point_axes = [axes.index(k) for k in points]
    sizes = tuple(sliced.shape[a] for a in point_axes)
    try:
        broadcast = np.broadcast_arrays(*(np.asarray(items[k]) for k in points))
    except ValueError:
        shapes = " ".join(str(np.shape(items[k])) for k in points)
        raise IndexError(f"shape mismatch: indexing arrays could not be broadcast together with shapes {shapes}")
    resolved = [_bounds(b, axes.index(k), n) for b, k, n in zip(broadcast, points, sizes)]
    flat = np.ravel_multi_index(resolved, sizes) if resolved[0].size else np.zeros(0, np.int64)
    rest = [a for a in range(sliced.ndim) if a not in point_axes]
    moved = sliced.transpose([*point_axes, *rest])
    merged = moved.reshape((int(np.prod(sizes)),) + tuple(moved.shape[len(sizes):]))
    picked = _wrap(_core.take(merged._core, flat.ravel(), 0))
    y = picked.reshape(broadcast[0].shape + picked.shape[1:])
    # Where the result axes go, as NumPy: the broadcast axes, the sliced axes and the new ones.
    depth = broadcast[0].ndim
    layout, placed = [], False
    for k, item in enumerate(items):
        if k in points:
            if not placed:
                layout.append("array")
                placed = True
        else:
            layout.append("new" if item is None else "kept")
    if _side_by_side([origin[k] for k in points]):
        before = layout[:layout.index("array")].count("kept")
        y = y.transpose([*range(depth, depth + before), *range(depth), *range(depth + before, y.ndim)])
        return _with_new_axes(y, layout, depth)
    front = ["array"] + [kind for kind in layout if kind != "array"]
    return _with_new_axes(y, front, depth)


# ---- x.blocks[...] -------------------------------------------------------------------------------
class Blocks:
    """x.blocks[i, j]: the array made of the selected blocks (Dask's blocks): integers, slices
    (any step) and lists of block numbers per axis; every axis is kept, and the result's chunks
    are the selected blocks."""

    def __init__(self, array: Array):
        self._array = array

    @property
    def shape(self) -> tuple:
        return self._array.numblocks

    @property
    def size(self) -> int:
        return self._array.npartitions

    def __len__(self) -> int:
        return self.shape[0] if self.shape else 1

    def ravel(self) -> list:
        """Every block as an Array, in C order of the block grid."""
        return [self[block] for block in np.ndindex(*self.shape)]

    def __getitem__(self, index) -> Array:
        x = self._array
        items, _ = _expand(index, x.ndim)
        if any(i is None for i in items) or any(isinstance(i, np.ndarray) and i.ndim != 1 for i in items):
            raise IndexError("x.blocks[...] takes integers, slices and 1-d lists of block numbers")
        for axis, (item, chunks) in enumerate(zip(items, x.chunks)):
            numbers_of_blocks = np.arange(len(chunks))
            try:
                chosen = np.atleast_1d(numbers_of_blocks[item])
            except IndexError:
                raise IndexError(f"block index {item!r} is out of bounds for axis {axis} with {len(chunks)} blocks")
            offsets = np.concatenate([[0], np.cumsum(chunks)]).astype(int)
            pieces = [x[(slice(None),) * axis + (slice(offsets[b], offsets[b + 1]),)] for b in chosen]
            if not pieces:
                x = x[(slice(None),) * axis + (slice(0, 0),)]
            elif len(pieces) == 1:
                x = pieces[0]
            elif list(chosen) == list(range(chosen[0], chosen[-1] + 1)):
                x = x[(slice(None),) * axis + (slice(offsets[chosen[0]], offsets[chosen[-1] + 1]),)]
            else:
                x = _wrap(_core.concatenate([p._core for p in pieces], axis))
        return x


# ---- the functions of the family -----------------------------------------------------------------
def _as_array(a) -> Array:
    from ._creation import _as_array
    return _as_array(a)


def _axis(axis, ndim: int) -> int:
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise np.AxisError(axis, ndim)
    return axis % ndim


def take(a, indices, axis=0) -> Array:
    """Elements of `a` at `indices` along `axis` (Dask's take; indices of any shape, negatives
    count from the end, out-of-bounds an IndexError). Lazy; a chunkarr `indices` is computed first."""
    a = _as_array(a)
    axis = _axis(axis, a.ndim)
    return getitem(a, (slice(None),) * axis + (indices if not isinstance(indices, list) else np.asarray(indices),))


def _numpy_take(a, indices, axis=None, out=None, mode="raise"):
    """np.take(x, ...): NumPy's signature (axis=None takes from the flattened array)."""
    no_out(out, "take")
    if mode != "raise":
        raise NotImplementedError(f"np.take mode={mode!r} is not supported by chunkarr (only 'raise')")
    a = _as_array(a)
    return take(a.ravel(), indices, 0) if axis is None else take(a, indices, axis)


def flip(m, axis=None) -> Array:
    """Reverses the order of elements along `axis` (an int, a tuple, or None for every axis)."""
    m = _as_array(m)
    axes = range(m.ndim) if axis is None else [axis] if isinstance(axis, numbers.Integral) else axis
    chosen = {_axis(a, m.ndim) for a in axes}
    return getitem(m, tuple(slice(None, None, -1) if a in chosen else slice(None) for a in range(m.ndim)))


def flipud(m) -> Array:
    m = _as_array(m)
    if m.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(m, 0)


def fliplr(m) -> Array:
    m = _as_array(m)
    if m.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(m, 1)


def rot90(m, k=1, axes=(0, 1)) -> Array:
    """Rotates by 90 degrees k times in the plane of `axes` (NumPy's rot90)."""
    m = _as_array(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == m.ndim:
        raise ValueError("Axes must be different.")
    first, second = _axis(axes[0], m.ndim), _axis(axes[1], m.ndim)
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, first), second)
    order = list(range(m.ndim))
    order[first], order[second] = order[second], order[first]
    return flip(m, second).transpose(order) if k == 1 else flip(m.transpose(order), second)


def repeat(a, repeats, axis=None) -> Array:
    """Each element repeated `repeats` times (an int, or one count per element) along `axis`;
    axis=None repeats the flattened array (NumPy's repeat). Lazy."""
    a = _as_array(a)
    if axis is None:
        a, axis = a.ravel(), 0
    axis = _axis(axis, a.ndim)
    counts = np.asarray(repeats)
    if counts.dtype.kind not in "iu":
        raise TypeError(f"repeats must be integers, got {counts.dtype}")
    if (counts < 0).any():
        raise ValueError("repeats may not contain negative values")
    n = a.shape[axis]
    if counts.ndim > 1 or (counts.ndim == 1 and counts.size not in (1, n)):
        raise ValueError(f"repeats has {counts.size} entries for an axis of length {n}")
    positions = np.repeat(np.arange(n, dtype=np.int64), counts.ravel() if counts.ndim else int(counts))
    return _wrap(_core.take(a._core, positions, axis))


def diagonal(a, offset=0, axis1=0, axis2=1) -> Array:
    """The diagonal of the (axis1, axis2) planes as the last axis (NumPy's diagonal): those two
    axes moved last and merged into one (lazy reshape), then a gather at i * n2 + i + offset."""
    a = _as_array(a)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    first, second = _axis(axis1, a.ndim), _axis(axis2, a.ndim)
    if first == second:
        raise ValueError("axis1 and axis2 cannot be the same")
    offset = int(offset)
    n1, n2 = a.shape[first], a.shape[second]
    rows = np.arange(max(0, -offset), min(n1, n2 - offset), dtype=np.int64)
    rest = [d for d in range(a.ndim) if d not in (first, second)]
    planes = a.transpose([*rest, first, second])
    merged = planes.reshape(planes.shape[:-2] + (n1 * n2,))
    return _wrap(_core.take(merged._core, rows * n2 + rows + offset, merged.ndim - 1))


def diag(v, k=0) -> Array:
    """NumPy's diag: the k-th diagonal of a 2-d array, or a 2-d array with a 1-d v on its k-th
    diagonal (zeros elsewhere; built lazily from a comparison of positions, no dense mask)."""
    from ._creation import arange, zeros
    from ._routines import where
    v = _as_array(v)
    k = int(k)
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = v.shape[0]
    m = n + abs(k)
    if n == 0:
        return zeros((m, m), dtype=v.dtype)
    # Row i holds v[i] when k >= 0 (at column i + k); column j holds v[j] when k < 0.
    along = _wrap(_core.take(v._core, np.minimum(np.arange(m, dtype=np.int64), n - 1), 0))
    values = along[:, None] if k >= 0 else along[None, :]
    position = arange(m, dtype=np.int64)
    on_diagonal = (position[:, None] + k) == position[None, :]
    return where(on_diagonal, values, zeros((1, 1), dtype=v.dtype))


def _index_on_axis(a, axis):
    """`a` (flattened when axis is None) and the axis to select on."""
    a = _as_array(a)
    return (a.ravel(), 0) if axis is None else (a, _axis(axis, a.ndim))


def _computed(values) -> np.ndarray:
    return np.asarray(values.compute() if isinstance(values, Array) else values)


def compress(condition, a, axis=None) -> Array:
    """NumPy's compress: the slices along `axis` where the 1-d `condition` holds (a chunkarr
    condition is computed first, so the length is exact)."""
    a, axis = _index_on_axis(a, axis)
    condition = _computed(condition).astype(bool)
    if condition.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    if condition.size > a.shape[axis]:
        raise IndexError(f"index {condition.size - 1} is out of bounds for axis {axis} with size {a.shape[axis]}")
    return take(a, np.flatnonzero(condition), axis)


def extract(condition, arr) -> Array:
    """NumPy's extract: the elements of arr where condition holds, flattened (condition computed first)."""
    return take(_as_array(arr).ravel(), np.flatnonzero(_computed(condition)), 0)


def delete(arr, obj, axis=None) -> Array:
    """NumPy's delete (obj: an int, a slice or integers), lazily as a gather of what is kept."""
    a, axis = _index_on_axis(arr, axis)
    return take(a, np.delete(np.arange(a.shape[axis]), _computed(obj) if not isinstance(obj, slice) else obj), axis)


def insert(arr, obj, values, axis=None) -> Array:
    """NumPy's insert, lazily: the values are concatenated after the array along `axis`, then
    gathered into NumPy's order."""
    from ._routines import broadcast_to, concatenate, moveaxis
    a, axis = _index_on_axis(arr, axis)
    n = a.shape[axis]
    v = _as_array(values).astype(a.dtype)
    positions = _computed(obj) if not isinstance(obj, slice) else np.arange(n)[obj]
    if np.ndim(positions) == 0:   # one position: the values are a block along axis (NumPy's rule)
        v = v.reshape((1,) * (a.ndim - v.ndim) + v.shape) if v.ndim < a.ndim else v
        v = moveaxis(v, 0, axis) if v.ndim == a.ndim and a.ndim > 0 else v
        count = v.shape[axis] if v.ndim == a.ndim else 1
        positions = np.full(count, int(positions))
    shape = list(a.shape)
    shape[axis] = len(positions)
    block = broadcast_to(v, tuple(shape))
    order = np.insert(np.arange(n), positions, np.arange(n, n + len(positions)))
    return take(concatenate([a, block], axis), order, axis)


def choose(a, choices, out=None, mode="raise") -> Array:
    """NumPy's choose: choices[a[i]][i], lazily (one where per choice). mode='raise' cannot be
    checked lazily: an index outside the choices gives the last choice; 'clip' and 'wrap' as NumPy."""
    from ._routines import where
    no_out(out, "choose")
    index = _as_array(a)
    n = len(choices)
    if mode == "clip":
        index = np.clip(index, 0, n - 1)
    elif mode == "wrap":
        index = index % n
    elif mode != "raise":
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap', got {mode!r}")
    result = _as_array(choices[-1])
    for k in range(n - 2, -1, -1):
        result = where(index == k, choices[k], result)
    return result


ARRAY_FUNCTIONS = {
    np.diagonal: diagonal, np.diag: diag, np.compress: lambda condition, a, axis=None, out=None: compress(
        condition, a, axis), np.extract: extract, np.delete: delete, np.insert: insert, np.choose: choose,
    np.take: _numpy_take, np.flip: flip, np.flipud: flipud, np.fliplr: fliplr, np.rot90: rot90, np.repeat: repeat,
}
