#include "graph/ops/map_blocks.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/node.hpp"

#include <algorithm>
#include <sstream>

namespace chunkarr {

namespace {

// The output chunks of map_overlap: the input's when trimmed; untrimmed, every block is its
// input block with the extension on each side.
ChunkGrid overlap_chunks(const ChunkGrid& grid, const Shape& shape, const Overlap& overlap) {
    if (overlap.trim) return grid;
    std::vector<std::vector<Index>> extended = grid.chunks();
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        const Index d = overlap.depth[axis];
        for (std::size_t b = 0; b < extended[axis].size(); ++b) {
            if (extended[axis][b] == 0) continue;
            const Index start = grid.offset(axis, static_cast<Index>(b)), stop = start + extended[axis][b];
            extended[axis][b] = overlap.boundaries[axis] == Boundary::None
                                    ? std::min(shape[axis], stop + d) - std::max<Index>(0, start - d)
                                    : extended[axis][b] + 2 * d;
        }
    }
    return ChunkGrid(std::move(extended));
}

void check_overlap(const Overlap& overlap, std::size_t inputs, std::size_t ndim) {
    if (inputs != 1) throw ValueError("map_overlap takes one array");
    if (overlap.depth.size() != ndim)
        throw ValueError("map_overlap depth needs one entry per axis (" + std::to_string(ndim) + "), got " +
                         std::to_string(overlap.depth.size()));
    for (Index d : overlap.depth)
        if (d < 0) throw ValueError("map_overlap depth must not be negative, got " + std::to_string(d));
    if (overlap.boundaries.size() != ndim || overlap.values.size() != ndim)
        throw ValueError("map_overlap boundary needs one entry per axis (" + std::to_string(ndim) + "), got " +
                         std::to_string(overlap.boundaries.size()));
}

}  // namespace

NodePtr make_map_blocks_node(std::vector<NodePtr> inputs, BlockFunctionPtr function, DType dtype,
                             std::optional<ChunkGrid> chunks, std::optional<Overlap> overlap) {
    if (inputs.empty()) throw ValueError("map_blocks needs at least one array");
    if (!function || !function->call) throw ValueError("map_blocks needs a function");
    const Shape& shape = inputs.front()->shape;
    ChunkGrid grid = inputs.front()->chunks;
    for (const auto& input : inputs) {
        if (input->shape != shape)
            throw ValueError("map_blocks arrays need one shape, got " + shape_to_string(shape) + " and " +
                             shape_to_string(input->shape));
        if (input->chunks != grid) grid = common_refinement(grid, input->chunks);
    }
    for (auto& input : inputs) input = make_rechunk_node(input, grid);
    Node n;
    n.dtype = dtype;
    if (overlap) {
        check_overlap(*overlap, inputs.size(), shape.size());
        ChunkGrid expected = overlap_chunks(grid, shape, *overlap);
        if (chunks && *chunks != expected) throw ValueError("map_overlap makes its own chunks");
        chunks = std::move(expected);
    }
    if (chunks) {
        if (chunks->numblocks() != grid.numblocks())
            throw ValueError("map_blocks chunks " + chunks->to_string() +
                             " need as many blocks per axis as the input's " + grid.to_string());
        n.chunks = std::move(*chunks);
    } else {
        n.chunks = grid;
    }
    n.shape = n.chunks.shape();
    n.op = ops::MapBlocks{std::move(function), std::move(overlap)};
    n.inputs = std::move(inputs);
    return intern(std::move(n));
}

NodePtr rebuild(const ops::MapBlocks& op, const Node& node, std::vector<NodePtr> inputs) {
    return make_map_blocks_node(std::move(inputs), op.function, node.dtype, node.chunks, op.overlap);
}

std::string describe(const ops::MapBlocks& op, const Node&, const std::vector<std::string>& inputs) {
    std::ostringstream out;
    out << (op.overlap ? "map_overlap(" : "map_blocks(") << op.function->name;
    for (const auto& input : inputs) out << ", " << input;
    if (op.overlap) {
        out << ", depth=" << shape_to_string(op.overlap->depth) << ", boundary=(";
        for (std::size_t axis = 0; axis < op.overlap->boundaries.size(); ++axis) {
            out << (axis ? ", " : "") << boundary_name(op.overlap->boundaries[axis]);
            if (op.overlap->boundaries[axis] == Boundary::Constant) out << ' ' << op.overlap->values[axis];
        }
        out << ')';
        if (!op.overlap->trim) out << ", trim=false";
    }
    out << ")";
    return out.str();
}

}  // namespace chunkarr
