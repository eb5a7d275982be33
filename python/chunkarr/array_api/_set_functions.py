"""The standard's set functions. Their results' sizes depend on the data, so each computes x
(NumPy's unique on the values) and returns chunkarr arrays of the exact sizes. NaNs are distinct
from each other, as the standard asks."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._array import Array
from .._creation import from_array
from ._operands import as_array


class UniqueAllResult(NamedTuple):
    values: Array
    indices: Array
    inverse_indices: Array
    counts: Array


class UniqueCountsResult(NamedTuple):
    values: Array
    counts: Array


class UniqueInverseResult(NamedTuple):
    values: Array
    inverse_indices: Array


def _unique(x, name: str, **returns):
    x = as_array(x, name)
    computed = np.asarray(x.compute())
    results = np.unique(computed.ravel(), equal_nan=False, **returns)
    return x, results if isinstance(results, tuple) else (results,)


def unique_all(x, /) -> UniqueAllResult:
    """Distinct values, the first index of each, the index of each element's value (x's shape)
    and the counts. Computes x."""
    x, (values, indices, inverse, counts) = _unique(x, "unique_all", return_index=True, return_inverse=True,
                                                    return_counts=True)
    return UniqueAllResult(from_array(values), from_array(indices), from_array(inverse.reshape(x.shape)),
                           from_array(counts))


def unique_counts(x, /) -> UniqueCountsResult:
    """Distinct values and their counts. Computes x."""
    _, (values, counts) = _unique(x, "unique_counts", return_counts=True)
    return UniqueCountsResult(from_array(values), from_array(counts))


def unique_inverse(x, /) -> UniqueInverseResult:
    """Distinct values and the index of each element's value (x's shape). Computes x."""
    x, (values, inverse) = _unique(x, "unique_inverse", return_inverse=True)
    return UniqueInverseResult(from_array(values), from_array(inverse.reshape(x.shape)))


def unique_values(x, /) -> Array:
    """Distinct values, sorted. Computes x."""
    _, (values,) = _unique(x, "unique_values")
    return from_array(values)
