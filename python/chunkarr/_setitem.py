"""x[index] = value, lazily: x becomes a new expression, where(selected, value placed, x), so
nothing is read or written until compute() and the other arrays built from x keep the old
values (as Dask's __setitem__). The index is basic (ints, slices with any step, Ellipsis) or
one boolean mask; the value is a scalar, or an array broadcast to x[index]'s shape (with a
mask: a scalar or 0-d array only, as the count of selected elements is not known lazily)."""
from __future__ import annotations

import numbers

import numpy as np

from ._array import Array


def _as_operand(value, dtype: np.dtype) -> Array:
    """value as an Array; a scalar as a 0-d array of x's dtype (cast as NumPy's x[i] = v casts,
    and exact: the engine's weak scalars pass through a double, which rounds int64 beyond 2**53)."""
    if isinstance(value, Array):
        return value
    from ._complex import _is_complex_value, as_operand, refuse_complex
    value = as_operand(value) if not isinstance(value, (numbers.Number, np.generic)) else value
    if _is_complex_value(value):  # as NumPy's x[i] = 1j into a real x, which it refuses
        raise refuse_complex(value, "x[index] = value of a real x with complex values",
                             "assign value.real, value.imag or abs(value)")
    from ._creation import from_array
    if isinstance(value, (numbers.Number, np.generic)):
        return from_array(np.asarray(value).astype(dtype))
    return from_array(np.asarray(value))


def _basic_selection(index, shape: tuple) -> list:
    """Per axis: the selected positions (a NumPy int64 array) and whether the axis stays (a slice)
    or is dropped (an int)."""
    from ._indexing import _bounds, _expand
    items, _ = _expand(index, len(shape))
    for item in items:
        if not isinstance(item, (slice, int)):   # None (it takes no axis) included
            raise IndexError("x[index] = value takes ints, slices, Ellipsis or one boolean mask as the index, "
                             f"not {'None' if item is None else 'an integer array'}")
    selection = []
    for axis, (item, n) in enumerate(zip(items, shape)):
        if isinstance(item, slice):
            selection.append((np.arange(*item.indices(n), dtype=np.int64), True))
        else:
            selection.append((_bounds(np.array([item]), axis, n), False))
    return selection


def _boolean_mask(index):
    item = index[0] if isinstance(index, tuple) and len(index) == 1 else index
    if isinstance(item, Array) and item.dtype == np.bool_:
        return item
    if isinstance(item, list):   # [True, False, ...]: a mask as NumPy reads it
        item = np.asarray(item)
    if isinstance(item, np.ndarray) and item.dtype == np.bool_:
        from ._creation import from_array
        return from_array(item)
    return None


def assigned(x: Array, index, value) -> Array:
    """x with x[index] = value, as a new lazy array of x's dtype."""
    from ._routines import broadcast_to, reshape, where
    from ._indexing import take
    value = _as_operand(value, x.dtype)
    mask = _boolean_mask(index)
    if mask is not None:
        if value.ndim != 0:
            raise NotImplementedError("x[mask] = value takes a scalar or 0-d value in chunkarr (write "
                                      "where(mask, values, x) for an array of values)")
        if mask.shape != x.shape[:mask.ndim]:
            raise IndexError(f"boolean index of shape {mask.shape} does not match the array's shape {x.shape}")
        mask = reshape(mask, mask.shape + (1,) * (x.ndim - mask.ndim))
        return _same_dtype(where(mask, value, x), x)
    selection = _basic_selection(index, x.shape)
    if any(len(positions) == 0 for positions, _ in selection):
        return x   # an empty selection (x[:0] = v) changes nothing
    if value.ndim:
        selected_shape = tuple(len(p) for p, kept in selection if kept)
        value = broadcast_to(value, selected_shape) if value.shape != selected_shape else value
        value = reshape(value, tuple(len(p) for p, _ in selection))
        for axis, ((positions, _), n) in enumerate(zip(selection, x.shape)):
            if len(positions) != n or np.any(positions != np.arange(n)):
                placed = np.zeros(n, dtype=np.int64)   # where each of x's positions reads value from
                placed[positions] = np.arange(len(positions))
                value = take(value, placed, axis=axis)
    selected = None
    for axis, ((positions, _), n) in enumerate(zip(selection, x.shape)):
        if len(positions) == n and np.all(positions == np.arange(n)):
            continue
        on_axis = np.zeros(n, dtype=bool)
        on_axis[positions] = True
        from ._creation import from_array
        axis_mask = reshape(from_array(on_axis), tuple(n if d == axis else 1 for d in range(x.ndim)))
        selected = axis_mask if selected is None else selected & axis_mask
    if selected is None:   # every element: a True mask that broadcasts
        from ._creation import from_array
        selected = from_array(np.ones((1,) * x.ndim, dtype=bool))
    return _same_dtype(where(selected, value, x), x)


def _same_dtype(result: Array, x: Array) -> Array:
    return result if result.dtype == x.dtype else result.astype(x.dtype)


def setitem(x: Array, index, value) -> None:
    """x[index] = value: x now stands for the new expression (see the module's docstring)."""
    x._core = assigned(x, index, value)._core
