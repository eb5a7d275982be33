// Take: the box of input positions the region's indices span, read once; slabs copied in order.
#include "exec/eval/operations.hpp"

#include <algorithm>
#include <cstring>

namespace chunkarr {

Region input_region(const ops::Take& op, const Node&, std::size_t, const Region& region) {
    Region result = region;
    const auto axis = static_cast<std::size_t>(op.axis);
    const Range r = region[axis];
    if (is_empty(region)) {
        result[axis] = {0, 0};
        return result;
    }
    const auto first = op.indices.begin() + r.start, last = op.indices.begin() + r.stop;
    const auto [low, high] = std::minmax_element(first, last);
    result[axis] = {*low, *high + 1};
    return result;
}

Block evaluate(const ops::Take& op, const Node& node, const Region& region, Evaluator& evaluator) {
    const Shape shape = region_shape(region);
    const Region box = input_region(op, node, 0, region);
    const Block in = evaluator.evaluate(node.inputs[0], box);
    Block out = evaluator.allocate(node.dtype, shape);
    if (out.size() == 0) return out;
    const auto axis = static_cast<std::size_t>(op.axis);
    // C order: `outer` runs of the axis, each position a contiguous slab of `slab` bytes.
    Index outer = 1, slab = static_cast<Index>(itemsize(node.dtype));
    for (std::size_t a = 0; a < axis; ++a) outer *= shape[a];
    for (std::size_t a = axis + 1; a < shape.size(); ++a) slab *= shape[a];
    const Index taken = shape[axis], spanned = box[axis].size();
    for (Index o = 0; o < outer; ++o)
        for (Index j = 0; j < taken; ++j) {
            const Index from = op.indices[static_cast<std::size_t>(region[axis].start + j)] - box[axis].start;
            std::memcpy(out.data() + (o * taken + j) * slab, in.data() + (o * spanned + from) * slab,
                        static_cast<std::size_t>(slab));
        }
    return out;
}

std::size_t footprint(const ops::Take& op, const Node& node, const Region& region, FootprintWalk& walk) {
    return region_bytes(region, node.dtype) + walk(*node.inputs[0], input_region(op, node, 0, region));
}

}  // namespace chunkarr
