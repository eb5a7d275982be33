// Take: the box of input positions the region's indices span, read once; slabs copied in order.
#include "exec/eval/operations.hpp"

#include <algorithm>
#include <cstring>

namespace chunkarr {

Region input_region(const ops::Take& op, const Node&, std::size_t, const Region& region) {
    Region result = region;
    const auto axis = static_cast<std::size_t>(op.axis);
    const Range r = region[axis];
    if (is_empty(region)) {
        result[axis] = {0, 0};
        return result;
    }
    const auto first = op.indices.begin() + r.start, last = op.indices.begin() + r.stop;
    const auto [low, high] = std::minmax_element(first, last);
    result[axis] = {*low, *high + 1};
    return result;
}

namespace {

// Copies slab `indices[j] - low` of each of `outer` input runs to slab j of the output run.
// `Bytes` > 0 fixes the slab size at compile time: one element (the last axis taken) is then a
// register move, not a memcpy call.
template <std::size_t Bytes>
void gather_slabs(const std::byte* in, std::byte* out, Index outer, Index spanned, const Index* indices, Index taken,
                  Index low, std::size_t slab) {
    const std::size_t size = Bytes ? Bytes : slab;
    for (Index o = 0; o < outer; ++o) {
        const std::byte* run = in + static_cast<std::size_t>(o * spanned) * size;
        for (Index j = 0; j < taken; ++j, out += size)
            std::memcpy(out, run + static_cast<std::size_t>(indices[j] - low) * size, Bytes ? Bytes : size);
    }
}

}  // namespace

Block evaluate(const ops::Take& op, const Node& node, const Region& region, Evaluator& evaluator) {
    const Shape shape = region_shape(region);
    const Region box = input_region(op, node, 0, region);
    const Block in = evaluator.evaluate(node.inputs[0], box);
    Block out = evaluator.allocate(node.dtype, shape);
    if (out.size() == 0) return out;
    const auto axis = static_cast<std::size_t>(op.axis);
    // C order: `outer` runs of the axis, each position a contiguous slab of `slab` bytes.
    Index outer = 1;
    std::size_t slab = itemsize(node.dtype);
    for (std::size_t a = 0; a < axis; ++a) outer *= shape[a];
    for (std::size_t a = axis + 1; a < shape.size(); ++a) slab *= static_cast<std::size_t>(shape[a]);
    const Index* indices = op.indices.data() + region[axis].start;
    const auto run = [&](auto gather) {
        gather(in.data(), out.data(), outer, box[axis].size(), indices, shape[axis], box[axis].start, slab);
    };
    switch (slab) {
        case 1: run(gather_slabs<1>); break;
        case 2: run(gather_slabs<2>); break;
        case 4: run(gather_slabs<4>); break;
        case 8: run(gather_slabs<8>); break;
        default: run(gather_slabs<0>);
    }
    return out;
}

std::size_t footprint(const ops::Take& op, const Node& node, const Region& region, FootprintWalk& walk) {
    return region_bytes(region, node.dtype) + walk(*node.inputs[0], input_region(op, node, 0, region));
}

}  // namespace chunkarr
