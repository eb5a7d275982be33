#include "optimize/passes.hpp"
#include "optimize/rewrite.hpp"

#include <algorithm>

namespace chunkarr {

namespace {
// where(c, a, b) with a constant condition is the branch it picks, when that branch already has
// where's shape, dtype and chunks (otherwise the where stays: it broadcasts or converts).
NodePtr take_constant_branch(const NodePtr& node) {
    if (!node->is<ops::Where>()) return node;
    const Node* condition = node->inputs[0].get();
    if (condition->is<ops::Cast>()) condition = condition->inputs[0].get();
    const auto* constant = condition->as<ops::Scalar>();
    if (!constant) return node;
    const NodePtr& branch = node->inputs[constant->value != 0 ? 1 : 2];
    return looks_the_same(*branch, *node) ? branch : node;
}
}  // namespace

OptimizedGraph cull(OptimizedGraph graph) { return rewrite_outputs(std::move(graph), take_constant_branch); }

}  // namespace chunkarr
