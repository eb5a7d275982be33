"""The standard's manipulation functions as chunkarr's lazy ones (chunkarr._routines,
_manipulation, _indexing), with the standard's names (concat, permute_dims) and signatures."""
from __future__ import annotations

from .. import _indexing, _manipulation, _routines
from .._array import Array
from ._dtypes import result_dtype
from ._operands import as_array, normalize_axes


def _common(arrays, name: str) -> list:
    """The arrays, promoted to one dtype by the standard's table."""
    arrays = [as_array(a, name) for a in arrays]
    if not arrays:
        raise ValueError(f"{name} needs at least one array")
    dtype = result_dtype(*(a.dtype for a in arrays))
    return [a if a.dtype == dtype else a.astype(dtype) for a in arrays]


def concat(arrays, /, *, axis=0) -> Array:
    """Joins arrays along an existing axis (axis=None: the flattened arrays), lazily."""
    arrays = _common(arrays, "concat")
    if axis is None:
        return _routines.concatenate([_routines.ravel(a) for a in arrays], 0)
    return _routines.concatenate(arrays, axis)


def stack(arrays, /, *, axis=0) -> Array:
    return _routines.stack(_common(arrays, "stack"), axis)


def expand_dims(x, /, *, axis=0) -> Array:
    x = as_array(x, "expand_dims")
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise IndexError(f"expand_dims: axis {axis} is out of range for a result of {x.ndim + 1} dimensions")
    return _routines.expand_dims(x, axis)


def flip(x, /, *, axis=None) -> Array:
    x = as_array(x, "flip")
    return _indexing.flip(x, normalize_axes(axis, x.ndim, "flip"))


def permute_dims(x, /, axes) -> Array:
    x = as_array(x, "permute_dims")
    return _routines.transpose(x, tuple(axes))


def reshape(x, /, shape, *, copy=None) -> Array:
    """Lazy (a new expression, so copy=True and copy=None are the same; copy=False too: nothing
    is copied until computed)."""
    return _routines.reshape(as_array(x, "reshape"), tuple(shape))


def roll(x, /, shift, *, axis=None) -> Array:
    return _manipulation.roll(as_array(x, "roll"), shift, axis)


def squeeze(x, /, axis) -> Array:
    x = as_array(x, "squeeze")
    axes = normalize_axes(axis, x.ndim, "squeeze")
    if any(x.shape[a] != 1 for a in axes):
        raise ValueError(f"squeeze: axis {axis} is not of length 1 in shape {x.shape}")
    return _routines.squeeze(x, axes) if axes else x   # chunkarr's squeeze reads () as every axis
