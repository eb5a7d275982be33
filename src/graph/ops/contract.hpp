#pragma once
// Contract: a sum of products over paired axes of two operands (tensordot / matmul / dot).
#include <chunkarr/core/shape.hpp>

#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

// Both operands share `batch` leading axes (equal length, or 1 = broadcast); a_axes[i] of the
// first is summed against b_axes[i] of the second. The result's axes are the batch axes, then
// the first operand's remaining axes, then the second's, in order. `k_chunks` fixes, per pair,
// the pieces the sum is split into: each task adds their products in this order, so results
// do not depend on threads or on how the operands are chunked later.
struct Contract {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    int batch = 0;
    std::vector<int> a_axes, b_axes;
    std::vector<std::vector<Index>> k_chunks;
    bool operator==(const Contract&) const = default;
    std::size_t hash() const { return hash_of(batch, a_axes, b_axes, k_chunks); }
};

}  // namespace ops

// `k_chunks` and `grid` (the result's chunks) are derived from the operands' chunks when empty;
// rebuild keeps them.
NodePtr make_contract_node(NodePtr a, NodePtr b, int batch, std::vector<int> a_axes, std::vector<int> b_axes,
                           std::vector<std::vector<Index>> k_chunks = {}, std::optional<ChunkGrid> grid = std::nullopt);
// Where axis `axis` of contract node `node`'s operand `k` (0 or 1) lands in the result, or -1
// when it is summed over.
int contract_output_axis(const Node& node, std::size_t k, std::size_t axis);
NodePtr rebuild(const ops::Contract& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Contract& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
