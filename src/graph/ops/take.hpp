#pragma once
// Take: elements picked along one axis by a list of positions (NumPy's take). The gather under
// integer-array and boolean-mask indexing, negative steps, flip, repeat and vindex.
#include <chunkarr/core/shape.hpp>

#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Take {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    int axis = 0;
    std::vector<Index> indices;  // positions on `axis`, each in [0, length): negatives already resolved
    bool operator==(const Take&) const = default;
    std::size_t hash() const { return hash_of(axis, indices); }
};

}  // namespace ops

// Negative indices count from the end; any other index outside the axis is a ValueError
// naming axis and size.
NodePtr make_take_node(NodePtr input, int axis, std::vector<Index> indices);
// The output chunks along the taken axis: consecutive runs of `indices` that each lie in one of
// the input's chunks (`input_chunks`: their lengths on the axis) and are no longer than the
// largest of them.
std::vector<Index> take_chunks(const std::vector<Index>& indices, const std::vector<Index>& input_chunks);
NodePtr rebuild(const ops::Take& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Take& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
