"""The standard's utility functions all and any: chunkarr's lazy reductions."""
from __future__ import annotations

import numpy as np

from .._array import Array
from ._operands import as_array, normalize_axes


def _truth(x, name: str) -> Array:
    """x as bool (non-zero, NaN included, is True): chunkarr's all/any of a 0-d number returns it."""
    x = as_array(x, name)
    return x if x.dtype == np.bool_ else x != 0


def all(x, /, *, axis=None, keepdims=False) -> Array:  # noqa: A001 (the standard's name)
    x = _truth(x, "all")
    return x.all(axis=normalize_axes(axis, x.ndim, "all"), keepdims=keepdims)


def any(x, /, *, axis=None, keepdims=False) -> Array:  # noqa: A001 (the standard's name)
    x = _truth(x, "any")
    return x.any(axis=normalize_axes(axis, x.ndim, "any"), keepdims=keepdims)
