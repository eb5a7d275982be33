// ExpandDims: the same elements with unit axes added; no copy.
#include "exec/eval/operations.hpp"

namespace chunkarr {

Region input_region(const ops::ExpandDims& op, const Node&, std::size_t, const Region& region) {
    Region result;
    for (std::size_t axis = 0; axis < region.size(); ++axis)
        if (!op.is_new(axis)) result.push_back(region[axis]);
    return result;
}

Block evaluate(const ops::ExpandDims& op, const Node& node, const Region& region, Evaluator& evaluator) {
    Block in = evaluator.evaluate(node.inputs[0], input_region(op, node, 0, region));
    in.shape = region_shape(region);
    return in;
}

std::size_t footprint(const ops::ExpandDims& op, const Node& node, const Region& region, FootprintWalk& walk) {
    return walk(*node.inputs[0], input_region(op, node, 0, region));
}

}  // namespace chunkarr
