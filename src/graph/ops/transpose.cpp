#include "graph/ops/transpose.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/inference.hpp"
#include "graph/node.hpp"

#include <algorithm>

namespace chunkarr {

NodePtr make_transpose_node(NodePtr input, std::vector<int> order) {
    const std::size_t ndim = input->shape.size();
    if (order.empty())
        for (std::size_t i = ndim; i-- > 0;) order.push_back(static_cast<int>(i));
    if (order.size() != ndim) throw ValueError("axes don't match array");
    std::vector<int> normalized;
    for (int axis : order) normalized.push_back(normalize_axes({axis}, ndim).front());
    std::vector<int> sorted = normalized;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < ndim; ++i)
        if (sorted[i] != static_cast<int>(i)) throw ValueError("repeated axis in transpose");
    bool identity = true;
    for (std::size_t i = 0; i < ndim; ++i) identity = identity && normalized[i] == static_cast<int>(i);
    if (identity) return input;
    Node n;
    n.dtype = input->dtype;
    std::vector<std::vector<Index>> chunks;
    for (int axis : normalized) {
        n.shape.push_back(input->shape[static_cast<std::size_t>(axis)]);
        chunks.push_back(input->chunks.chunks(static_cast<std::size_t>(axis)));
    }
    n.chunks = ChunkGrid(std::move(chunks));
    n.op = ops::Transpose{std::move(normalized)};
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Transpose& op, const Node&, std::vector<NodePtr> inputs) {
    return make_transpose_node(std::move(inputs[0]), op.order);
}

std::string describe(const ops::Transpose& op, const Node&, const std::vector<std::string>& inputs) {
    std::string text = "transpose(" + inputs[0] + ", (";
    for (std::size_t i = 0; i < op.order.size(); ++i) text += (i ? ", " : "") + std::to_string(op.order[i]);
    return text + "))";
}

}  // namespace chunkarr
