// Linear algebra, NumPy's names: matmul, dot, tensordot; and which BLAS computes the products.
#include <chunkarr/graph/linalg.hpp>

#include "bindings.hpp"
#include "kernels/linalg.hpp"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <vector>

namespace py = pybind11;

namespace chunkarr::python {

void bind_linalg(py::module_& m) {
    m.def(
        "matmul", [](const Array& a, const Array& b) { return matmul(a, b); }, py::arg("a"), py::arg("b"));
    m.def(
        "dot", [](const Array& a, const Array& b) { return dot(a, b); }, py::arg("a"), py::arg("b"));
    m.def(
        "tensordot",
        [](const Array& a, const Array& b, const std::vector<int>& a_axes, const std::vector<int>& b_axes) {
            return tensordot(a, b, a_axes, b_axes);
        },
        py::arg("a"), py::arg("b"), py::arg("a_axes"), py::arg("b_axes"));
    m.def(
        "tensordot_n", [](const Array& a, const Array& b, int axes) { return tensordot(a, b, axes); }, py::arg("a"),
        py::arg("b"), py::arg("axes"));
    m.def("blas_name", [] { return std::string(kernels::blas_name()); });
}

}  // namespace chunkarr::python
