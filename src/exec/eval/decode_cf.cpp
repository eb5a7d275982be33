// DecodeCF: stored values to physical ones, missing ones to NaN (kernels::decode_cf).
#include "exec/eval/operations.hpp"
#include "kernels/elementwise.hpp"

namespace chunkarr {

Region input_region(const ops::DecodeCF&, const Node&, std::size_t, const Region& region) { return region; }

Block evaluate(const ops::DecodeCF& op, const Node& node, const Region& region, Evaluator& evaluator) {
    const Block in = evaluator.evaluate(node.inputs[0], region);
    Block out = evaluator.allocate(node.dtype, region_shape(region));
    kernels::decode_cf(op.decoding, in.dtype, in.data(), out.data(), in.size());
    return out;
}

std::size_t footprint(const ops::DecodeCF&, const Node& node, const Region& region, FootprintWalk& walk) {
    return elementwise_footprint(node, region, walk, [&](std::size_t) { return node.inputs[0]->dtype; });
}

}  // namespace chunkarr
