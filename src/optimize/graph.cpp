#include "optimize/graph.hpp"

#include <functional>

namespace chunkarr {

std::vector<const Node*> topological_order(const std::vector<NodePtr>& outputs) {
    std::vector<const Node*> order;
    std::unordered_set<const Node*> seen;
    std::function<void(const Node&)> visit = [&](const Node& node) {
        if (!seen.insert(&node).second) return;
        for (const auto& input : node.inputs) visit(*input);
        order.push_back(&node);
    };
    for (const auto& output : outputs) visit(*output);
    return order;
}

}  // namespace chunkarr
