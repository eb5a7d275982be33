#pragma once
// Rechunk: the same values with other chunks (tasks over the node's grid). A rechunk that
// would decode each stored chunk many times is run in stages by the engine (engine/rechunk).
#include <chunkarr/core/shape.hpp>

#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Rechunk {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    bool operator==(const Rechunk&) const = default;
    std::size_t hash() const { return 0; }
};

}  // namespace ops

// The input itself when it already has `grid`; the grid must cover the same shape.
NodePtr make_rechunk_node(NodePtr input, ChunkGrid grid);
NodePtr rebuild(const ops::Rechunk& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Rechunk& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
