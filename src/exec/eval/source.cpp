// Source: the region read from the file (or memory, or generator) into a new block.
#include "exec/eval/operations.hpp"

namespace chunkarr {

Region input_region(const ops::Source&, const Node&, std::size_t, const Region& region) { return region; }

Block evaluate(const ops::Source& op, const Node& node, const Region& region, Evaluator& evaluator) {
    Block out = evaluator.allocate(node.dtype, region_shape(region));
    op.source->read(region, out.data());
    evaluator.count_read(out.nbytes());
    return out;
}

std::size_t footprint(const ops::Source&, const Node& node, const Region& region, FootprintWalk&) {
    return region_bytes(region, node.dtype);
}

}  // namespace chunkarr
