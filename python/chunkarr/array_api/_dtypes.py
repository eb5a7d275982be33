"""The standard's data types (NumPy dtype objects, as chunkarr arrays report them), their
categories, and the standard's type-promotion table: dtypes alone decide a result's dtype (no
value-based casting); pairs the table leaves out (bool with a number, an integer with a
floating-point type, uint64 with a signed integer) are a TypeError."""
from __future__ import annotations

import numpy as np

from .._array import Array

bool = np.dtype("bool")  # noqa: A001 (the standard's name)
int8, int16, int32, int64 = (np.dtype(f"int{b}") for b in (8, 16, 32, 64))
uint8, uint16, uint32, uint64 = (np.dtype(f"uint{b}") for b in (8, 16, 32, 64))
float32, float64 = np.dtype("float32"), np.dtype("float64")

default_int, default_uint, default_float = int64, uint64, float64

_signed = (int8, int16, int32, int64)
_unsigned = (uint8, uint16, uint32, uint64)
_integer = _signed + _unsigned
_floating = (float32, float64)
_numeric = _integer + _floating
_all = (bool,) + _numeric

# The categories the standard's functions name for their inputs.
CATEGORIES = {
    "all": _all, "boolean": (bool,), "numeric": _numeric, "integer": _integer, "integer or boolean": _integer + (bool,),
    "floating-point": _floating, "real floating": _floating,
}


def check_dtype(dtype) -> np.dtype:
    """dtype as one of the standard's dtype objects, or a TypeError."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a data type of the array API standard") from None
    if dtype not in _all:
        raise TypeError(f"{dtype} is not a data type of the array API standard (or of chunkarr)")
    return dtype


def require(x: Array, category: str, name: str) -> None:
    """A TypeError unless x's dtype is in the standard's category for function `name`."""
    if x.dtype not in CATEGORIES[category]:
        raise TypeError(f"{name} takes {category} arrays, not {x.dtype}")


def _kind(dtype: np.dtype) -> str:
    if dtype == bool:
        return "boolean"
    return "integer" if dtype in _integer else "floating-point"


def promote(dtype1, dtype2) -> np.dtype:
    """The standard's type-promotion table for two dtypes. Within a kind it is NumPy's array
    promotion (int8 with uint8 is int16, float32 with float64 is float64)."""
    dtype1, dtype2 = np.dtype(dtype1), np.dtype(dtype2)
    if _kind(dtype1) != _kind(dtype2):
        raise TypeError(f"{dtype1} and {dtype2} cannot be promoted together (the standard's table mixes no kinds)")
    if {dtype1, dtype2} & {uint64} and {dtype1, dtype2} & set(_signed):
        raise TypeError(f"{dtype1} and {dtype2} cannot be promoted together (no integer type holds both)")
    return np.result_type(dtype1, dtype2)


def result_dtype(*dtypes) -> np.dtype:
    result = dtypes[0]
    for dtype in dtypes[1:]:
        result = promote(result, dtype)
    return np.dtype(result)
