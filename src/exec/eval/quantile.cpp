// Quantile: computed by the executor's selection passes in an earlier stage
// (exec/executor.cpp, kernels/quantile.hpp); here its stored result is copied out.
#include "exec/eval/operations.hpp"

namespace chunkarr {

// Never asked: a quantile's input is read by the selection passes, not through the evaluator.
Region input_region(const ops::Quantile&, const Node&, std::size_t, const Region& region) { return region; }

Block evaluate(const ops::Quantile&, const Node& node, const Region& region, Evaluator& evaluator) {
    return materialized(node, region, evaluator);
}

std::size_t footprint(const ops::Quantile&, const Node& node, const Region& region, FootprintWalk&) {
    return region_bytes(region, node.dtype);
}

}  // namespace chunkarr
