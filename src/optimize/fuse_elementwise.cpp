#include <chunkarr/optimize/passes.hpp>

#include <unordered_map>

namespace chunkarr {

namespace {
bool elementwise(NodeKind kind) {
    return kind == NodeKind::Unary || kind == NodeKind::Binary || kind == NodeKind::Where || kind == NodeKind::DecodeCF;
}
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
    for (const auto& output : graph.outputs) consumers[output.get()] += 2;   // outputs are kept
    graph.transient.clear();
    for (const Node* node : order) {
        const bool producer = elementwise(node->kind) || node->kind == NodeKind::Source;
        if (producer && consumers[node] == 1 && elementwise(consumer[node]->kind)) graph.transient.insert(node);
    }
    return graph;
}

}  // namespace chunkarr
