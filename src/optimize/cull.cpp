#include <chunkarr/optimize/passes.hpp>

#include "rewrite.hpp"

#include <algorithm>

namespace chunkarr {

namespace {
// where(c, a, b) with a constant condition is the branch it picks, when that branch already has
// where's shape, dtype and chunks (otherwise the where stays: it broadcasts or converts).
NodePtr take_constant_branch(const NodePtr& node) {
    if (node->kind != NodeKind::Where) return node;
    const Node* condition = node->inputs[0].get();
    if (condition->kind == NodeKind::Cast) condition = condition->inputs[0].get();
    if (condition->kind != NodeKind::Scalar) return node;
    const NodePtr& branch = node->inputs[condition->scalar != 0 ? 1 : 2];
    return looks_the_same(*branch, *node) ? branch : node;
}
}  // namespace

OptimizedGraph cull(OptimizedGraph graph) {
    return rewrite_outputs(std::move(graph), take_constant_branch);
}

}  // namespace chunkarr
