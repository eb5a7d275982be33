"""Files: open (HDF5, NetCDF, Zarr, many files as one array), from_zarr, and the streamed,
compressed, atomic writers to_hdf5, to_netcdf and to_zarr."""
from __future__ import annotations

import numbers
import os

import numpy as np

from . import _chunkarr as _core
from ._array import Array, _wrap
from ._chunkarr import StoreFormat
from ._creation import from_array
from ._progress import progress_callback
from ._sizes import _memory_bytes


def open(path, variable: str, mask_and_scale: bool = True, concat: str | None = None) -> Array:  # noqa: A001
    """A variable of an HDF5 or NetCDF file or a Zarr store (an array path in it), or of many
    files (a glob), joined along their record dimension (or `concat`). CF missing values become
    NaN and packed values are unpacked unless mask_and_scale=False: for files as netCDF4-python
    does, for Zarr as xr.open_zarr (fill_value is the _FillValue; xarray's dtypes, e.g. float32
    for int16 with a fill value). float16 Zarr arrays are read as float32 (exact); complex64 and
    complex128 ones give a ComplexArray (values equal to the fill_value are nan+nanj, as
    xr.open_zarr gives them, unless mask_and_scale=False; no unpacking)."""
    parts = _core.open_complex(str(path), variable, mask_and_scale, concat)
    if parts is not None:
        from ._complex import ComplexArray
        return ComplexArray(_wrap(parts[0]), _wrap(parts[1]))
    return _wrap(_core.open(str(path), variable, mask_and_scale, concat))


def _compression(compression, level):
    """h5py's compression/compression_opts (and netCDF4's 'zlib') as (name, level)."""
    if compression is None or compression is False or compression == "none":
        if level is not None:
            raise ValueError("compression_opts needs compression='gzip'")
        return "", 4
    if compression is True:
        compression = "gzip"
    if isinstance(compression, numbers.Integral):   # h5py: compression=4 is gzip level 4
        compression, level = "gzip", int(compression)
    if not isinstance(compression, str) or compression.lower() not in ("gzip", "deflate", "zlib"):
        raise ValueError(f"unknown compression {compression!r} (chunkarr writes gzip or no compression)")
    level = 4 if level is None else int(level)
    if not 1 <= level <= 9:
        raise ValueError(f"gzip level must be 1 to 9, got {level}")
    return "gzip", level


def _store_chunks(chunks, shape):
    if chunks is None or chunks is True:
        return None
    if isinstance(chunks, numbers.Integral):
        chunks = (int(chunks),) * len(shape)
    chunks = tuple(chunks)
    if len(chunks) != len(shape):
        raise ValueError(f"chunks {chunks} do not match shape {shape}")
    out = []
    for c, s in zip(chunks, shape):
        c = s if c is None or c == -1 else int(c)
        if c <= 0 and s > 0:
            raise ValueError(f"chunk size must be positive, got {c}")
        out.append(max(c, 1))
    return out


def _refuse_complex_variable(name, array) -> None:
    """chunkarr writes no complex HDF5 or NetCDF variables (h5py's compound {r, i} type): complex
    values go to Zarr, by to_zarr (which writes them without coming here)."""
    from ._complex import ComplexArray, refuse_complex
    if isinstance(array, ComplexArray) or (not isinstance(array, Array) and np.asarray(array).dtype.kind == "c"):
        raise refuse_complex(array, f"{name!r} is complex; chunkarr writes complex values to Zarr only",
                             "write it with to_zarr (ca.to_zarr(z, url) or z.to_zarr(url)), or take .real, .imag "
                             "or abs(x)")


def _store(path, arrays, dims, fmt, chunks, compression, compression_opts, shuffle, progress, threads, memory_limit,
           comm=None, bit_shuffle=False, attrs=None, global_attrs=None):
    from ._compute import _comm_address
    address = _comm_address(comm)
    if isinstance(arrays, Array):
        raise TypeError("give the arrays as a dict {name: array}")
    items = list(arrays.items())
    if not items:
        raise ValueError("nothing to write")
    dims = dims or {}
    targets = []
    for name, array in items:
        _refuse_complex_variable(name, array)
        if not isinstance(array, Array):
            array = from_array(np.asarray(array))
        d = dims.get(name)
        d = [] if d is None else [str(n) for n in d]
        if d and len(d) != array.ndim:
            raise ValueError(f"{len(d)} dimension names for the {array.ndim}-d {name}")
        targets.append((array._core, str(name), d, dict((attrs or {}).get(name) or {})))
    shapes = {a.shape for _, a in items if isinstance(a, Array)}
    if chunks is not None and chunks is not True and len(shapes) > 1:
        raise ValueError("chunks apply to arrays of one shape; write arrays of other shapes separately")
    first = items[0][1]
    store_chunks = _store_chunks(chunks, tuple(np.shape(first)) if not isinstance(first, Array) else first.shape)
    name, level = (compression, compression_opts) if fmt == StoreFormat.zarr else _compression(compression,
                                                                                              compression_opts)
    with progress_callback(progress) as callback:
        _core.store(targets, os.fspath(path), store_chunks, name, level, shuffle, fmt, threads or 0,
                    _memory_bytes(memory_limit), callback, address, bit_shuffle, dict(global_attrs or {}))


def _complex_to_zarr(z, url, component, overwrite, chunks, compressor, dims, progress=False, threads=None,
                     memory_limit=None):
    """to_zarr of complex values: one complex64/complex128 array (chunkarr.to_zarr's rules)."""
    from ._complex import _as_complex
    z = _as_complex(z)
    if not overwrite and os.path.exists(url):
        raise FileExistsError(f"{os.fspath(url)} exists (pass overwrite=True to replace it)")
    name, level, shuffle, bit = _zarr_compressor(compressor)
    dims = [] if dims is None else [str(d) for d in dims]
    with progress_callback(progress) as callback:
        _core.store_complex(z.real._core, z.imag._core, os.fspath(url), component or "", _store_chunks(chunks, z.shape),
                            name, level, shuffle, bit, dims, threads or 0, _memory_bytes(memory_limit), callback)


def to_hdf5(path, arrays, chunks=None, compression=None, compression_opts=None, shuffle=None, *,
            progress: bool = False, threads: int | None = None, memory_limit=None, comm=None) -> None:
    """Writes {name: array} into a new HDF5 file, like dask.array.to_hdf5.

    Each array is computed one stored chunk at a time within the memory limit; chunks are
    shuffled and gzip-compressed on all cores and written by one writer thread with the standard
    HDF5 filters (h5py reads them). `chunks`: the stored chunk shape (default: the array's
    chunks, at most 4 MiB); `compression`: None or 'gzip' (or an int level, as in h5py);
    `compression_opts`: gzip level 1-9 (default 4); `shuffle`: default on with gzip.
    Atomic: on an error or Ctrl-C no file is left and an existing `path` is untouched.
    `comm`: an mpi4py communicator whose ranks share the chunks (each computes and compresses its
    share, rank 0 writes the file); every rank makes the same call."""
    _store(path, arrays, None, StoreFormat.hdf5, chunks, compression, compression_opts, shuffle, progress, threads,
           memory_limit, comm)


def to_netcdf(path, arrays, dims=None, chunks=None, compression=None, compression_opts=None, shuffle=None, *,
              complevel=None, progress: bool = False, threads: int | None = None, memory_limit=None,
              comm=None, attrs=None, global_attrs=None) -> None:
    """Writes {variable: array} into a new NetCDF-4 file (netCDF4-python and xarray read it).

    `dims`: {variable: (dimension names)}; dimensions of the same name are shared and must have
    the same length (default names dim_0, dim_1, ...). `compression`: None, 'gzip' or 'zlib';
    `complevel` is netCDF4-python's name for `compression_opts`. `attrs`: {variable: {name:
    value}}, `global_attrs`: {name: value}; a value is a string or numbers (a scalar or 1-d),
    written with its NumPy type (np.float32(0.5) stays float32; a Python float is float64, an
    int int64). Otherwise as to_hdf5."""
    if complevel is not None:
        compression_opts = complevel
        compression = compression or "zlib"
    _store(path, arrays, dims, StoreFormat.netcdf4, chunks, compression, compression_opts, shuffle, progress, threads,
           memory_limit, comm, attrs=attrs, global_attrs=global_attrs)


def from_zarr(url, component: str | None = None, chunks=None) -> Array:
    """The array `component` (a path in the store; None for a store that is one array) of the
    Zarr v2 directory store `url`, as dask.array.from_zarr: the values as stored, fill values
    included (ca.open applies xarray's decoding instead); float16 as float32 (exact). `chunks`:
    rechunk to these."""
    array = open(url, component or "", mask_and_scale=False)
    return array if chunks is None else array.rechunk(chunks)


_BLOSC_SHUFFLES = {0: (False, False), 1: (True, False), 2: (True, True), -1: (None, False)}


def _zarr_compressor(compressor):
    """A numcodecs codec (or its config dict), None, or 'default' (Blosc lz4 with byte shuffle,
    zarr-python's default) as (compression, level, shuffle, bit_shuffle) for the engine."""
    if isinstance(compressor, str) and compressor == "default":
        return "blosc:lz4", 5, True, False
    if compressor is None:
        return "none", 4, None, False
    config = compressor if isinstance(compressor, dict) else getattr(compressor, "get_config", lambda: None)()
    if not isinstance(config, dict) or "id" not in config:
        raise ValueError(f"compressor must be a numcodecs codec, its config dict or None, got {compressor!r}")
    codec = config["id"]
    if codec == "blosc":
        shuffle = config.get("shuffle", 1)
        if shuffle not in _BLOSC_SHUFFLES:
            raise ValueError(f"unknown Blosc shuffle {shuffle!r}")
        byte, bit = _BLOSC_SHUFFLES[shuffle]
        return f"blosc:{config.get('cname', 'lz4')}", int(config.get("clevel", 5)), byte, bit
    if codec in ("zlib", "gzip"):
        return codec, int(config.get("level", 1)), None, False
    raise ValueError(f"unknown compressor {codec!r} (chunkarr writes blosc, zlib, gzip or none)")


def to_zarr(arr, url, component: str | None = None, overwrite: bool = False, chunks=None, compressor="default",
            dims=None, *, progress: bool = False, threads: int | None = None, memory_limit=None, comm=None) -> None:
    """Writes `arr` as array `component` (default: the store's root array) of a new Zarr v2
    directory store `url`, as dask.array.to_zarr: computed one block of chunks at a time, chunks
    compressed on all cores (`compressor`: a numcodecs Blosc, Zlib or GZip, or None; default
    Blosc lz4 with shuffle), `_ARRAY_DIMENSIONS` from `dims` (default dim_0, ...), so that
    xr.open_zarr names them. Atomic: each chunk file is written under a temporary name, the
    metadata last, the store in a temporary directory that replaces `url` at the end; on an error
    nothing is left and an existing store is untouched. An existing `url` is replaced only with
    overwrite=True (FileExistsError otherwise). `comm`: as to_hdf5 (rank 0 writes the store)."""
    from ._complex import _is_complex_value, as_operand
    arr = as_operand(arr)  # a list of complex numbers is complex data
    if _is_complex_value(arr):
        if comm is not None:
            raise ValueError("complex arrays are written by one process (comm= is not supported for them)")
        return _complex_to_zarr(arr, url, component, overwrite, chunks, compressor, dims, progress, threads,
                                memory_limit)
    exists = not overwrite and os.path.exists(url)
    if not overwrite and comm is not None:
        exists = comm.bcast(exists, root=0)  # rank 0's answer on every rank: none goes on alone
    if exists:
        raise FileExistsError(f"{os.fspath(url)} exists (pass overwrite=True to replace it)")
    name, level, shuffle, bit = _zarr_compressor(compressor)
    key = component or ""
    _store(url, {key: arr}, None if dims is None else {key: dims}, StoreFormat.zarr, chunks, name, level, shuffle,
           progress, threads, memory_limit, comm, bit_shuffle=bit)
