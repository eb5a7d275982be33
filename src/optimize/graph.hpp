#pragma once
// What the optimizer passes work on: the outputs of one compute() and what the passes found out
// about the nodes under them.
#include "graph/node.hpp"

#include <unordered_set>
#include <vector>

namespace chunkarr {

struct OptimizedGraph {
    std::vector<NodePtr> outputs;
    // Elementwise results consumed by exactly one elementwise node in the same task: their
    // buffer can be overwritten by that consumer (fusion: one buffer per chunk for a chain).
    std::unordered_set<const Node*> transient;
};

// Visits every node under `outputs` once, inputs before the nodes that use them.
std::vector<const Node*> topological_order(const std::vector<NodePtr>& outputs);

}  // namespace chunkarr
