#pragma once
// Cast: the same values in another dtype (astype); the target is the node's dtype.
#include <chunkarr/core/dtype.hpp>

#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Cast {
    static constexpr bool elementwise = true;  // each element from the inputs' at its position
    static constexpr bool reduction = false;   // computed in a stage of its own, then held
    bool operator==(const Cast&) const = default;
    std::size_t hash() const { return 0; }
};

}  // namespace ops

// The input itself when it already has `dtype`.
NodePtr make_cast_node(NodePtr input, DType dtype);
NodePtr rebuild(const ops::Cast& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Cast& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
