// DecodeCF: stored values to physical ones, missing ones to NaN (kernels::decode_cf). A decode
// with an elementwise consumer runs inside that consumer's fused chain (exec/fused_chain.hpp).
#include "exec/eval/operations.hpp"
#include "exec/fused_chain.hpp"
#include "kernels/elementwise.hpp"

namespace chunkarr {

Region input_region(const ops::DecodeCF&, const Node&, std::size_t, const Region& region) { return region; }

Block evaluate(const ops::DecodeCF& op, const Node& node, const Region& region, Evaluator& evaluator) {
    if (auto fused = evaluate_fused_chain(node, region, evaluator)) return *fused;
    const Block in = evaluator.evaluate(node.inputs[0], region);
    // Over the stored values when the decoding keeps their type (a float's fill value -> NaN).
    Block out = evaluator.output_for(node, region_shape(region), in, *node.inputs[0]);
    kernels::decode_cf(op.decoding, in.dtype, in.data(), out.data(), in.size());
    return out;
}

std::size_t footprint(const ops::DecodeCF&, const Node& node, const Region& region, FootprintWalk& walk) {
    return elementwise_footprint(node, region, walk, [&](std::size_t) { return node.inputs[0]->dtype; });
}

}  // namespace chunkarr
