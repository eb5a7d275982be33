#include "graph/ops/rechunk.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/node.hpp"

namespace chunkarr {

NodePtr make_rechunk_node(NodePtr input, ChunkGrid grid) {
    if (grid.shape() != input->shape)
        throw ValueError("chunks " + grid.to_string() + " do not cover shape " + shape_to_string(input->shape));
    if (grid == input->chunks) return input;
    Node n;
    n.dtype = input->dtype;
    n.shape = input->shape;
    n.chunks = std::move(grid);
    n.op = ops::Rechunk{};
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Rechunk&, const Node& node, std::vector<NodePtr> inputs) {
    return make_rechunk_node(std::move(inputs[0]), node.chunks);
}

std::string describe(const ops::Rechunk&, const Node& node, const std::vector<std::string>& inputs) {
    return "rechunk(" + inputs[0] + ", " + node.chunks.to_string() + ")";
}

}  // namespace chunkarr
