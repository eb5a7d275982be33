// ReduceOp and QuantileMode, and what reduces along axes: reductions (with their nan-variants),
// argmin/argmax, running sums and products, histograms, quantiles.
#include <chunkarr/core/ops.hpp>
#include <chunkarr/core/quantile_mode.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/quantile.hpp>

#include "bindings.hpp"
#include "graph/node.hpp"

#include <optional>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace chunkarr::python {

namespace {

// Through Array's public reductions, which check what the engine's node does not (min/max of
// an empty axis has no identity). `skipna`: the nan-variant; count always skips NaN.
Array reduce(const Array& x, ReduceOp op, std::optional<std::vector<int>> axes, bool keepdims, bool skipna, int ddof) {
    if (axes && axes->empty()) return x;  // axis=() reduces nothing
    const Axes a = axes.value_or(Axes{});
    switch (op) {
        case ReduceOp::Sum: return skipna ? x.nansum(a, keepdims) : x.sum(a, keepdims);
        case ReduceOp::Mean: return skipna ? x.nanmean(a, keepdims) : x.mean(a, keepdims);
        case ReduceOp::Min: return skipna ? x.nanmin(a, keepdims) : x.min(a, keepdims);
        case ReduceOp::Max: return skipna ? x.nanmax(a, keepdims) : x.max(a, keepdims);
        case ReduceOp::Var: return skipna ? x.nanvar(a, keepdims, ddof) : x.var(a, keepdims, ddof);
        case ReduceOp::Std: return skipna ? x.nanstd(a, keepdims, ddof) : x.std(a, keepdims, ddof);
        case ReduceOp::Count: return x.count(a, keepdims);
        case ReduceOp::Prod: return skipna ? x.nanprod(a, keepdims) : x.prod(a, keepdims);
    }
    throw py::value_error("unknown reduction " + std::to_string(static_cast<int>(op)));  // ReduceOp(99) from Python
}

}  // namespace

void bind_reductions(py::module_& m, ArrayClass& array) {
    py::enum_<ReduceOp>(m, "ReduceOp", "Reductions over axes, by NumPy's names (count: values that are not NaN)")
        .value("sum", ReduceOp::Sum)
        .value("mean", ReduceOp::Mean)
        .value("min", ReduceOp::Min)
        .value("max", ReduceOp::Max)
        .value("var", ReduceOp::Var)
        .value("std", ReduceOp::Std)
        .value("count", ReduceOp::Count)
        .value("prod", ReduceOp::Prod);
    py::enum_<QuantileMode>(m, "QuantileMode", "How quantile turns order statistics into its result (NumPy's rules)")
        .value("linear", QuantileMode::Linear)
        .value("exact", QuantileMode::Exact)
        .value("median", QuantileMode::Median);

    // axes None: every axis; an empty list: none (the array itself).
    array
        .def("reduce", &reduce, py::arg("op"), py::arg("axes"), py::arg("keepdims") = false, py::arg("skipna") = false,
             py::arg("ddof") = 0)
        .def(
            "any",
            [](const Array& x, std::optional<std::vector<int>> axes, bool keepdims) {
                return axes && axes->empty() ? x : x.any(axes.value_or(Axes{}), keepdims);
            },
            py::arg("axes"), py::arg("keepdims") = false)
        .def(
            "all",
            [](const Array& x, std::optional<std::vector<int>> axes, bool keepdims) {
                return axes && axes->empty() ? x : x.all(axes.value_or(Axes{}), keepdims);
            },
            py::arg("axes"), py::arg("keepdims") = false);

    m.def(
        "argmin", [](const Array& x, std::optional<int> axis) { return argmin(x, axis); }, py::arg("x"),
        py::arg("axis"));
    m.def(
        "argmax", [](const Array& x, std::optional<int> axis) { return argmax(x, axis); }, py::arg("x"),
        py::arg("axis"));
    m.def(
        "cumsum", [](const Array& x, int axis) { return cumsum(x, axis); }, py::arg("x"), py::arg("axis"));
    m.def(
        "cumprod", [](const Array& x, int axis) { return cumprod(x, axis); }, py::arg("x"), py::arg("axis"));
    m.def(
        "histogram",
        [](const Array& x, int bins, std::optional<std::pair<double, double>> range) {
            return histogram(x, bins, range);
        },
        py::arg("x"), py::arg("bins"), py::arg("range"));
    m.def(
        "histogram_edges", [](const Array& x, const std::vector<double>& edges) { return histogram(x, edges); },
        py::arg("x"), py::arg("edges"));
    // q flattened, with its shape.
    m.def(
        "quantile",
        [](const Array& x, std::vector<double> q, const Shape& q_shape, std::optional<std::vector<int>> axes,
           bool keepdims, bool skipna, QuantileMode mode) {
            return quantile(x, std::move(q), q_shape, axes.value_or(std::vector<int>{}), keepdims, skipna, mode);
        },
        py::arg("x"), py::arg("q"), py::arg("q_shape"), py::arg("axes"), py::arg("keepdims"), py::arg("skipna"),
        py::arg("mode"));
}

}  // namespace chunkarr::python
