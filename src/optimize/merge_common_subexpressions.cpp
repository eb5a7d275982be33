#include "optimize/passes.hpp"
#include "optimize/rewrite.hpp"

namespace chunkarr {

OptimizedGraph merge_common_subexpressions(OptimizedGraph graph) {
    // Nodes are interned when made, so rebuilding every node through its factory returns the one
    // live node for each distinct expression: equal subtrees of all outputs become shared.
    return rewrite_outputs(std::move(graph), [](const NodePtr& node) {
        std::vector<NodePtr> inputs = node->inputs;
        return with_inputs(*node, std::move(inputs));
    });
}

}  // namespace chunkarr
