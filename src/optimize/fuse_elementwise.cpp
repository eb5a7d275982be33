#include "optimize/passes.hpp"

#include <unordered_map>

namespace chunkarr {

namespace {
// Casts stay out of chains: a cast always converts into a new buffer, and explain's
// "[fused into its consumer]" marks what users know from Dask's fused tasks.
bool fusable(const Node& node) { return is_elementwise(node) && !node.is<ops::Cast>(); }
}  // namespace

OptimizedGraph fuse_elementwise(OptimizedGraph graph) {
    std::unordered_map<const Node*, int> consumers;
    std::unordered_map<const Node*, const Node*> consumer;
    const auto order = topological_order(graph.outputs);
    for (const Node* node : order)
        for (const auto& input : node->inputs) {
            ++consumers[input.get()];
            consumer[input.get()] = node;
        }
    for (const auto& output : graph.outputs) consumers[output.get()] += 2;  // outputs are kept
    graph.transient.clear();
    for (const Node* node : order) {
        const bool producer = fusable(*node) || node->is<ops::Source>();
        if (producer && consumers[node] == 1 && fusable(*consumer[node])) graph.transient.insert(node);
    }
    return graph;
}

}  // namespace chunkarr
