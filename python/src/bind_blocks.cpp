// Boundary (Dask's names) and map_blocks: a Python function on every block, optionally extended
// by its neighbours' edges (map_overlap).
#include <chunkarr/core/shape.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/block_function.hpp>

#include "bindings.hpp"
#include "block_function.hpp"
#include "graph/node.hpp"

#include <memory>
#include <optional>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <vector>

namespace py = pybind11;

namespace chunkarr::python {

void bind_blocks(py::module_& m) {
    py::enum_<Boundary>(m, "Boundary", "What map_overlap sees past the array's edges (Dask's names)")
        .value("reflect", Boundary::Reflect)
        .value("periodic", Boundary::Periodic)
        .value("nearest", Boundary::Nearest)
        .value("constant", Boundary::Constant)
        .value("none", Boundary::None);

    // depth None: map_blocks; else map_overlap, with a boundary and a constant value per axis.
    m.def(
        "map_blocks",
        [](py::function function, const std::vector<Array>& arrays, DType dtype,
           std::optional<std::vector<std::vector<Index>>> chunks, std::optional<std::vector<Index>> depth,
           std::vector<Boundary> boundary, const std::vector<double>& value, bool trim, const std::string& name,
           bool block_id, bool block_info) {
            auto f = std::make_shared<BlockFunction>(
                BlockFunction{name, python_block_function(std::move(function), block_id, block_info)});
            std::vector<NodePtr> nodes;
            for (const auto& a : arrays) nodes.push_back(a.node());
            std::optional<ChunkGrid> grid;
            if (chunks) grid = ChunkGrid(*chunks);
            std::optional<Overlap> overlap;
            if (depth) overlap = Overlap{*depth, std::move(boundary), value, trim};
            return Array(make_map_blocks_node(std::move(nodes), std::move(f), dtype, grid, overlap));
        },
        py::arg("function"), py::arg("arrays"), py::arg("dtype"), py::arg("chunks"), py::arg("depth"),
        py::arg("boundary"), py::arg("value"), py::arg("trim"), py::arg("name"), py::arg("block_id"),
        py::arg("block_info"));
}

}  // namespace chunkarr::python
