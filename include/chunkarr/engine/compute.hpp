#pragma once
// Running arrays: the engine stages the rechunks that need it, optimizes the graph, plans its
// chunk tasks and executes them on a oneTBB arena within the memory budget.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/options.hpp>
#include <chunkarr/graph/array.hpp>

#include <vector>

namespace chunkarr {

// Computes several arrays in one run: shared inputs are read once.
std::vector<NDArray> compute(const std::vector<Array>& arrays, const ComputeOptions& options = {});

}  // namespace chunkarr
