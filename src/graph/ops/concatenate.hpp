#pragma once
// Concatenate: arrays joined along an existing axis (same shape on the others; dtypes promoted).
#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Concatenate {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    int axis = 0;
    bool operator==(const Concatenate&) const = default;
    std::size_t hash() const { return hash_of(axis); }
};

}  // namespace ops

NodePtr make_concatenate_node(std::vector<NodePtr> inputs, int axis);
NodePtr rebuild(const ops::Concatenate& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Concatenate& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
