// Cast: the input converted to the node's dtype.
#include "exec/eval/operations.hpp"

namespace chunkarr {

Region input_region(const ops::Cast&, const Node&, std::size_t, const Region& region) { return region; }

Block evaluate(const ops::Cast&, const Node& node, const Region& region, Evaluator& evaluator) {
    return evaluator.as_dtype(evaluator.evaluate(node.inputs[0], region), node.dtype);
}

std::size_t footprint(const ops::Cast&, const Node& node, const Region& region, FootprintWalk& walk) {
    return elementwise_footprint(node, region, walk, [&](std::size_t) { return node.inputs[0]->dtype; });
}

}  // namespace chunkarr
