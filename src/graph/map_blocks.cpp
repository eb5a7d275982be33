#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/map_blocks.hpp>

#include "graph/node.hpp"

#include <algorithm>

namespace chunkarr {

Boundary parse_boundary(const std::string& name) {
    if (name == "reflect") return Boundary::Reflect;
    if (name == "periodic") return Boundary::Periodic;
    if (name == "nearest") return Boundary::Nearest;
    if (name == "constant") return Boundary::Constant;
    if (name == "none") return Boundary::None;
    throw ValueError("unknown boundary '" + name + "' (want reflect, periodic, nearest, constant or none)");
}

const char* boundary_name(Boundary boundary) {
    switch (boundary) {
        case Boundary::Reflect: return "reflect";
        case Boundary::Periodic: return "periodic";
        case Boundary::Nearest: return "nearest";
        case Boundary::Constant: return "constant";
        case Boundary::None: return "none";
    }
    return "?";
}

Index boundary_source(Boundary boundary, Index p, Index n) {
    if (p >= 0 && p < n) return p;
    switch (boundary) {
        case Boundary::Periodic: return ((p % n) + n) % n;
        case Boundary::Nearest: return p < 0 ? 0 : n - 1;
        case Boundary::Reflect: {
            const Index q = ((p % (2 * n)) + 2 * n) % (2 * n);  // period 2n: a b c c b a
            return q < n ? q : 2 * n - 1 - q;
        }
        case Boundary::Constant:
        case Boundary::None: return -1;
    }
    return -1;
}

Array map_blocks(BlockCallable function, const std::vector<Array>& arrays, std::optional<DType> dtype,
                 std::optional<ChunkGrid> chunks, std::string name) {
    if (arrays.empty()) throw ValueError("map_blocks needs at least one array");
    std::vector<NodePtr> inputs;
    for (const auto& a : arrays) inputs.push_back(a.node());
    auto f = std::make_shared<BlockFunction>(BlockFunction{std::move(name), std::move(function)});
    return Array(make_map_blocks_node(std::move(inputs), std::move(f), dtype.value_or(arrays.front().dtype()),
                                      std::move(chunks)));
}

Array map_overlap(std::function<NDArray(const NDArray& block, const BlockInfo& info)> function, const Array& x,
                  std::vector<Index> depth, Boundary boundary, double value, std::optional<DType> dtype,
                  std::string name, bool trim) {
    const auto axes = static_cast<std::size_t>(x.ndim());
    return map_overlap(std::move(function), x, std::move(depth), std::vector<Boundary>(axes, boundary),
                       std::vector<double>(axes, value), dtype, std::move(name), trim);
}

Array map_overlap(std::function<NDArray(const NDArray& block, const BlockInfo& info)> function, const Array& x,
                  std::vector<Index> depth, std::vector<Boundary> boundaries, std::vector<double> values,
                  std::optional<DType> dtype, std::string name, bool trim) {
    if (depth.size() == 1 && x.ndim() != 1) depth.assign(x.ndim(), depth.front());
    if (!function) throw ValueError("map_overlap needs a function");
    BlockCallable call = [function = std::move(function)](const std::vector<NDArray>& blocks, const BlockInfo& info) {
        return function(blocks.front(), info);
    };
    auto f = std::make_shared<BlockFunction>(BlockFunction{std::move(name), std::move(call)});
    return Array(make_map_blocks_node({x.node()}, std::move(f), dtype.value_or(x.dtype()), std::nullopt,
                                      Overlap{std::move(depth), std::move(boundaries), std::move(values), trim}));
}

}  // namespace chunkarr
