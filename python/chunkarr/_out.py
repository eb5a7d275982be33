"""NumPy's out= on chunkarr arrays: results are new lazy arrays, never written into a given one,
so every function that takes out= (for NumPy's signatures) refuses anything but None here.
(The ufuncs, which can fill a NumPy out= array, have their own rule in _ufuncs.)"""
from __future__ import annotations


def no_out(out, name: str | None = None) -> None:
    """A TypeError unless out is None; returns None (so `no_out(out) or f(...)` reads as f)."""
    if out is not None:
        where = f"{name}: " if name else ""
        raise TypeError(f"{where}out= is not supported by chunkarr (arrays are lazy and immutable)")
