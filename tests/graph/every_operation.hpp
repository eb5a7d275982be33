#pragma once
// One expression with every operation in it (a new operation must join it), and every node under
// some outputs: for the tests that must cover each operation (test_node, test_serialize).
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/graph/linalg.hpp>
#include <chunkarr/graph/map_blocks.hpp>
#include <chunkarr/graph/quantile.hpp>

#include "graph/node.hpp"

#include <functional>
#include <unordered_set>
#include <vector>

namespace chunkarr::testing {

// Every node under `outputs`, inputs first.
inline std::vector<NodePtr> all_nodes(const std::vector<NodePtr>& outputs) {
    std::vector<NodePtr> order;
    std::unordered_set<const Node*> seen;
    std::function<void(const NodePtr&)> visit = [&](const NodePtr& node) {
        if (!seen.insert(node.get()).second) return;
        for (const auto& input : node->inputs) visit(input);
        order.push_back(node);
    };
    for (const auto& output : outputs) visit(output);
    return order;
}

// One expression with every operation in it.
inline std::vector<NodePtr> every_operation() {
    const Array x = ones({6, 4}, DType::Float32, {4, 3});
    const Array y = sqrt(x * 2.0 + 1);                            // Unary, Binary, Scalar
    const Array z = where(y > 1.5, y, x).astype(DType::Float64);  // Where, Cast
    const Array decoded(
        make_decode_cf_node(x.node(), CFDecoding{{1.0L}, std::nullopt, 9.0L, 0.5, 1.0, DType::Float64}));
    const Array picked = take(z[{Slice{1, 5, 2}}], {1, 0, -1}, 1);             // Slice, Take
    const Array stacked = concatenate({transpose(z), transpose(decoded)}, 0);  // Transpose, Concatenate
    const Array scanned = cumsum(expand_dims(z, {0}), 1);                      // ExpandDims, Scan
    const Array flat = reshape(z, {24}).rechunk(ChunkGrid({{10, 14}}));        // Reshape, Rechunk
    const Array blocks = map_blocks([](const std::vector<NDArray>& b, const BlockInfo&) { return b[0]; }, {z});
    return {picked.sum({0}).node(),
            stacked.node(),
            scanned.node(),
            flat.node(),
            blocks.node(),
            median(z, {0}).node(),
            matmul(z, transpose(z)).node()};  // Reduce, Quantile, Contract
}

}  // namespace chunkarr::testing
