// Pickling: an array's graph as bytes (graph/serialize.hpp) plus the Python objects the engine
// cannot write itself - NumPy arrays behind from_array and map_blocks functions - in a list
// that Python's pickle carries beside the bytes (chunkarr/_pickle.py).
#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/array.hpp>

#include "bindings.hpp"
#include "block_function.hpp"
#include "graph/serialize.hpp"
#include "numpy_source.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>

namespace py = pybind11;

namespace chunkarr::python {

namespace {

// Entries of the list: ("numpy", array, chunks) and ("function", callable, name, block_id, block_info).
Foreign foreign_objects(py::list& objects) {
    Foreign foreign;
    foreign.save_source = [&objects](const SourcePtr& source) -> std::uint64_t {
        const auto* numpy = dynamic_cast<const NumpySource*>(source.get());
        if (!numpy) throw ValueError("cannot pickle source " + source->describe());
        objects.append(py::make_tuple("numpy", numpy->array(), numpy->task_grid().chunks()));
        return objects.size() - 1;
    };
    foreign.save_function = [&objects](const BlockFunctionPtr& function) -> std::uint64_t {
        const auto* call = function->call.target<PythonBlockCall>();
        if (!call)
            throw ValueError("cannot pickle map_blocks function '" + function->name + "' (not a Python function)");
        objects.append(
            py::make_tuple("function", call->function(), function->name, call->pass_block_id, call->pass_block_info));
        return objects.size() - 1;
    };
    auto entry = [&objects](std::uint64_t index, const char* kind) {
        if (index >= objects.size()) throw ValueError("chunkarr pickle is damaged: object " + std::to_string(index));
        py::tuple item = objects[index];
        if (item.size() < 1 || item[0].cast<std::string>() != kind)
            throw ValueError(std::string("chunkarr pickle is damaged: object ") + std::to_string(index) + " is not a " +
                             kind);
        return item;
    };
    foreign.load_source = [entry](std::uint64_t index) -> SourcePtr {
        py::tuple item = entry(index, "numpy");
        py::array array = item[1];
        const std::string name = py::str(array.dtype().attr("name"));
        const auto dtype = parse_dtype(name);
        if (!dtype) throw ValueError("chunkarr pickle holds an array of dtype " + name);
        return std::make_shared<NumpySource>(array, *dtype, ChunkGrid(item[2].cast<std::vector<std::vector<Index>>>()));
    };
    foreign.load_function = [entry](std::uint64_t index) -> BlockFunctionPtr {
        py::tuple item = entry(index, "function");
        return std::make_shared<BlockFunction>(BlockFunction{
            item[2].cast<std::string>(),
            python_block_function(item[1].cast<py::function>(), item[3].cast<bool>(), item[4].cast<bool>())});
    };
    return foreign;
}

}  // namespace

void bind_pickle(py::module_& m) {
    m.def(
        "pickle_graph",
        [](const Array& array) {
            py::list objects;
            const std::string bytes = serialize_graph(array.node(), foreign_objects(objects));
            return py::make_tuple(py::bytes(bytes), objects);
        },
        py::arg("array"), "(bytes, Python objects) that unpickle_graph makes the array again from");
    m.def(
        "unpickle_graph",
        [](const py::bytes& bytes, py::list objects) {
            return Array(deserialize_graph(std::string(bytes), foreign_objects(objects)));
        },
        py::arg("bytes"), py::arg("objects"));
}

}  // namespace chunkarr::python
