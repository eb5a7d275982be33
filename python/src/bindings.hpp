#pragma once
// The pieces of the `chunkarr._chunkarr` extension, one bind_* function per concern; module.cpp
// calls them. Operations and types cross from Python as the engine's enums (py::enum_), never
// as names: the Python package maps what users write to them once (python/chunkarr/).
#include <chunkarr/graph/array.hpp>

#include <pybind11/pybind11.h>

namespace chunkarr::python {

using ArrayClass = pybind11::class_<Array>;

// DType, the _Array handle (shape, dtype, chunks, astype, rechunk, indexing), sources (open,
// from_numpy, full, arange, random_uniform) and shape functions.
ArrayClass bind_array(pybind11::module_& m);
// UnaryOp, BinaryOp: unary, binary, where, clip (numbers are weak scalars).
void bind_elementwise(pybind11::module_& m);
// ReduceOp, QuantileMode: _Array.reduce/any/all, argmin/argmax, cumsum/cumprod, histogram, quantile.
void bind_reductions(pybind11::module_& m, ArrayClass& array);
// matmul, dot, tensordot, the BLAS in use.
void bind_linalg(pybind11::module_& m);
// Boundary: map_blocks (and map_overlap) with a Python function.
void bind_blocks(pybind11::module_& m);
// StoreFormat: compute, store, explain, physical_cores.
void bind_compute(pybind11::module_& m);
// pickle_graph / unpickle_graph: an array as bytes plus the Python objects they refer to.
void bind_pickle(pybind11::module_& m);

}  // namespace chunkarr::python
