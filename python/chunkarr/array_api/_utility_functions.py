"""The standard's utility functions all and any: chunkarr's lazy reductions."""
from __future__ import annotations

from .._array import Array
from ._operands import as_array, normalize_axes


def all(x, /, *, axis=None, keepdims=False) -> Array:  # noqa: A001 (the standard's name)
    x = as_array(x, "all")
    return x.all(axis=normalize_axes(axis, x.ndim, "all"), keepdims=keepdims)


def any(x, /, *, axis=None, keepdims=False) -> Array:  # noqa: A001 (the standard's name)
    x = as_array(x, "any")
    return x.any(axis=normalize_axes(axis, x.ndim, "any"), keepdims=keepdims)
