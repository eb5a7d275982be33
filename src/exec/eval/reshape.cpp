// Reshape: the input boxes that hold a region's elements (graph/ops/reshape.hpp), each copied to
// where it lands; one box that is the whole region needs no copy.
#include "exec/eval/operations.hpp"
#include "kernels/region_copy.hpp"

namespace chunkarr {

std::vector<Region> reshape_input_pieces(const Node& node, const Region& region) {
    if (is_empty(region) || element_count(node.shape) == 0) return {};
    std::vector<Region> result;
    for (auto& piece : reshape_layout(node.inputs[0]->shape, node.shape, region).pieces)
        result.push_back(std::move(piece.input));
    return result;
}

// The box around the pieces.
Region input_region(const ops::Reshape&, const Node& node, std::size_t, const Region& region) {
    const std::vector<Region> pieces = reshape_input_pieces(node, region);
    if (pieces.empty()) return Region(node.inputs[0]->shape.size(), Range{0, 0});
    Region box = pieces.front();
    for (const Region& piece : pieces)
        for (std::size_t axis = 0; axis < box.size(); ++axis) {
            box[axis].start = std::min(box[axis].start, piece[axis].start);
            box[axis].stop = std::max(box[axis].stop, piece[axis].stop);
        }
    return box;
}

Block evaluate(const ops::Reshape&, const Node& node, const Region& region, Evaluator& evaluator) {
    const Shape shape = region_shape(region);
    if (element_count(shape) == 0) return evaluator.allocate(node.dtype, shape);
    const ReshapeLayout layout = reshape_layout(node.inputs[0]->shape, node.shape, region);
    if (layout.pieces.size() == 1) {  // one input box: the same elements in the same order
        Block in = evaluator.evaluate(node.inputs[0], layout.pieces.front().input);
        in.shape = shape;
        return in;
    }
    Block out = evaluator.allocate(node.dtype, shape);
    for (const ReshapePiece& piece : layout.pieces) {
        const Block in = evaluator.evaluate(node.inputs[0], piece.input);
        kernels::copy_box(in.data(), piece.count, std::vector<Index>(piece.count.size(), 0), out.data(),
                          layout.region_flat, piece.at, piece.count, itemsize(node.dtype));
    }
    return out;
}

std::size_t footprint(const ops::Reshape&, const Node& node, const Region& region, FootprintWalk& walk) {
    const std::vector<Region> pieces = reshape_input_pieces(node, region);
    std::size_t total = pieces.size() > 1 ? region_bytes(region, node.dtype) : 0;
    for (const Region& piece : pieces) total += walk(*node.inputs[0], piece);
    return total;
}

}  // namespace chunkarr
