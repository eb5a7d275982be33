// Reduce: computed by the executor in an earlier stage (exec/executor.cpp); here its stored
// result is only copied out for the nodes that use it.
#include <chunkarr/core/error.hpp>

#include "exec/eval/operations.hpp"
#include "kernels/region_copy.hpp"

namespace chunkarr {

Block materialized(const Node& node, const Region& region, Evaluator& evaluator) {
    const auto& done = evaluator.context().done;
    auto it = done.find(&node);
    if (it == done.end()) throw Error("internal: reduction evaluated before it was computed");
    Block out = evaluator.allocate(node.dtype, region_shape(region));
    kernels::copy_region(it->second.data(), it->second.shape(), itemsize(node.dtype), region, out.data());
    return out;
}

// The input region behind an output region: reduced axes taken whole.
Region input_region(const ops::Reduce& op, const Node& node, std::size_t, const Region& region) {
    const Node& input = *node.inputs[0];
    Region result(input.shape.size());
    std::size_t out_axis = 0;
    for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
        if (op.reduces(axis)) {
            result[axis] = {0, input.shape[axis]};
            if (op.keepdims) ++out_axis;
        } else {
            result[axis] = region[out_axis++];
        }
    }
    return result;
}

Block evaluate(const ops::Reduce&, const Node& node, const Region& region, Evaluator& evaluator) {
    return materialized(node, region, evaluator);
}

std::size_t footprint(const ops::Reduce&, const Node& node, const Region& region, FootprintWalk&) {
    return region_bytes(region, node.dtype);
}

}  // namespace chunkarr
