// Scalar: a 0-d block, made once per compute (EvaluationContext::constants).
#include "core/cast.hpp"
#include "exec/eval/operations.hpp"

namespace chunkarr {

Region input_region(const ops::Scalar&, const Node&, std::size_t, const Region& region) { return region; }

Block evaluate(const ops::Scalar& op, const Node& node, const Region&, Evaluator& evaluator) {
    const auto& constants = evaluator.context().constants;
    if (auto it = constants.find(&node); it != constants.end()) return it->second;
    Block out = evaluator.allocate(node.dtype, {});
    cast_elements(reinterpret_cast<const std::byte*>(&op.value), DType::Float64, out.data(), node.dtype, 1);
    return out;
}

std::size_t footprint(const ops::Scalar&, const Node& node, const Region&, FootprintWalk&) {
    return itemsize(node.dtype);
}

}  // namespace chunkarr
