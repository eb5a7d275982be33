"""chunkarr.array_api: the Python array API standard (2021.12, with a few cheap 2022.12/2023.12
additions) on chunkarr arrays, the namespace x.__array_namespace__() returns.

    import chunkarr as ca
    x = ca.open("big.h5", "t2m")
    xp = x.__array_namespace__()        # this module
    anomaly = x - xp.mean(x, axis=0)    # lazy, out of core

The arrays are chunkarr.Array itself; every function is a thin adapter onto chunkarr's lazy
functions (the standard's names, signatures, dtype checks and type-promotion table). Functions
whose result's size depends on the data (unique_*, nonzero, boolean-mask indexing) compute
what they must; the LAPACK functions of linalg compute arrays that fit in memory.

    _dtypes                   dtype objects, categories, the promotion table
    _constants                e, inf, nan, pi
    _creation_functions       asarray, arange, full/zeros/ones/empty(_like), eye, linspace, meshgrid, tril/triu
    _data_type_functions      astype, broadcast_*, can_cast, finfo, iinfo, result_type, isdtype
    _elementwise_functions    the element-wise functions (NumPy's ufuncs under the standard's names)
    _statistical_functions    max, min, mean, prod, sum, std, var, cumulative_sum
    _manipulation_functions   concat, stack, expand_dims, flip, permute_dims, reshape, roll, squeeze
    _searching_functions      argmax, argmin, nonzero, where
    _set_functions            unique_all, unique_counts, unique_inverse, unique_values
    _sorting_functions        sort, argsort
    _utility_functions        all, any
    _indexing_functions       take (2022.12)
    linalg                    the linalg extension (matmul, tensordot, vecdot, matrix_transpose here too)
    _operands                 argument checks shared by the families (arrays, scalars, axes, device)
"""
from __future__ import annotations

from . import linalg
from ._constants import e, inf, nan, pi
from ._creation_functions import (arange, asarray, empty, empty_like, eye, from_dlpack, full, full_like, linspace,
                                  meshgrid, ones, ones_like, tril, triu, zeros, zeros_like)
from ._data_type_functions import (astype, broadcast_arrays, broadcast_to, can_cast, finfo, iinfo, isdtype,
                                   result_type)
from ._dtypes import bool, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64  # noqa: A004
from ._elementwise_functions import FUNCTIONS as _ELEMENTWISE
from ._indexing_functions import take
from ._manipulation_functions import concat, expand_dims, flip, permute_dims, reshape, roll, squeeze, stack
from ._searching_functions import argmax, argmin, nonzero, where
from ._set_functions import unique_all, unique_counts, unique_inverse, unique_values
from ._sorting_functions import argsort, sort
from ._statistical_functions import cumulative_sum, max, mean, min, prod, std, sum, var  # noqa: A004
from ._utility_functions import all, any  # noqa: A004
from .linalg import matmul, matrix_transpose, tensordot, vecdot

__array_api_version__ = "2021.12"

__all__ = [
    "__array_api_version__", "linalg",
    "e", "inf", "nan", "pi",
    "arange", "asarray", "empty", "empty_like", "eye", "from_dlpack", "full", "full_like", "linspace", "meshgrid",
    "ones", "ones_like", "tril", "triu", "zeros", "zeros_like",
    "astype", "broadcast_arrays", "broadcast_to", "can_cast", "finfo", "iinfo", "isdtype", "result_type",
    "bool", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "concat", "expand_dims", "flip", "permute_dims", "reshape", "roll", "squeeze", "stack",
    "argmax", "argmin", "nonzero", "where",
    "unique_all", "unique_counts", "unique_inverse", "unique_values",
    "argsort", "sort", "take",
    "cumulative_sum", "max", "mean", "min", "prod", "std", "sum", "var",
    "all", "any",
    "matmul", "matrix_transpose", "tensordot", "vecdot",
]
# abs, add, sqrt, ...: the element-wise functions.
globals().update(_ELEMENTWISE)
__all__ += sorted(_ELEMENTWISE)
