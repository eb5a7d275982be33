#include "graph/ops/expand_dims.hpp"

#include "graph/inference.hpp"
#include "graph/node.hpp"

#include <algorithm>

namespace chunkarr {

bool ops::ExpandDims::is_new(std::size_t axis) const {
    return std::binary_search(new_axes.begin(), new_axes.end(), static_cast<int>(axis));
}

NodePtr make_expand_dims_node(NodePtr input, std::vector<int> axes) {
    const std::size_t ndim = input->shape.size() + axes.size();
    ops::ExpandDims op{normalize_axes(axes, ndim)};
    if (op.new_axes.empty()) return input;
    Node n;
    n.dtype = input->dtype;
    std::vector<std::vector<Index>> chunks;
    std::size_t from = 0;
    for (std::size_t axis = 0; axis < ndim; ++axis) {
        if (op.is_new(axis)) {
            n.shape.push_back(1);
            chunks.push_back({1});
        } else {
            n.shape.push_back(input->shape[from]);
            chunks.push_back(input->chunks.chunks(from));
            ++from;
        }
    }
    n.chunks = ChunkGrid(std::move(chunks));
    n.op = std::move(op);
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::ExpandDims& op, const Node&, std::vector<NodePtr> inputs) {
    return make_expand_dims_node(std::move(inputs[0]), op.new_axes);
}

std::string describe(const ops::ExpandDims& op, const Node&, const std::vector<std::string>& inputs) {
    std::string text = "expand_dims(" + inputs[0] + ", (";
    for (std::size_t i = 0; i < op.new_axes.size(); ++i) text += (i ? ", " : "") + std::to_string(op.new_axes[i]);
    return text + "))";
}

}  // namespace chunkarr
