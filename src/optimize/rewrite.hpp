#pragma once
// Bottom-up rebuilding of a graph, shared by the passes: every node is rebuilt from its
// rewritten inputs, then offered to `rule`, which may return a replacement.
#include <chunkarr/graph/node.hpp>

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

}  // namespace chunkarr
