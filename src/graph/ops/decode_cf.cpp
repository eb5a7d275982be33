#include "graph/ops/decode_cf.hpp"

#include "graph/node.hpp"

namespace chunkarr {

NodePtr make_decode_cf_node(NodePtr input, CFDecoding decoding) {
    Node n;
    n.dtype = decoding.result;
    n.shape = input->shape;
    n.chunks = input->chunks;
    n.op = ops::DecodeCF{std::move(decoding)};
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::DecodeCF& op, const Node&, std::vector<NodePtr> inputs) {
    return make_decode_cf_node(std::move(inputs[0]), op.decoding);
}

std::string describe(const ops::DecodeCF&, const Node&, const std::vector<std::string>& inputs) {
    return "decode_cf(" + inputs[0] + ")";
}

}  // namespace chunkarr
