#pragma once
// ExpandDims: new axes of length 1 (NumPy's expand_dims); the same elements in the same order.
#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct ExpandDims {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    std::vector<int> new_axes;                  // positions in the result, sorted
    bool operator==(const ExpandDims&) const = default;
    std::size_t hash() const { return hash_of(new_axes); }
    bool is_new(std::size_t axis) const;
};

}  // namespace ops

NodePtr make_expand_dims_node(NodePtr input, std::vector<int> axes);
NodePtr rebuild(const ops::ExpandDims& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::ExpandDims& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
