#include "graph/ops/reduce.hpp"

#include "graph/inference.hpp"
#include "graph/node.hpp"

#include <algorithm>

namespace chunkarr {

bool ops::Reduce::reduces(std::size_t axis) const {
    return std::binary_search(axes.begin(), axes.end(), static_cast<int>(axis));
}

NodePtr make_reduce_node(ReduceOp op, NodePtr input, std::vector<int> axes, bool keepdims, bool skipna, int ddof,
                         std::optional<DType> result, std::optional<CFDecoding> mask) {
    Node n;
    ops::Reduce reduce;
    reduce.function = op;
    reduce.axes = normalize_axes(axes, input->shape.size());
    reduce.keepdims = keepdims;
    reduce.skipna = skipna || mask.has_value();
    reduce.mask = std::move(mask);
    reduce.ddof = ddof;
    n.dtype = result.value_or(reduce_result(op, input->dtype));
    std::vector<std::vector<Index>> chunks;
    reduced_shape(*input, reduce.axes, keepdims, n.shape, chunks);
    n.chunks = ChunkGrid(std::move(chunks));
    n.op = std::move(reduce);
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Reduce& op, const Node& node, std::vector<NodePtr> inputs) {
    return make_reduce_node(op.function, std::move(inputs[0]), op.axes, op.keepdims, op.skipna, op.ddof, node.dtype,
                            op.mask);
}

std::string describe(const ops::Reduce& op, const Node&, const std::vector<std::string>& inputs) {
    std::string text = std::string(op.skipna && op.function != ReduceOp::Count ? "nan" : "") +
                       std::string(op_name(op.function)) + "(" + inputs[0] + ", axes=(";
    for (std::size_t i = 0; i < op.axes.size(); ++i) text += (i ? ", " : "") + std::to_string(op.axes[i]);
    return text + ")" + (op.keepdims ? ", keepdims" : "") + (op.mask ? ", masked" : "") + ")";
}

}  // namespace chunkarr
