"""Element types: what users write (NumPy dtypes, their names, Python types) as the engine's
DType, checked once here."""
from __future__ import annotations

import numpy as np

from . import _chunkarr as _core

# The engine's DType members are named as NumPy names the dtypes (test_typing checks it).
_DTYPES = dict(_core.DType.__members__)


def _dtype(dtype) -> _core.DType:
    name = np.dtype(dtype).name
    member = _DTYPES.get(name)
    if member is None:
        raise TypeError(f"chunkarr does not support dtype {name}")
    return member
