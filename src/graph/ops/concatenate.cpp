#include "graph/ops/concatenate.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/inference.hpp"
#include "graph/node.hpp"

namespace chunkarr {

NodePtr make_concatenate_node(std::vector<NodePtr> inputs, int axis) {
    if (inputs.empty()) throw ValueError("need at least one array to concatenate");
    const Shape& first = inputs.front()->shape;
    if (first.empty()) throw ValueError("zero-dimensional arrays cannot be concatenated");
    const auto a = static_cast<std::size_t>(normalize_axes({axis}, first.size()).front());
    Node n;
    n.op = ops::Concatenate{static_cast<int>(a)};
    n.shape = first;
    n.shape[a] = 0;
    n.dtype = inputs.front()->dtype;
    std::vector<std::vector<Index>> chunks = inputs.front()->chunks.chunks();
    chunks[a].clear();
    for (const auto& input : inputs) {
        if (input->shape.size() != first.size())
            throw ValueError("all arrays to concatenate need " + std::to_string(first.size()) + " dimensions");
        for (std::size_t d = 0; d < first.size(); ++d)
            if (d != a && input->shape[d] != first[d])
                throw ValueError("shapes " + shape_to_string(first) + " and " + shape_to_string(input->shape) +
                                 " do not match outside axis " + std::to_string(a));
        n.shape[a] += input->shape[a];
        n.dtype = promote(n.dtype, input->dtype);
        for (Index c : input->chunks.chunks(a))
            if (c > 0) chunks[a].push_back(c);
        for (std::size_t d = 0; d < first.size(); ++d)
            if (d != a) chunks[d] = refine_axis(chunks[d], input->chunks.chunks(d));
    }
    if (chunks[a].empty()) chunks[a].push_back(0);
    n.chunks = ChunkGrid(std::move(chunks));
    n.inputs = std::move(inputs);
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Concatenate& op, const Node&, std::vector<NodePtr> inputs) {
    return make_concatenate_node(std::move(inputs), op.axis);
}

std::string describe(const ops::Concatenate& op, const Node&, const std::vector<std::string>& inputs) {
    std::string text = "concatenate(";
    for (std::size_t k = 0; k < inputs.size(); ++k) text += (k ? ", " : "") + inputs[k];
    return text + ", axis=" + std::to_string(op.axis) + ")";
}

}  // namespace chunkarr
