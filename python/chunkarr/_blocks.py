"""Dask's map_blocks and map_overlap: a Python function on every block (extended by its
neighbours' edges for map_overlap), run on the engine's worker threads."""
from __future__ import annotations

import functools
import numbers

import numpy as np

from . import _chunkarr as _core
from ._array import Array, _wrap
from ._creation import _as_array
from ._dtypes import _dtype


def _accepts(func, name) -> bool:
    import inspect
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def _signature_keywords(func):
    """A signature with just func's block_id/block_info keywords (what _accepts looks for)."""
    import inspect
    parameters = [inspect.Parameter("blocks", inspect.Parameter.VAR_POSITIONAL)]
    for keyword in ("block_id", "block_info"):
        if _accepts(func, keyword):
            parameters.append(inspect.Parameter(keyword, inspect.Parameter.KEYWORD_ONLY, default=None))
    return inspect.Signature(parameters)


def _function_name(func, name) -> str:
    if name is not None:
        return str(name)
    return getattr(func, "__name__", None) or type(func).__name__


def _infer_dtype(func, arrays, kwargs):
    """Dask's way: call the function on empty arrays of the inputs' dtypes (no data read)."""
    try:
        meta = func(*[np.empty((0,) * a.ndim, dtype=a.dtype) for a in arrays], **kwargs)
        return np.asarray(meta).dtype
    except Exception:
        return arrays[0].dtype


class _WithConstants:
    """func with its non-array arguments in their places: called with the blocks only. A class,
    not a closure, so that the array pickles (with func)."""

    def __init__(self, func, constants, positions, name):
        self.func, self.constants, self.positions = func, constants, positions
        self.__name__ = name
        self.__signature__ = _signature_keywords(func)

    def __call__(self, *blocks, **more):
        args = list(self.constants)
        for i, block in zip(self.positions, blocks):
            args[i] = block
        return self.func(*args, **more)


def _block_function(func, arrays, kwargs, dtype):
    """The function with extra keyword arguments bound, whether it wants block_id/block_info, and
    the engine's DType of its blocks."""
    wants_id, wants_info = _accepts(func, "block_id"), _accepts(func, "block_info")
    # functools.partial, not a closure: it pickles with the array.
    call = functools.partial(func, **kwargs) if kwargs else func
    if dtype is None:
        dtype = _infer_dtype(func, arrays, kwargs)
    return call, wants_id, wants_info, _dtype(dtype)


def map_blocks(func, *arrays, dtype=None, chunks=None, name=None, **kwargs) -> Array:
    """Dask's map_blocks: func(*blocks, **kwargs) on every block, lazily. Arrays need one shape
    (their chunks are refined to a common grid). func gets read-only NumPy views (no copy; keep
    np.array(block) to hold one past the call) and must return a block of `dtype` (default:
    found by calling func on empty arrays, as Dask does) and of the block's shape, or of
    `chunks`' (one size per block, or a block shape for regular chunks). It runs on the worker
    threads, with the GIL held only during each call: NumPy code that releases the GIL runs
    blocks in parallel. func may take block_id= and block_info= (Dask's) keywords. An exception
    in func stops the computation and is raised by compute() as itself."""
    # Arrays (chunkarr or NumPy) become blocks; other arguments are passed through as they are.
    is_array = [isinstance(a, (Array, np.ndarray)) for a in arrays]
    if not any(is_array):
        raise ValueError("map_blocks needs at least one array")
    if not all(is_array):
        constants, positions = list(arrays), [i for i, a in enumerate(is_array) if a]
        func = _WithConstants(func, constants, positions, _function_name(func, name))
        arrays = [a for a, keep in zip(arrays, is_array) if keep]
    arrays = [_as_array(a) for a in arrays]
    call, wants_id, wants_info, block_dtype = _block_function(func, arrays, kwargs, dtype)
    grid = None
    if chunks is not None:
        first = arrays[0]
        if all(isinstance(c, numbers.Integral) for c in chunks) and len(chunks) == first.ndim:
            # A block shape: that size for every block, the edge blocks in proportion.
            grid = [[int(c)] * len(axis) for c, axis in zip(chunks, first.chunks)]
        else:
            grid = [[int(v) for v in c] for c in chunks]
    core = _core.map_blocks(call, [a._core for a in arrays], block_dtype, grid, None, [], [], True,
                            _function_name(func, name), wants_id, wants_info)
    return _wrap(core)


def _depth(depth, ndim):
    if isinstance(depth, numbers.Integral):
        return [int(depth)] * ndim
    if isinstance(depth, dict):
        return [int(depth.get(axis, depth.get(axis - ndim, 0))) for axis in range(ndim)]
    depth = [int(d) for d in depth]
    if len(depth) != ndim:
        raise ValueError(f"depth {tuple(depth)} needs one entry per axis ({ndim})")
    return depth


_BOUNDARIES = dict(_core.Boundary.__members__)   # Dask's names: reflect, periodic, nearest, ...


def _boundary(name: str) -> _core.Boundary:
    member = _BOUNDARIES.get(name)
    if member is None:
        raise ValueError(f"unknown boundary '{name}' (want reflect, periodic, nearest, constant or none)")
    return member


def map_overlap(func, a, depth, boundary="reflect", trim=True, dtype=None, name=None, **kwargs) -> Array:
    """Dask's map_overlap: func on every block extended by `depth` (int, per-axis tuple or
    {axis: depth}) from its neighbours, the result trimmed back by depth. Past the array's edges
    the extension follows `boundary`, as Dask: 'reflect' mirrors with the edge repeated
    (np.pad mode 'symmetric'), 'periodic' wraps ('wrap'), 'nearest' repeats the edge ('edge'),
    a number (or 'constant' with value=) fills with it, 'none' does not extend at the edges.
    Depth may exceed a chunk. With trim=False the results are kept whole: the output's blocks are
    the extended ones (as Dask)."""
    a = _as_array(a)
    value = kwargs.pop("value", 0.0)
    # One boundary per axis, as Dask: a dict names some axes (the others get 'none').
    if isinstance(boundary, dict):
        per_axis = ["none"] * a.ndim
        for axis, mode in boundary.items():
            if not -a.ndim <= int(axis) < a.ndim:
                raise ValueError(f"map_overlap boundary: axis {axis} out of range for {a.ndim} dimensions")
            per_axis[int(axis) % a.ndim] = mode
    else:
        per_axis = [boundary] * a.ndim
    modes, values = [], []
    for mode in per_axis:
        if mode is None:
            mode = "none"
        if isinstance(mode, (numbers.Number, np.generic)) and not isinstance(mode, bool):
            modes.append("constant")
            values.append(float(mode))
        else:
            modes.append(str(mode))
            values.append(float(value))
    call, wants_id, wants_info, block_dtype = _block_function(func, [a], kwargs, dtype)
    depths = _depth(depth, a.ndim)
    core = _core.map_blocks(call, [a._core], block_dtype, None, depths, [_boundary(m) for m in modes], values,
                            bool(trim), _function_name(func, name), wants_id, wants_info)
    return _wrap(core)

