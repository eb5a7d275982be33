// Unary, Binary and Where: inputs cast to the compute type, then one kernel pass that may write
// into its first operand's buffer when that is a transient result. The last operation of a fused
// chain runs the whole chain a tile at a time instead (exec/fused_chain.hpp).
#include "kernels/elementwise.hpp"

#include "exec/eval/operations.hpp"
#include "exec/fused_chain.hpp"

namespace chunkarr {

namespace {

// Pads `shape` with leading 1s to `rank` (NumPy broadcasting aligns trailing axes).
Shape pad_to_rank(const Shape& shape, std::size_t rank) {
    Shape padded(rank - shape.size(), 1);
    padded.insert(padded.end(), shape.begin(), shape.end());
    return padded;
}

// The region of a broadcast operand: its length-1 axes where the result is longer stay [0, 1).
Region broadcast_input_region(const Node& node, std::size_t k, const Region& region) {
    const Node& input = *node.inputs[k];
    const std::size_t offset = node.shape.size() - input.shape.size();
    Region result(input.shape.size());
    for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
        const bool broadcast = input.shape[axis] == 1 && node.shape[axis + offset] != 1;
        result[axis] = broadcast ? Range{0, 1} : region[axis + offset];
    }
    return result;
}

// Binary and Where: the operands in their compute types, then `kernel(operands, out)`. Kernels
// read each position before writing it, so the operand `first` may be overwritten in place.
template <class OperandType, class Kernel>
Block broadcast_kernel(const Node& node, const Region& region, Evaluator& evaluator, std::size_t first,
                       OperandType&& operand_type, Kernel&& kernel) {
    const Shape shape = region_shape(region);
    std::vector<Block> in;
    for (std::size_t k = 0; k < node.inputs.size(); ++k)
        in.push_back(evaluator.as_dtype(evaluator.evaluate(node.inputs[k], broadcast_input_region(node, k, region)),
                                        operand_type(k)));
    std::vector<kernels::Operand> operands;
    for (const Block& b : in) operands.push_back({b.data(), pad_to_rank(b.shape, shape.size())});
    Block out = evaluator.output_for(node, shape, in[first], *node.inputs[first]);
    kernel(operands, out.data(), shape);
    return out;
}

DType where_operand_type(const Node& node, std::size_t k) { return k == 0 ? DType::Bool : node.dtype; }

}  // namespace

Region input_region(const ops::Unary&, const Node&, std::size_t, const Region& region) { return region; }
Region input_region(const ops::Binary&, const Node& node, std::size_t k, const Region& region) {
    return broadcast_input_region(node, k, region);
}
Region input_region(const ops::Where&, const Node& node, std::size_t k, const Region& region) {
    return broadcast_input_region(node, k, region);
}

Block evaluate(const ops::Unary& op, const Node& node, const Region& region, Evaluator& evaluator) {
    if (auto fused = evaluate_fused_chain(node, region, evaluator)) return *fused;
    const Shape shape = region_shape(region);
    Block in = evaluator.as_dtype(evaluator.evaluate(node.inputs[0], region), op.types.compute);
    const kernels::Operand operand{in.data(), in.shape};
    Block out = evaluator.output_for(node, shape, in, *node.inputs[0]);
    kernels::unary(op.function, op.types, operand, out.data(), shape);
    return out;
}

Block evaluate(const ops::Binary& op, const Node& node, const Region& region, Evaluator& evaluator) {
    if (auto fused = evaluate_fused_chain(node, region, evaluator)) return *fused;
    return broadcast_kernel(
        node, region, evaluator, 0, [&](std::size_t) { return op.types.compute; },
        [&](const std::vector<kernels::Operand>& in, std::byte* out, const Shape& shape) {
            kernels::binary(op.function, op.types, in[0], in[1], out, shape);
        });
}

Block evaluate(const ops::Where&, const Node& node, const Region& region, Evaluator& evaluator) {
    if (auto fused = evaluate_fused_chain(node, region, evaluator)) return *fused;
    return broadcast_kernel(
        node, region, evaluator, 1, [&](std::size_t k) { return where_operand_type(node, k); },
        [&](const std::vector<kernels::Operand>& in, std::byte* out, const Shape& shape) {
            kernels::where(in[0], node.dtype, in[1], in[2], out, shape);
        });
}

std::size_t footprint(const ops::Unary& op, const Node& node, const Region& region, FootprintWalk& walk) {
    return elementwise_footprint(node, region, walk, [&](std::size_t) { return op.types.compute; });
}

std::size_t footprint(const ops::Binary& op, const Node& node, const Region& region, FootprintWalk& walk) {
    return elementwise_footprint(node, region, walk, [&](std::size_t) { return op.types.compute; });
}

std::size_t footprint(const ops::Where&, const Node& node, const Region& region, FootprintWalk& walk) {
    return elementwise_footprint(node, region, walk, [&](std::size_t k) { return where_operand_type(node, k); });
}

}  // namespace chunkarr
