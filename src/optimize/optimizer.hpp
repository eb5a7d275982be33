#pragma once
// Runs the passes in a fixed order (optimize/passes.hpp), verifying after each that no output
// changed shape, dtype or chunks.
#include "optimize/graph.hpp"

#include <vector>

namespace chunkarr {

OptimizedGraph optimize(const std::vector<NodePtr>& outputs);

}  // namespace chunkarr
