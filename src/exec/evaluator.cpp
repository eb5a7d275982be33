#include "exec/evaluator.hpp"

#include <chunkarr/core/error.hpp>

#include "core/cast.hpp"
#include "exec/eval/operations.hpp"

#include <algorithm>

namespace chunkarr {

Block Evaluator::evaluate(const NodePtr& node, const Region& region) {
    // A transient result has one consumer, which may overwrite it: never keep it for reuse.
    if (context_.transient.count(node.get())) return compute(*node, region);
    for (const auto& [key, block] : memo_)
        if (key.first == node.get() && key.second == region) return block;
    Block block = compute(*node, region);
    memo_.push_back({{node.get(), region}, block});
    return block;
}

Block Evaluator::compute(const Node& node, const Region& region) {
    return std::visit([&](const auto& op) { return chunkarr::evaluate(op, node, region, *this); }, node.op);
}

Block Evaluator::output_for(const Node& node, const Shape& shape, const Block& first_operand, const Node& first_input) {
    // use_count 1: only our local handle holds the buffer (not the memo, not a slice view).
    if (context_.transient.count(&first_input) && first_operand.dtype == node.dtype && first_operand.shape == shape &&
        first_operand.storage.use_count() == 1)
        return first_operand;
    return allocate(node.dtype, shape);
}

Block Evaluator::as_dtype(const Block& block, DType dtype) {
    if (block.dtype == dtype) return block;
    Block out = allocate(dtype, block.shape);
    cast_elements(block.data(), block.dtype, out.data(), dtype, block.size());
    return out;
}

std::size_t Evaluator::footprint(const std::vector<NodePtr>& nodes, const Region& region, const Materialized& done) {
    FootprintWalk walk(done);
    std::size_t total = 0;
    for (const auto& node : nodes) total += walk(*node, region);
    return total;
}

Region input_region(const Node& node, std::size_t k, const Region& region) {
    return std::visit([&](const auto& op) { return input_region(op, node, k, region); }, node.op);
}

std::vector<Region> input_regions(const Node& node, std::size_t k, const Region& region) {
    if (node.is<ops::Reshape>()) return reshape_input_pieces(node, region);
    return {input_region(node, k, region)};
}

std::size_t FootprintWalk::operator()(const Node& node, const Region& region) {
    for (const auto& [n, r] : seen_)
        if (n == &node && r == region) return 0;
    seen_.emplace_back(&node, region);
    return std::visit([&](const auto& op) { return footprint(op, node, region, *this); }, node.op);
}

std::size_t region_bytes(const Region& region, DType dtype) {
    return static_cast<std::size_t>(element_count(region_shape(region))) * itemsize(dtype);
}

bool is_empty(const Region& region) {
    return std::any_of(region.begin(), region.end(), [](const Range& r) { return r.size() <= 0; });
}

}  // namespace chunkarr
