#pragma once
// Runs the passes in a fixed order, verifying after each that no output changed shape, dtype or
// chunks, and describes the result (explain).
#include <chunkarr/graph/array.hpp>
#include <chunkarr/optimize/graph.hpp>

#include <string>
#include <vector>

namespace chunkarr {

OptimizedGraph optimize(const std::vector<NodePtr>& outputs);

// The graph before and after optimization, and the plan: tasks, and bytes each source reads,
// and the stages of rechunks that need them under `memory_limit` (0: the default budget).
// Stable text (nodes numbered in order), for people and golden tests.
std::string explain(const std::vector<Array>& outputs, std::size_t memory_limit = 0);

}  // namespace chunkarr
