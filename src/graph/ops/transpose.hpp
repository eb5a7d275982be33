#pragma once
// Transpose: axes reordered; result axis i is input axis order[i] (NumPy's transpose).
#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Transpose {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    std::vector<int> order;
    bool operator==(const Transpose&) const = default;
    std::size_t hash() const { return hash_of(order); }
};

}  // namespace ops

// The input itself for the identity order; empty `order` reverses the axes.
NodePtr make_transpose_node(NodePtr input, std::vector<int> order);
NodePtr rebuild(const ops::Transpose& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Transpose& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
