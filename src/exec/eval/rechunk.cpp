// Rechunk: only the task grid differs; a region is the input's same region.
#include "exec/eval/operations.hpp"

namespace chunkarr {

Region input_region(const ops::Rechunk&, const Node&, std::size_t, const Region& region) { return region; }

Block evaluate(const ops::Rechunk&, const Node& node, const Region& region, Evaluator& evaluator) {
    return evaluator.evaluate(node.inputs[0], region);
}

std::size_t footprint(const ops::Rechunk&, const Node& node, const Region& region, FootprintWalk& walk) {
    return walk(*node.inputs[0], region);
}

}  // namespace chunkarr
