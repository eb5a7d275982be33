// DType, the _Array handle, where arrays come from (files, NumPy arrays without a copy, the
// engine's constructors), and the shape functions (NumPy's names).
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/complex_array.hpp>
#include <chunkarr/graph/constructors.hpp>

#include "bindings.hpp"
#include "graph/node.hpp"
#include "numpy_source.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <vector>

namespace py = pybind11;

namespace chunkarr::python {

namespace {

std::vector<Indexer> indexers(const py::tuple& index) {
    std::vector<Indexer> result;
    for (const auto& item : index) {
        if (py::isinstance<py::slice>(item)) {
            auto get = [&](const char* name) -> std::optional<Index> {
                py::object v = item.attr(name);
                if (v.is_none()) return std::nullopt;
                return v.cast<Index>();
            };
            Slice s{get("start"), get("stop"), get("step").value_or(1)};
            result.emplace_back(s);
        } else {
            result.emplace_back(item.cast<Index>());
        }
    }
    return result;
}

}  // namespace

ArrayClass bind_array(py::module_& m) {
    // Members are NumPy's dtype names, which the package looks up (chunkarr._dtypes).
    py::enum_<DType>(m, "DType", "Element types, by NumPy's names")
        .value("bool", DType::Bool)
        .value("int8", DType::Int8)
        .value("int16", DType::Int16)
        .value("int32", DType::Int32)
        .value("int64", DType::Int64)
        .value("uint8", DType::UInt8)
        .value("uint16", DType::UInt16)
        .value("uint32", DType::UInt32)
        .value("uint64", DType::UInt64)
        .value("float32", DType::Float32)
        .value("float64", DType::Float64);

    ArrayClass array(m, "_Array");
    array.def_property_readonly("shape", [](const Array& a) { return py::tuple(py::cast(a.shape())); })
        .def_property_readonly("dtype", [](const Array& a) { return std::string(dtype_name(a.dtype())); })
        .def_property_readonly("chunks", [](const Array& a) { return a.chunks().chunks(); })
        .def(
            "astype", [](const Array& a, DType dtype) { return a.astype(dtype); }, py::arg("dtype"))
        .def(
            "rechunk",
            [](const Array& a, const std::vector<std::vector<Index>>& chunks) { return a.rechunk(ChunkGrid(chunks)); },
            py::arg("chunks"))
        .def(
            "getitem", [](const Array& a, const py::tuple& index) { return a[indexers(index)]; }, py::arg("index"));

    m.def(
        "open",
        [](const std::string& path, const std::string& variable, bool mask_and_scale,
           std::optional<std::string> concat) {
            OpenOptions options;
            options.mask_and_scale = mask_and_scale;
            options.concat_dimension = std::move(concat);
            return open(path, variable, options);
        },
        py::arg("path"), py::arg("variable"), py::arg("mask_and_scale"), py::arg("concat"));
    // A complex variable's (real, imaginary) parts; None when it is not complex.
    m.def(
        "open_complex",
        [](const std::string& path, const std::string& variable, bool mask_and_scale,
           std::optional<std::string> concat) -> std::optional<std::pair<Array, Array>> {
            OpenOptions options;
            options.mask_and_scale = mask_and_scale;
            options.concat_dimension = std::move(concat);
            const auto z = open_complex(path, variable, options);
            if (!z) return std::nullopt;
            return std::pair{z->real, z->imag};
        },
        py::arg("path"), py::arg("variable"), py::arg("mask_and_scale"), py::arg("concat"));
    // The array's own dtype (not the caller's word for it): the source reads its memory as that.
    m.def(
        "from_numpy",
        [](py::array array, const std::vector<std::vector<Index>>& chunks) {
            const std::string name = py::str(array.dtype().attr("name"));
            const auto dtype = parse_dtype(name);
            if (!dtype) throw py::type_error("chunkarr does not support dtype " + name);
            return Array(make_source_node(std::make_shared<NumpySource>(std::move(array), *dtype, ChunkGrid(chunks))));
        },
        py::arg("array"), py::arg("chunks"));
    m.def(
        "full",
        [](const Shape& shape, double value, DType dtype, const Shape& chunk) {
            return full(shape, value, dtype, chunk);
        },
        py::arg("shape"), py::arg("value"), py::arg("dtype"), py::arg("chunk"));
    m.def(
        "arange",
        [](double start, double stop, double step, DType dtype, Index chunk) {
            return arange(start, stop, step, dtype, chunk);
        },
        py::arg("start"), py::arg("stop"), py::arg("step"), py::arg("dtype"), py::arg("chunk"));
    m.def(
        "random_uniform",
        [](const Shape& shape, std::uint64_t seed, const Shape& chunk) { return random_uniform(shape, seed, chunk); },
        py::arg("shape"), py::arg("seed"), py::arg("chunk"));

    m.def(
        "expand_dims", [](const Array& x, const std::vector<int>& axes) { return expand_dims(x, axes); }, py::arg("x"),
        py::arg("axes"));
    m.def(
        "squeeze", [](const Array& x, const std::vector<int>& axes) { return squeeze(x, axes); }, py::arg("x"),
        py::arg("axes"));
    m.def(
        "moveaxis", [](const Array& x, int source, int destination) { return moveaxis(x, source, destination); },
        py::arg("x"), py::arg("source"), py::arg("destination"));
    m.def(
        "stack", [](const std::vector<Array>& arrays, int axis) { return stack(arrays, axis); }, py::arg("arrays"),
        py::arg("axis"));
    m.def(
        "broadcast_to", [](const Array& x, const Shape& shape) { return broadcast_to(x, shape); }, py::arg("x"),
        py::arg("shape"));
    m.def(
        "concatenate", [](const std::vector<Array>& arrays, int axis) { return concatenate(arrays, axis); },
        py::arg("arrays"), py::arg("axis"));
    // Indices as a NumPy int64 array: a long gather list is copied once, not item by item.
    m.def(
        "take",
        [](const Array& x, const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& indices,
           int axis) {
            const std::int64_t* first = indices.data();
            return take(x, std::vector<Index>(first, first + indices.size()), axis);
        },
        py::arg("x"), py::arg("indices"), py::arg("axis"));
    m.def(
        "transpose", [](const Array& x, std::vector<int> order) { return transpose(x, std::move(order)); },
        py::arg("x"), py::arg("order"));
    m.def(
        "reshape", [](const Array& x, const std::vector<Index>& shape) { return reshape(x, shape); }, py::arg("x"),
        py::arg("shape"));
    return array;
}

}  // namespace chunkarr::python
