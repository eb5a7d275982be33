#include "graph/ops/cast.hpp"

#include "graph/node.hpp"

namespace chunkarr {

NodePtr make_cast_node(NodePtr input, DType dtype) {
    if (input->dtype == dtype) return input;
    Node n;
    n.dtype = dtype;
    n.shape = input->shape;
    n.chunks = input->chunks;
    n.op = ops::Cast{};
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Cast&, const Node& node, std::vector<NodePtr> inputs) {
    return make_cast_node(std::move(inputs[0]), node.dtype);
}

std::string describe(const ops::Cast&, const Node& node, const std::vector<std::string>& inputs) {
    return "astype(" + inputs[0] + ", " + std::string(dtype_name(node.dtype)) + ")";
}

}  // namespace chunkarr
