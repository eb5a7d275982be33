// Concatenate: each input's part of the region, converted to the result dtype, copied in place.
#include "exec/eval/operations.hpp"
#include "kernels/region_copy.hpp"

#include <algorithm>

namespace chunkarr {

// The part of the region inside input k, in k's coordinates (possibly empty).
Region input_region(const ops::Concatenate& op, const Node& node, std::size_t k, const Region& region) {
    const auto axis = static_cast<std::size_t>(op.axis);
    Index offset = 0;
    for (std::size_t i = 0; i < k; ++i) offset += node.inputs[i]->shape[axis];
    Region result = region;
    const Index lo = std::max(region[axis].start, offset);
    const Index hi = std::min(region[axis].stop, offset + node.inputs[k]->shape[axis]);
    result[axis] = hi > lo ? Range{lo - offset, hi - offset} : Range{0, 0};
    return result;
}

Block evaluate(const ops::Concatenate& op, const Node& node, const Region& region, Evaluator& evaluator) {
    const auto axis = static_cast<std::size_t>(op.axis);
    const Shape shape = region_shape(region);
    Block out = evaluator.allocate(node.dtype, shape);
    Index offset = 0;
    for (std::size_t k = 0; k < node.inputs.size(); ++k) {
        const Region part = input_region(op, node, k, region);
        if (element_count(region_shape(part)) > 0) {
            const Block in = evaluator.as_dtype(evaluator.evaluate(node.inputs[k], part), node.dtype);
            std::vector<Index> at(shape.size(), 0);
            at[axis] = offset + part[axis].start - region[axis].start;  // where the part lands
            kernels::copy_box(in.data(), in.shape, std::vector<Index>(shape.size(), 0), out.data(), shape, at, in.shape,
                              itemsize(node.dtype));
        }
        offset += node.inputs[k]->shape[axis];
    }
    return out;
}

std::size_t footprint(const ops::Concatenate&, const Node& node, const Region& region, FootprintWalk& walk) {
    return elementwise_footprint(node, region, walk, [&](std::size_t) { return node.dtype; });
}

}  // namespace chunkarr
