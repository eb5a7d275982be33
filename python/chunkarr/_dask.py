"""Dask interop: Array.to_dask() (a Dask array whose blocks chunkarr computes), from_dask()
(a Dask array as a chunkarr array whose blocks Dask computes), and chunkarr arrays as the blocks
of Dask's own arrays (da.from_array(x)). Dask is imported only when these are used."""
from __future__ import annotations

import functools
import sys
import uuid

import numpy as np

from ._array import Array
from ._import_hooks import after_import
from ._sizes import _memory_bytes


def _grouped_chunks(chunks, itemsize: int, block_bytes: int):
    """Dask's chunks for a chunkarr array: runs of whole chunkarr chunks per axis, grown from the
    last axis to the first while a block stays within block_bytes (at least one chunk each)."""
    group = [1] * len(chunks)
    largest = [max(axis) if axis else 0 for axis in chunks]
    for axis in reversed(range(len(chunks))):
        others = itemsize * int(np.prod([g * c for i, (g, c) in enumerate(zip(group, largest)) if i != axis]))
        if largest[axis] == 0 or others == 0:
            continue
        fit = block_bytes // (others * largest[axis])
        group[axis] = int(max(1, min(len(chunks[axis]), fit)))
        if fit < len(chunks[axis]):
            break   # this axis is split: the axes before it keep one chunk per block
    return tuple(tuple(sum(axis[i:i + g]) for i in range(0, len(axis), g)) or axis
                 for axis, g in zip(chunks, group))


class _ComputeRegion:
    """A Dask task: chunkarr computes one region (whole chunkarr chunks) of an array. A class, not
    a closure, so Dask's process schedulers can pickle it with its array."""

    def __init__(self, array: Array):
        self.array = array

    def __call__(self, region):
        return np.asarray(self.array[region].compute())


def to_dask(x: Array, block_size=None):
    """A Dask array with x's values whose blocks chunkarr computes: each Dask task computes a
    group of whole chunkarr chunks (about `block_size` bytes: a number or text such as "64MiB";
    default: Dask's config "array.chunk-size", 128 MiB), so Dask sees few large blocks, not one
    task per small chunk. Dask's process schedulers pickle x (see Array.__reduce__)."""
    import dask
    import dask.array as da

    if block_size is None:
        block_size = dask.config.get("array.chunk-size", "128MiB")
    block_bytes = _memory_bytes(block_size)
    if block_bytes <= 0:
        raise ValueError(f"to_dask block_size must be positive, got {block_size!r}")
    chunks = _grouped_chunks(x.chunks, x.dtype.itemsize, block_bytes)
    name = "chunkarr-" + uuid.uuid4().hex
    compute_region = _ComputeRegion(x)
    graph = {}
    starts = [np.cumsum((0,) + axis) for axis in chunks]
    for block in np.ndindex(*[len(axis) for axis in chunks]):
        region = tuple(slice(int(starts[a][i]), int(starts[a][i + 1])) for a, i in enumerate(block))
        graph[(name,) + block] = (compute_region, region)   # a 0-d array: one block, key (name,)
    return da.Array(graph, name, chunks, dtype=x.dtype, meta=np.empty((0,) * x.ndim, dtype=x.dtype))


class _DaskBlock:
    """chunkarr's map_blocks function of from_dask(): Dask computes the region of the block asked
    for. A class, not a closure, so a chunkarr array made by from_dask pickles with its Dask
    array."""

    def __init__(self, dask_array, scheduler):
        self.dask_array = dask_array
        self.scheduler = scheduler

    def __call__(self, template, block_info=None):
        location = block_info[None]["array-location"]
        region = tuple(slice(start, stop) for start, stop in location)
        piece = self.dask_array[region].compute(scheduler=self.scheduler)
        return np.asarray(piece, dtype=self.dask_array.dtype, order="C")


def from_dask(d, scheduler="threads") -> Array:
    """A Dask array as a chunkarr array with Dask's chunks: chunkarr asks Dask for each block
    when it reads it (d[block].compute(scheduler=scheduler)), so nothing is computed before.
    Chunks of unknown size (NaN, from boolean indexing) must be known first: d.compute_chunk_sizes()."""
    import dask.array as da
    from ._blocks import map_blocks
    from ._creation import zeros

    if not isinstance(d, da.Array):
        raise TypeError(f"from_dask wants a dask.array.Array, got {type(d).__name__}")
    if any(np.isnan(c) for axis in d.chunks for c in axis):
        raise ValueError("from_dask: the Dask array has chunks of unknown size; call d.compute_chunk_sizes() first")
    # The blocks chunkarr reads come from Dask; the bool zeros only lay out the blocks.
    layout = zeros(d.shape, dtype=bool, chunks=d.chunks)
    return map_blocks(_DaskBlock(d, scheduler), layout, dtype=d.dtype, name="from_dask")


# ---- chunkarr arrays as Dask blocks (da.from_array(x)) ------------------------------------------
# Dask keeps any array with __array_function__ as its block type, so Dask's operations on the
# blocks give lazy chunkarr expressions. Dask gathers blocks with its `concatenate` dispatch (every
# reduction's combine step, and compute() of an array of several blocks); registered for chunkarr,
# that step computes them, so Dask's results are NumPy, as they are for h5py-backed arrays.
# A result of ONE block is not gathered: Dask's `finalize` hands it back as it is, without any
# dispatch, so chunkarr wraps that function (dask.array.core.finalize, which every Dask array's
# __dask_postcompute__ names) to compute a lone chunkarr block; any other result passes unchanged.

def _concatenate_computed(arrays, axis=0, out=None):
    """Dask's concatenate for a list of blocks of which some are chunkarr arrays: those are
    computed together (shared inputs read once), then joined as NumPy joins them."""
    from ._compute import compute

    lazy = [i for i, a in enumerate(arrays) if isinstance(a, Array)]
    values = list(arrays)
    for i, value in zip(lazy, compute(*(arrays[i] for i in lazy))):
        values[i] = np.asarray(value)
    return np.concatenate(values, axis=axis, out=out)


_dask_finalize = None   # dask.array.core.finalize as Dask defines it, kept when it is wrapped


def finalize_computing_chunkarr(results):
    """Dask's finalize (joins the computed blocks of a Dask array into its value), then computes
    the value when it is a chunkarr array: the one block of a one-block result. A module-level
    function, so a distributed Client's finalize task names chunkarr (imported on the worker)."""
    from ._compute import compute

    register_dask_block_type()
    value = _dask_finalize(results)
    return compute(value)[0] if isinstance(value, Array) else value


@functools.cache
def register_dask_block_type() -> None:
    """Tells Dask (already imported) to compute chunkarr blocks when it gathers them, and when a
    result is one chunkarr block (once per process)."""
    global _dask_finalize
    # (not `import dask.array.core`: right after dask.array's import, `dask.array` is not yet an
    # attribute of the dask package)
    from dask.array import core as dask_array_core
    from dask.array.dispatch import concatenate_lookup

    concatenate_lookup.register(Array, _concatenate_computed)
    # Already wrapped when importing dask.array above ran this through install()'s hook.
    if dask_array_core.finalize is not finalize_computing_chunkarr:
        _dask_finalize = dask_array_core.finalize
        dask_array_core.finalize = finalize_computing_chunkarr


def install() -> None:
    """Registers with dask.array now if it is imported, or when it is: Dask may wrap a chunkarr
    array without asking for its token (`da.from_array(x, name=False)`)."""
    after_import("dask.array", lambda dask_array: register_dask_block_type())


def register_if_dask_loaded() -> None:
    """In a process that runs Dask (a Dask worker unpickling a task; Dask is imported, perhaps not
    yet dask.array), so that the gather in a later task computes chunkarr blocks there too."""
    if "dask" in sys.modules:
        register_dask_block_type()


def dask_token(x: Array) -> str:
    """Array.__dask_tokenize__: Dask's name for x (one per array object: Dask asks for it when
    it wraps x, so this is also where Dask learns how to gather chunkarr blocks)."""
    register_dask_block_type()
    token = getattr(x, "_dask_token", None)
    if token is None:
        token = x._dask_token = "chunkarr-" + uuid.uuid4().hex
    return token
