"""Byte sizes as users write them: a number, or text such as "4GB" or "64MiB"."""
from __future__ import annotations

import numbers


def _memory_bytes(limit) -> int:
    if limit is None:
        return 0
    if isinstance(limit, numbers.Number):
        return int(limit)
    units = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20,
             "gib": 2**30, "tib": 2**40}
    text = str(limit).strip().lower()
    number = text.rstrip("abcdefghijklmnopqrstuvwxyz ")
    unit = text[len(number):].strip() or "b"
    if unit not in units:
        raise ValueError(f"memory_limit {limit!r}: unknown unit")
    return int(float(number) * units[unit])
