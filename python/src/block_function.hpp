#pragma once
// A Python callable as a map_blocks function: it runs on the executor's worker threads, holding
// the GIL only while it runs (NumPy code that releases the GIL lets blocks run in parallel).
// Blocks are passed as read-only NumPy views of the engine's buffers (no copy); a Python
// exception stops the computation and is raised again, as itself, by compute().
#include <chunkarr/graph/block_function.hpp>

#include <pybind11/pybind11.h>
#include <string>

namespace chunkarr::python {

// `pass_block_id` / `pass_block_info`: call with block_id= / block_info= keywords (Dask's).
BlockCallable python_block_function(pybind11::function function, bool pass_block_id, bool pass_block_info);

}  // namespace chunkarr::python
