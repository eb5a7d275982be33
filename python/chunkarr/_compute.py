"""Running graphs: compute (several arrays in one pass, with a progress bar and Ctrl-C) and
explain (what a compute would do)."""
from __future__ import annotations

import os
import sys

from . import _chunkarr as _core
from ._array import Array
from ._creation import asarray
from ._progress import progress_callback
from ._sizes import _memory_bytes


def _comm_address(comm) -> int:
    """The address of the MPI_Comm behind an mpi4py communicator (0 for None)."""
    if comm is None:
        return 0
    # An mpi4py communicator exists only once mpi4py.MPI is imported; importing it here would
    # start MPI in this process as a side effect (and a later fork can then hang), so a process
    # that has not imported it cannot be holding a communicator.
    MPI = sys.modules.get("mpi4py.MPI")
    if MPI is None or not isinstance(comm, MPI.Comm):
        raise TypeError(f"comm must be an mpi4py communicator (MPI.COMM_WORLD), got {type(comm).__name__}")
    if not _core.mpi_available():
        raise ValueError("this chunkarr was built without MPI (build with -DCHUNKARR_WITH_MPI=ON)")
    return MPI._addressof(comm)


def compute(*arrays, progress: bool = False, threads: int | None = None, memory_limit=None, temp_dir=None,
            comm=None):
    """Computes several arrays in one run (shared inputs are read once); returns a tuple of
    NumPy arrays, and NumPy scalars for 0-d results. `temp_dir`: where rechunks that run in
    stages put their temporary files (default: the system's temporary directory, $TMPDIR).

    `comm`: an mpi4py communicator (MPI.COMM_WORLD) whose ranks share the work; every rank
    makes the same call and gets the same result, bit for bit what one process computes (see
    the README, "Running across nodes with MPI"). An error on any rank is raised on every rank."""
    from ._complex import ComplexArray, compute_with_parts
    # NumPy data and lists compute as themselves: complex ones as ComplexArrays.
    arrays = [a if isinstance(a, (Array, ComplexArray)) else asarray(a) for a in arrays]
    if any(isinstance(a, ComplexArray) for a in arrays):  # their parts, in the same run
        return compute_with_parts(compute, arrays, progress=progress, threads=threads, memory_limit=memory_limit,
                                  temp_dir=temp_dir, comm=comm)
    address = _comm_address(comm)
    cores = [a._core for a in arrays]
    with progress_callback(progress) as callback:
        results = _core.compute(cores, threads or 0, _memory_bytes(memory_limit), callback,
                                os.fspath(temp_dir) if temp_dir is not None else "", address)
    return tuple(r[()] if r.ndim == 0 else r for r in results)


def explain(*arrays, memory_limit=None) -> str:
    from ._complex import ComplexArray
    parts = [p for a in arrays for p in ((a.real, a.imag) if isinstance(a, ComplexArray) else (a,))]
    return _core.explain([a._core for a in parts], _memory_bytes(memory_limit))
