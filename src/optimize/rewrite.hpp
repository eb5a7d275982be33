#pragma once
// Bottom-up rebuilding of a graph, shared by the passes: every node is rebuilt from its
// rewritten inputs, then offered to `rule`, which may return a replacement.
#include "graph/node.hpp"
#include "optimize/graph.hpp"

#include <functional>
#include <unordered_map>
#include <vector>

namespace chunkarr {

class Rewriter {
public:
    using Rule = std::function<NodePtr(const NodePtr& rebuilt)>;
    explicit Rewriter(Rule rule) : rule_(std::move(rule)) {}

    NodePtr operator()(const NodePtr& node) {
        if (auto it = done_.find(node.get()); it != done_.end()) return it->second;
        std::vector<NodePtr> inputs;
        bool changed = false;
        for (const auto& input : node->inputs) {
            inputs.push_back((*this)(input));
            changed = changed || inputs.back() != input;
        }
        NodePtr rebuilt = changed ? with_inputs(*node, std::move(inputs)) : node;
        NodePtr result = rule_(rebuilt);
        done_[node.get()] = result;
        return result;
    }

private:
    Rule rule_;
    std::unordered_map<const Node*, NodePtr> done_;
};

// Every output of `graph` rewritten by one Rewriter (a node shared by outputs is rewritten once).
inline OptimizedGraph rewrite_outputs(OptimizedGraph graph, Rewriter::Rule rule) {
    Rewriter rewrite(std::move(rule));
    for (auto& output : graph.outputs) output = rewrite(output);
    return graph;
}

// What a pass must keep when it replaces a node (the verifier checks it for the outputs): the
// same shape, dtype and chunks.
inline bool looks_the_same(const Node& a, const Node& b) {
    return a.shape == b.shape && a.dtype == b.dtype && a.chunks == b.chunks;
}

}  // namespace chunkarr
