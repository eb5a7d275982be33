"""2022.12's take: chunkarr's lazy take (a gather along one axis; the indices are computed
first when they are a chunkarr array, so the result's shape is exact)."""
from __future__ import annotations

from .. import _indexing
from .._array import Array
from ._dtypes import require
from ._operands import as_array


def take(x, indices, /, *, axis=None) -> Array:
    x = as_array(x, "take")
    indices = as_array(indices, "take")
    require(indices, "integer", "take")
    if indices.ndim != 1:
        raise ValueError(f"take takes 1-d indices, not shape {indices.shape}")
    if axis is None:
        if x.ndim != 1:
            raise ValueError("take needs axis= for arrays of more than one dimension")
        axis = 0
    return _indexing.take(x, indices, axis=axis)
