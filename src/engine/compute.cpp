#include <chunkarr/engine/compute.hpp>

#include "engine/pipeline.hpp"

namespace chunkarr {

std::vector<NDArray> compute(const std::vector<Array>& arrays, const ComputeOptions& options) {
    std::vector<NodePtr> outputs;
    for (const auto& array : arrays) outputs.push_back(array.node());
    return run_pipeline(outputs, options);
}

// Declared with Array (graph/array.hpp); defined here, in the layer that runs graphs, so that
// graph/ never reaches up into the engine.
NDArray Array::compute(const ComputeOptions& options) const { return chunkarr::compute({*this}, options).front(); }
NDArray Array::compute() const { return compute(ComputeOptions{}); }

}  // namespace chunkarr
