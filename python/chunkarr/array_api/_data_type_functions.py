"""The standard's data type functions: astype, broadcast_arrays/broadcast_to, can_cast, finfo,
iinfo, result_type (the standard's promotion table, chunkarr.array_api._dtypes) and isdtype."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _manipulation, _routines
from .._array import Array
from ._dtypes import CATEGORIES, check_dtype, promote, result_dtype
from ._operands import as_array, check_device


def astype(x, dtype, /, *, copy: bool = True, device=None) -> Array:
    """x's values as dtype, lazily (any cast, as the standard's astype). copy=False returns x
    itself when it already has dtype."""
    x = as_array(x, "astype")
    check_device(device)
    dtype = check_dtype(dtype)
    if x.dtype == dtype:
        return Array(x._core) if copy else x
    return x.astype(dtype)


def broadcast_arrays(*arrays) -> list:
    return list(_manipulation.broadcast_arrays(*(as_array(a, "broadcast_arrays") for a in arrays)))


def broadcast_to(x, /, shape) -> Array:
    return _routines.broadcast_to(as_array(x, "broadcast_to"), tuple(shape))


def _dtype_of(value) -> np.dtype:
    return value.dtype if isinstance(value, (Array, np.ndarray)) else check_dtype(value)


def can_cast(from_, to, /) -> bool:
    """Whether the standard's promotion table turns from_ (a dtype or an array) into `to`."""
    try:
        return promote(_dtype_of(from_), check_dtype(to)) == check_dtype(to)
    except TypeError:
        return False


@dataclass(frozen=True)
class finfo_object:  # noqa: N801 (the standard's name)
    bits: int
    eps: float
    max: float  # noqa: A003
    min: float  # noqa: A003
    smallest_normal: float
    dtype: np.dtype


@dataclass(frozen=True)
class iinfo_object:  # noqa: N801 (the standard's name)
    bits: int
    max: int  # noqa: A003
    min: int  # noqa: A003
    dtype: np.dtype


def finfo(type, /) -> finfo_object:  # noqa: A002 (the standard's name)
    dtype = _dtype_of(type)
    if dtype not in CATEGORIES["floating-point"]:
        raise TypeError(f"finfo takes a floating-point dtype, not {dtype}")
    info = np.finfo(dtype)
    return finfo_object(info.bits, float(info.eps), float(info.max), float(info.min), float(info.smallest_normal),
                        dtype)


def iinfo(type, /) -> iinfo_object:  # noqa: A002 (the standard's name)
    dtype = _dtype_of(type)
    if dtype not in CATEGORIES["integer"]:
        raise TypeError(f"iinfo takes an integer dtype, not {dtype}")
    info = np.iinfo(dtype)
    return iinfo_object(info.bits, int(info.max), int(info.min), dtype)


def result_type(*arrays_and_dtypes) -> np.dtype:
    """The standard's promotion of the arguments' dtypes (arrays or dtypes); a TypeError for
    pairs the table leaves out."""
    if not arrays_and_dtypes:
        raise ValueError("result_type needs at least one array or dtype")
    return result_dtype(*(_dtype_of(a) for a in arrays_and_dtypes))


_KINDS = {"bool": "boolean", "signed integer": None, "unsigned integer": None, "integral": "integer",
          "real floating": "floating-point", "complex floating": None, "numeric": "numeric"}


def isdtype(dtype, kind) -> bool:
    """2022.12's isdtype: whether dtype is `kind` (a dtype, a kind name, or a tuple of them)."""
    dtype = check_dtype(dtype)
    if isinstance(kind, tuple):
        return any(isdtype(dtype, k) for k in kind)
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise ValueError(f"isdtype: unknown kind {kind!r}")
        if kind == "signed integer":
            return dtype.kind == "i"
        if kind == "unsigned integer":
            return dtype.kind == "u"
        if kind == "complex floating":
            return False
        return dtype in CATEGORIES[_KINDS[kind]] if kind != "bool" else dtype == np.bool_
    return dtype == check_dtype(kind)
