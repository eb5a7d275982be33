"""Chunk arguments in Dask's forms (None, an int, a tuple of ints or of chunk tuples, -1,
"auto", a byte size) as explicit chunks, a tuple of chunk sizes per axis."""
from __future__ import annotations

import numbers
from typing import Iterable

import numpy as np

from ._sizes import _memory_bytes


def _normalize_chunks(chunks, shape) -> tuple:
    """Dask's chunks argument (None, int, tuple of ints, tuple of tuples) as a tuple of tuples."""
    shape = tuple(int(s) for s in shape)
    if chunks is None:
        return tuple((s,) for s in shape)
    if isinstance(chunks, numbers.Integral):
        chunks = (int(chunks),) * len(shape)
    chunks = tuple(chunks)
    if len(chunks) != len(shape):
        raise ValueError(f"chunks {chunks} do not match shape {shape}")
    out = []
    for c, s in zip(chunks, shape):
        if isinstance(c, Iterable):
            c = tuple(int(v) for v in c)
            if sum(c) != s:
                raise ValueError(f"chunks {c} do not add up to {s}")
            out.append(c if c else (0,))
            continue
        c = s if c is None or c == -1 else int(c)
        if s == 0:
            out.append((0,))
            continue
        if c <= 0:
            raise ValueError(f"chunk size must be positive, got {c}")
        out.append(tuple([c] * (s // c) + ([s % c] if s % c else [])))
    return tuple(out)


_AUTO_CHUNK_BYTES = 128 * 2**20   # Dask's array.chunk-size


def _auto_chunks(chunks, shape, limit, itemsize, previous_chunks):
    """Dask's auto_chunks with previous chunks (what rechunk uses): "auto" axes grow or shrink
    together towards `limit` bytes per chunk, keeping multiples of the previous chunk size."""
    chunks = list(chunks)
    autos = {i for i, c in enumerate(chunks) if c == "auto"}
    if not autos:
        return tuple(chunks)
    limit = max(1, limit)
    largest_block = 1
    for c in chunks:
        if c != "auto":
            largest_block *= c if isinstance(c, numbers.Number) else max(c)

    def multiplier_for(result):
        product = 1
        for r in result.values():
            if r:
                product *= r
        return limit / itemsize / largest_block / product

    def round_to(c, s):
        return max(1, int(c)) if c <= s else c // s * s

    result = {a: float(np.median(previous_chunks[a])) for a in autos}
    ideal_shape = []
    for i, s in enumerate(shape):
        counts = {}
        for c in previous_chunks[i]:
            counts[c] = counts.get(c, 0) + 1
        mode, count = max(counts.items(), key=lambda kv: kv[1])
        ideal_shape.append(mode if mode > 1 and count >= len(previous_chunks[i]) / 2 else s)
    multiplier = multiplier_for(result)
    last_multiplier, last_autos = 0, set()
    while multiplier != last_multiplier or autos != last_autos:
        last_multiplier, last_autos = multiplier, set(autos)
        for a in sorted(autos):
            if ideal_shape[a] == 0:
                result[a] = 0
                continue
            proposed = result[a] * multiplier ** (1 / len(autos))
            if proposed > shape[a]:
                autos.remove(a)
                largest_block *= shape[a]
                chunks[a] = shape[a]
                del result[a]
            else:
                result[a] = round_to(proposed, ideal_shape[a])
        multiplier = multiplier_for(result)
    for k, v in result.items():
        chunks[k] = int(v)
    return tuple(chunks)


def _rechunk_chunks(chunks, x) -> tuple:
    """A rechunk request in Dask's forms (see Array.rechunk) as a tuple of tuples, normalized as
    dask.array.rechunk does."""
    shape, ndim, previous = tuple(x.shape), x.ndim, tuple(x.chunks)
    if chunks is None:
        return _normalize_chunks(None, shape)
    if isinstance(chunks, dict):
        request = list(previous)
        for axis, size in chunks.items():
            a = int(axis)
            if not -ndim <= a < ndim:
                raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
            if size is not None:
                request[a % ndim] = size
        chunks = tuple(request)
    elif isinstance(chunks, (numbers.Integral, str)):
        chunks = (chunks,) * ndim
    else:
        chunks = tuple(chunks)
        # One axis given its explicit chunks as a flat tuple: (10, 7) for shape (17,).
        if ndim == 1 and len(chunks) > 1 and all(isinstance(c, (numbers.Integral, str)) for c in chunks):
            chunks = (chunks,)
        if len(chunks) != ndim:
            raise ValueError(f"chunks {chunks} do not match shape {shape}")
        chunks = tuple(p if c is None else c for c, p in zip(chunks, previous))
    chunks = tuple(s if isinstance(c, numbers.Integral) and c == -1 else c for c, s in zip(chunks, shape))
    limit = None
    sizes = {c for c in chunks if isinstance(c, str) and c != "auto"}
    if len(sizes) > 1:
        raise ValueError("Only one consistent value of limit or chunk is allowed")
    if sizes:
        limit = _memory_bytes(sizes.pop())
        chunks = tuple("auto" if isinstance(c, str) else c for c in chunks)
    if any(isinstance(c, str) and c == "auto" for c in chunks):
        chunks = _auto_chunks(chunks, shape, _AUTO_CHUNK_BYTES if limit is None else limit, x.dtype.itemsize, previous)
    return _normalize_chunks(chunks, shape)


def _chunk_shape(chunks, shape):
    """One chunk's shape for the engine's constructors (the largest per axis), and the chunks."""
    normalized = _normalize_chunks(chunks, shape)
    return [max(c) if c else 0 for c in normalized], normalized
