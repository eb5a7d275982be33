#pragma once
// A Python callable as a map_blocks function: it runs on the executor's worker threads, holding
// the GIL only while it runs (NumPy code that releases the GIL lets blocks run in parallel).
// Blocks are passed as read-only NumPy views of the engine's buffers (no copy); a Python
// exception stops the computation and is raised again, as itself, by compute().
#include <chunkarr/graph/block_function.hpp>

#include <memory>
#include <pybind11/pybind11.h>
#include <string>
#include <vector>

namespace chunkarr::python {

struct Callable;  // owns the Python function (dropped with the GIL)

// What python_block_function makes: the BlockCallable's target, so that pickling finds the
// Python function behind a map_blocks node (BlockCallable::target<PythonBlockCall>()).
struct PythonBlockCall {
    std::shared_ptr<Callable> callable;
    bool pass_block_id = false;
    bool pass_block_info = false;
    NDArray operator()(const std::vector<NDArray>& blocks, const BlockInfo& info) const;
    pybind11::object function() const;
};

// `pass_block_id` / `pass_block_info`: call with block_id= / block_info= keywords (Dask's).
BlockCallable python_block_function(pybind11::function function, bool pass_block_id, bool pass_block_info);

}  // namespace chunkarr::python
