// The `chunkarr._chunkarr` extension: the engine's Array, sources and compute for Python, bound
// per concern in bind_*.cpp (bindings.hpp). The Pythonic surface (operators, NumPy protocols,
// repr) lives in python/chunkarr/; _chunkarr.pyi types this module.
#include <chunkarr/core/error.hpp>

#include "bindings.hpp"
#include "io/hdf5/lock.hpp"

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace chunkarr;

PYBIND11_MODULE(_chunkarr, m) {
    m.doc() = "chunkarr engine bindings; use the chunkarr package";
    // HDF5's error printing is per thread in thread-safe builds, and libnetcdf switches it off
    // only on the thread that first uses it: when that is one of ours (to_netcdf runs on a
    // worker thread), the importing thread would print HDF5-DIAG noise in later netCDF4/xarray
    // reads. Switch it off here, as libnetcdf would have.
    { hdf5::Lock quiet; }

    // C++ errors as the Python exceptions users expect.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const UserCodeError& e) {
            if (e.original()) std::rethrow_exception(e.original());  // a later translator raises it
            PyErr_SetString(PyExc_RuntimeError, e.what());
        } catch (const CancelledError& e) {
            PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
        } catch (const KeyError& e) {
            PyErr_SetString(PyExc_KeyError, e.what());
        } catch (const MemoryBudgetError& e) {
            PyErr_SetString(PyExc_MemoryError, e.what());
        } catch (const IOError& e) {
            PyErr_SetString(PyExc_OSError, e.what());
        } catch (const FormatError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const ValueError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const Error& e) {
            PyErr_SetString(PyExc_RuntimeError, e.what());
        }
    });

    // _Array and DType first: the other signatures name them.
    auto array = python::bind_array(m);
    python::bind_elementwise(m);
    python::bind_reductions(m, array);
    python::bind_linalg(m);
    python::bind_blocks(m);
    python::bind_compute(m);
    python::bind_pickle(m);
}
