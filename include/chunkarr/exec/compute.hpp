#pragma once
// Running graphs: lower the outputs to chunk tasks and execute them on a oneTBB arena.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/exec/options.hpp>
#include <chunkarr/graph/array.hpp>

#include <vector>

namespace chunkarr {

// Computes several arrays in one run: shared inputs are read once.
std::vector<NDArray> compute(const std::vector<Array>& arrays, const ComputeOptions& options = {});

}  // namespace chunkarr
