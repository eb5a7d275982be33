"""Pickling arrays (and so copy.deepcopy, multiprocessing, Dask's process schedulers): the graph
as bytes written by the engine, plus the Python objects the engine cannot write itself (NumPy
arrays behind from_array, map_blocks functions) pickled by Python beside them.

    generated arrays (zeros, arange, random, ...)   by their parameters
    from_array (NumPy)                              with their data
    ca.open(...) files (concat= globs too)          by path and variable: opened again where
                                                    unpickled, so the file must be there, unchanged
    expressions                                     by their graph
    map_blocks                                      the function must pickle (module-level, or any
                                                    function when cloudpickle is installed)
"""
from __future__ import annotations

import pickle

from . import _chunkarr as _core


class _PickledFunction:
    """A map_blocks function pickled up front, so that one that cannot be pickled is named in a
    clear error when the array is pickled. Python's pickle first; cloudpickle (which Dask uses)
    for lambdas and local functions when it is installed."""

    def __init__(self, function, name: str):
        try:
            self.payload = pickle.dumps(function)
        except Exception as error:  # pickle raises several types here
            try:
                import cloudpickle
                self.payload = cloudpickle.dumps(function)
            except Exception:
                raise TypeError(f"cannot pickle this chunkarr array: its map_blocks function {name!r} does not pickle "
                                f"({error}); use a module-level function") from None

    def load(self):
        return pickle.loads(self.payload)


def reduce_array(array):
    """Array.__reduce__: (rebuild, (bytes, objects))."""
    data, objects = _core.pickle_graph(array._core)
    kept = [(item[0], _PickledFunction(item[1], item[2]), *item[2:]) if item[0] == "function" else tuple(item)
            for item in objects]
    return rebuild_array, (data, kept)


def rebuild_array(data: bytes, objects):
    """The array pickled by reduce_array; a file it reads is opened again here."""
    from ._array import Array
    from ._dask import register_if_dask_loaded
    register_if_dask_loaded()  # a Dask worker computing chunkarr blocks gathers them as NumPy
    loaded = [(item[0], item[1].load(), *item[2:]) if item[0] == "function" else tuple(item) for item in objects]
    try:
        return Array(_core.unpickle_graph(data, loaded))
    except OSError as error:
        raise OSError(f"unpickling a chunkarr array opens its files again, here: {error}") from None
