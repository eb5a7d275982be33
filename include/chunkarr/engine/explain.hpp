#pragma once
// What compute() would do, in words: the graph before and after optimization, and the plan.
#include <chunkarr/graph/array.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace chunkarr {

// The graph before and after optimization, and the plan: tasks, and bytes each source reads,
// and the stages of rechunks that need them under `memory_limit` (0: the default budget).
// Stable text (nodes numbered in order), for people and golden tests.
std::string explain(const std::vector<Array>& outputs, std::size_t memory_limit = 0);

}  // namespace chunkarr
