#include "graph/ops/scan.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/inference.hpp"
#include "graph/node.hpp"

namespace chunkarr {

NodePtr make_scan_node(NodePtr input, NodePtr offsets, int axis, bool product) {
    const auto a = static_cast<std::size_t>(normalize_axes({axis}, input->shape.size()).front());
    Node n;
    n.dtype = sum_result(input->dtype);
    n.shape = input->shape;
    n.chunks = input->chunks;
    n.op = ops::Scan{static_cast<int>(a), product};
    if (offsets) {
        Shape expected = input->shape;
        expected[a] = static_cast<Index>(input->chunks.chunks(a).size());
        if (offsets->shape != expected || offsets->dtype != n.dtype)
            throw ValueError("internal: scan offsets do not fit");
    }
    n.inputs = {std::move(input)};
    if (offsets) n.inputs.push_back(std::move(offsets));
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Scan& op, const Node&, std::vector<NodePtr> inputs) {
    return make_scan_node(std::move(inputs[0]), inputs.size() > 1 ? std::move(inputs[1]) : nullptr, op.axis,
                          op.product);
}

std::string describe(const ops::Scan& op, const Node&, const std::vector<std::string>& inputs) {
    return std::string(op.product ? "cumprod(" : "cumsum(") + inputs[0] +
           (inputs.size() > 1 ? ", offsets=" + inputs[1] : "") + ", axis=" + std::to_string(op.axis) + ")";
}

}  // namespace chunkarr
