"""NumPy's protocols on Array: which functions (np.sum(x), np.concatenate([x, y]), ...) run
lazily in chunkarr, and as what; ufuncs (np.sqrt(x), np.add(x, y)) are in _ufuncs."""
from __future__ import annotations

import numpy as np

from . import _creation, _einsum, _indexing, _manipulation, _math, _reduction_functions, _sorting, linalg
from ._linalg import dot, tensordot
from ._out import no_out
from ._quantile import median, nanmedian, nanpercentile, nanquantile, percentile, quantile
from ._routines import (broadcast_to, clip, concatenate, expand_dims, histogram, moveaxis, ndim, ravel, reshape,
                        shape, squeeze, stack, where)


def _array_function(func, types, args, kwargs):
    """Array.__array_function__."""
    handler = _ARRAY_FUNCTIONS.get(func)
    if handler is None:
        return NotImplemented
    return handler(*args, **kwargs)


def _numpy_style(function):
    def call(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, **kw):
        no_out(out)
        if kw.get("interpolation") is not None:
            method = kw["interpolation"]
        return function(a, q, axis=axis, keepdims=keepdims, method=method)
    return call


def _median_style(function):
    def call(a, axis=None, out=None, overwrite_input=False, keepdims=False):
        no_out(out)
        return function(a, axis=axis, keepdims=keepdims)
    return call


_ARRAY_FUNCTIONS = {
    np.where: lambda c, a, b: where(c, a, b),
    np.concatenate: lambda arrays, axis=0, **kw: concatenate(arrays, axis),
    np.transpose: lambda a, axes=None: a.transpose(*(axes or ())),
    np.expand_dims: lambda a, axis: expand_dims(a, axis),
    np.histogram: lambda a, bins=10, range=None, **kw: histogram(a, bins, range, **kw),
    np.squeeze: lambda a, axis=None: squeeze(a, axis),
    np.reshape: lambda a, newshape, order="C": reshape(a, newshape, order=order),
    np.ravel: lambda a, order="C": ravel(a, order=order),
    np.moveaxis: lambda a, source, destination: moveaxis(a, source, destination),
    np.ndim: ndim, np.shape: shape, np.size: lambda a, axis=None: a.size if axis is None else a.shape[axis],
    np.stack: lambda arrays, axis=0, **kw: stack(arrays, axis),
    np.broadcast_to: lambda a, shape, subok=False: broadcast_to(a, shape),
    np.clip: lambda a, a_min, a_max, out=None, **kw: no_out(out) or clip(a, a_min, a_max),
    np.dot: lambda a, b, out=None: no_out(out) or dot(a, b),
    np.tensordot: lambda a, b, axes=2: tensordot(a, b, axes),
    np.quantile: _numpy_style(quantile), np.nanquantile: _numpy_style(nanquantile),
    np.percentile: _numpy_style(percentile), np.nanpercentile: _numpy_style(nanpercentile),
    np.median: _median_style(median), np.nanmedian: _median_style(nanmedian),
}
_ARRAY_FUNCTIONS.update(_reduction_functions.ARRAY_FUNCTIONS)
_ARRAY_FUNCTIONS.update(_manipulation.ARRAY_FUNCTIONS)
_ARRAY_FUNCTIONS.update(_math.ARRAY_FUNCTIONS)
_ARRAY_FUNCTIONS.update(_einsum.ARRAY_FUNCTIONS)
_ARRAY_FUNCTIONS.update(_sorting.ARRAY_FUNCTIONS)
_ARRAY_FUNCTIONS.update(_creation.ARRAY_FUNCTIONS)
_ARRAY_FUNCTIONS.update(linalg.ARRAY_FUNCTIONS)
_ARRAY_FUNCTIONS.update(_indexing.ARRAY_FUNCTIONS)
