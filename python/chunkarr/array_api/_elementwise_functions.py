"""The standard's element-wise functions: each is the NumPy ufunc that chunkarr already computes
lazily (chunkarr._ufuncs), under the standard's name and positional-only parameters (x; x1, x2),
after the standard's dtype checks and type promotion."""
from __future__ import annotations

import numpy as np

from .._array import Array
from ._dtypes import require
from ._operands import as_array, operands

# The standard's name: (NumPy's ufunc, the dtype category the standard allows).
_UNARY = {
    "abs": (np.absolute, "numeric"), "acos": (np.arccos, "floating-point"),
    "acosh": (np.arccosh, "floating-point"), "asin": (np.arcsin, "floating-point"),
    "asinh": (np.arcsinh, "floating-point"), "atan": (np.arctan, "floating-point"),
    "atanh": (np.arctanh, "floating-point"), "bitwise_invert": (np.invert, "integer or boolean"),
    "cos": (np.cos, "floating-point"), "cosh": (np.cosh, "floating-point"), "exp": (np.exp, "floating-point"),
    "expm1": (np.expm1, "floating-point"), "isfinite": (np.isfinite, "numeric"), "isinf": (np.isinf, "numeric"),
    "isnan": (np.isnan, "numeric"), "log": (np.log, "floating-point"), "log1p": (np.log1p, "floating-point"),
    "log2": (np.log2, "floating-point"), "log10": (np.log10, "floating-point"),
    "logical_not": (np.logical_not, "boolean"), "negative": (np.negative, "numeric"),
    "positive": (np.positive, "numeric"), "sign": (np.sign, "numeric"), "sin": (np.sin, "floating-point"),
    "sinh": (np.sinh, "floating-point"), "square": (np.square, "numeric"), "sqrt": (np.sqrt, "floating-point"),
    "tan": (np.tan, "floating-point"), "tanh": (np.tanh, "floating-point"),
    # Rounding: integers are already whole (NumPy's ufuncs would return float64 for them).
    "ceil": (np.ceil, "numeric"), "floor": (np.floor, "numeric"), "trunc": (np.trunc, "numeric"),
    "round": (np.rint, "numeric"),
}
_ROUNDING = {"ceil", "floor", "trunc", "round"}

_BINARY = {
    "add": (np.add, "numeric"), "atan2": (np.arctan2, "floating-point"),
    "bitwise_and": (np.bitwise_and, "integer or boolean"), "bitwise_or": (np.bitwise_or, "integer or boolean"),
    "bitwise_xor": (np.bitwise_xor, "integer or boolean"), "bitwise_left_shift": (np.left_shift, "integer"),
    "bitwise_right_shift": (np.right_shift, "integer"), "divide": (np.true_divide, "floating-point"),
    "equal": (np.equal, "all"), "floor_divide": (np.floor_divide, "numeric"), "greater": (np.greater, "numeric"),
    "greater_equal": (np.greater_equal, "numeric"), "less": (np.less, "numeric"),
    "less_equal": (np.less_equal, "numeric"), "logaddexp": (np.logaddexp, "floating-point"),
    "logical_and": (np.logical_and, "boolean"), "logical_or": (np.logical_or, "boolean"),
    "logical_xor": (np.logical_xor, "boolean"), "multiply": (np.multiply, "numeric"),
    "not_equal": (np.not_equal, "all"), "pow": (np.power, "numeric"), "remainder": (np.remainder, "numeric"),
    "subtract": (np.subtract, "numeric"),
    # 2023.12 additions that cost nothing.
    "copysign": (np.copysign, "floating-point"), "hypot": (np.hypot, "floating-point"),
    "maximum": (np.maximum, "numeric"), "minimum": (np.minimum, "numeric"),
}


def _unary(name: str, ufunc, category: str):
    def function(x, /) -> Array:
        x = as_array(x, name)
        require(x, category, name)
        if name in _ROUNDING and x.dtype.kind in "iu":
            return x
        return ufunc(x)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"The standard's {name}: numpy.{ufunc.__name__}, lazily."
    return function


def _binary(name: str, ufunc, category: str):
    def function(x1, x2, /) -> Array:
        x1, x2 = operands(x1, x2, name)
        for x in (x1, x2):
            if isinstance(x, Array):
                require(x, category, name)
        return ufunc(x1, x2)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"The standard's {name}: numpy.{ufunc.__name__}, lazily, after the standard's promotion."
    return function


FUNCTIONS = {name: _unary(name, *spec) for name, spec in _UNARY.items()}
FUNCTIONS.update({name: _binary(name, *spec) for name, spec in _BINARY.items()})
__all__ = sorted(FUNCTIONS)
globals().update(FUNCTIONS)
