"""Arguments as the standard's functions take them: chunkarr arrays (NumPy arrays are accepted
and wrapped), the one device ("cpu"), Python scalars beside an array, axes."""
from __future__ import annotations

import numbers

import numpy as np

from .._array import Array, _weak_integer
from .._creation import from_array
from ._dtypes import promote

DEVICE = "cpu"


def check_device(device) -> None:
    if device not in (None, DEVICE):
        raise ValueError(f"chunkarr arrays live on the device 'cpu' only, not {device!r}")


def as_array(x, name: str) -> Array:
    if isinstance(x, Array):
        return x
    if isinstance(x, np.ndarray):
        return from_array(x)
    raise TypeError(f"{name} takes chunkarr arrays, not {type(x).__name__}")


def check_scalar(scalar, dtype: np.dtype, name: str) -> None:
    """A Python scalar beside an array of `dtype`: the standard allows bool with bool arrays,
    int with integer and floating-point arrays, float with floating-point arrays."""
    if isinstance(scalar, bool):
        ok = dtype == np.bool_
    elif isinstance(scalar, numbers.Integral):
        ok = dtype.kind in "iuf"
        if ok and dtype.kind in "iu":
            info = np.iinfo(dtype)
            if not info.min <= int(scalar) <= info.max:
                raise OverflowError(f"{name}: the Python int {scalar} does not fit in {dtype}")
    elif isinstance(scalar, numbers.Real):
        ok = dtype.kind == "f"
    else:
        raise TypeError(f"{name} takes chunkarr arrays and Python scalars, not {type(scalar).__name__}")
    if not ok:
        raise TypeError(f"{name}: a Python {type(scalar).__name__} cannot be combined with an array of {dtype}")


def operands(x1, x2, name: str):
    """Two operands of a binary function: arrays whose dtypes the standard's table promotes, or
    an array and a Python scalar of a kind it allows (the scalar stays weak: int8 + 1 is int8)."""
    scalar1, scalar2 = not isinstance(x1, (Array, np.ndarray)), not isinstance(x2, (Array, np.ndarray))
    if scalar1 and scalar2:
        raise TypeError(f"{name} needs at least one array argument")
    if scalar1:
        x2 = as_array(x2, name)
        check_scalar(x1, x2.dtype, name)
        return _weak_integer(x1, x2.dtype) if isinstance(x1, int) else x1, x2
    x1 = as_array(x1, name)
    if scalar2:
        check_scalar(x2, x1.dtype, name)
        return x1, _weak_integer(x2, x1.dtype) if isinstance(x2, int) else x2
    x2 = as_array(x2, name)
    promote(x1.dtype, x2.dtype)
    return x1, x2


def normalize_axes(axis, ndim: int, name: str) -> tuple:
    """axis (None, an int or a tuple of ints; negative from the end) as sorted non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    result = []
    for a in axes:
        a = int(a)
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise IndexError(f"{name}: axis {a} is out of range for an array of {ndim} dimensions")
        result.append(a % max(ndim, 1))
    if len(set(result)) != len(result):
        raise ValueError(f"{name}: repeated axis in {axis!r}")
    return tuple(sorted(result))
